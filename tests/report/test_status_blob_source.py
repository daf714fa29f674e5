"""`status --source` read in place from blob storage (adlfs) against Azurite, with the storage-export layout
(insights-logs-<category>/resourceId=/.../y=/m=/d=/h=/m=00/PT1H.json, written by `cvmigrate sample`): the report
from the container, from a local copy and from the cache is the same."""
from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient

import azurite_server
from azurite_server import connection_string
from cvmigrate.cli import main
from cvmigrate.config import load_stack_file, replacement_refs
from cvmigrate.report.synthetic_archive import write_sample
from cvmigrate.report import archive
from cvmigrate.report.archive_blobs import parse_blob_source
from cvmigrate.report.archive_listing import ListingError
from cvmigrate.clouds import find_cloud

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "examples" / "Pulumi.demo.yaml")
END = "2027-06-01T00:00:00Z"


def upload(folder: Path, conn: str) -> None:
    """Every top folder becomes a container, every file below it a blob of the same relative name (top-level files,
    such as the generator's sample-manifest.yaml, are not part of a storage export)."""
    service = BlobServiceClient.from_connection_string(conn)
    jobs = []
    for top in (entry for entry in folder.iterdir() if entry.is_dir()):
        container = service.create_container(top.name)
        jobs += [(container, path.relative_to(top).as_posix(), path) for path in top.rglob("*") if path.is_file()]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda job: job[0].upload_blob(job[1], job[2].read_bytes()), jobs))


def report(capsys, source, *extra):
    code = main(["status", "--stack", DEMO, "--source", str(source), "--now", END, "--format", "json",
                 "--no-progress", *extra])
    out = capsys.readouterr()
    assert out.out, out.err
    doc = json.loads(out.out)
    doc["source"].pop("location")
    return code, doc, out.err


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory):
    """One Azurite for the module, holding a 10-day sample archive; (account URL, local copy, connection string)."""
    tmp = tmp_path_factory.mktemp("blob-source")
    with azurite_server.running(tmp / "azurite") as url:
        local = tmp / "copy"
        cfg = load_stack_file(DEMO)
        write_sample(cfg, local, refs=replacement_refs(cfg), days=10, seed=3, records=2000,
                     end=dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc))
        (local / "sample-manifest.yaml").unlink()   # the generator's record of what it planted: no storage export has it
        conn = connection_string(url)
        upload(local, conn)
        yield url, local, conn


@pytest.fixture
def archive_in_azurite(uploaded, monkeypatch):
    url, local, conn = uploaded
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", conn)
    return url, local


def test_blob_source_local_copy_and_cache_give_the_same_report(archive_in_azurite, capsys, tmp_path):
    account_url, local = archive_in_azurite
    code_local, from_local, _ = report(capsys, local, "--no-cache")
    code_blob, from_blob, _ = report(capsys, account_url, "--no-cache")
    cache = tmp_path / "c.duckdb"
    report(capsys, account_url, "--cache", str(cache))
    code_cached, from_cache, err = report(capsys, account_url, "--cache", str(cache))
    assert "0 new or changed file(s) read" in err
    assert from_blob == from_local == from_cache and code_local == code_blob == code_cached
    assert from_blob["source"]["load"]["rowsLoaded"]["AzureDiagnostics"] > 0
    assert from_blob["source"]["load"]["rowsLoaded"]["AzureMetrics"] > 0     # the insights-metrics-pt1m container too


def test_az_url_reads_one_container_and_lists_only_the_window(archive_in_azurite, capsys, monkeypatch):
    _, local = archive_in_azurite
    listed = []
    real = archive.list_blobs

    def spy(fs, loc, window_for, prune=None):
        found = real(fs, loc, window_for, prune)
        listed.extend(e.path for e in found.entries)
        return found

    monkeypatch.setattr(archive, "list_blobs", spy)
    _, doc, _ = report(capsys, "az://insights-logs-requestresponse", "--no-cache",
                       "--now", "2027-05-27T00:00:00Z")
    days = {p.split("/y=")[1][:14] for p in listed}
    assert listed and all(p.startswith("abfs://insights-logs-requestresponse/") for p in listed)
    # The demo stack's lookback is far longer than 10 days: every day up to --now + 2 days margin, none after.
    assert max(days) == "2027/m=05/d=29" and doc["source"]["load"]["rowsLoaded"]["AmlOnlineEndpointTrafficLog"] == 0


def test_a_blob_that_vanishes_before_it_is_read_is_unreadable_and_named(archive_in_azurite, capsys, monkeypatch):
    account_url, _ = archive_in_azurite
    real = archive.list_blobs
    gone = []

    def delete_one(fs, loc, window_for, prune=None):
        found = real(fs, loc, window_for, prune)
        victim = next(e for e in found.entries if "ACCOUNTS" in e.path)
        fs.rm(victim.path.removeprefix("abfs://"))
        gone.append(victim)
        return found

    monkeypatch.setattr(archive, "list_blobs", delete_one)
    try:
        code, doc, _ = report(capsys, account_url, "--no-cache")
    finally:
        service = BlobServiceClient.from_connection_string(connection_string(account_url))
        container, _, name = gone[0].path.removeprefix("abfs://").partition("/")
        service.get_container_client(container).upload_blob(name, b"", overwrite=True)
    load = doc["source"]["load"]
    assert load["complete"] is False and code == 3
    assert [(p["path"], p["reason"], p["resourceId"]) for p in load["problems"]["listed"]] == [
        (gone[0].path, "unreadable", gone[0].resource)]


def test_bad_blob_sources_are_one_line_and_never_show_the_sas(capsys, monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    monkeypatch.delenv("AZURE_STORAGE_ACCOUNT_NAME", raising=False)
    gov = find_cloud("AzureUSGovernment")
    assert parse_blob_source("https://acct.blob.core.usgovcloudapi.net/c/p?sig=s3cret", gov).account == "acct"
    with pytest.raises(ListingError, match="it is an AzureUSGovernment endpoint: select cloud AzureUSGovernment"):
        parse_blob_source("https://acct.blob.core.usgovcloudapi.net/c", find_cloud("AzureCloud"))
    for source, message in (("az://insights-logs-requestresponse", "az:// names no account"),
                            ("http://example.com/c", "use https://")):
        code = main(["status", "--stack", DEMO, "--source", source, "--no-cache"])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and message in err
    code = main(["status", "--stack", DEMO, "--source", "http://127.0.0.1:9/devstoreaccount1/c?sig=s3cret",
                 "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "s3cret" not in err
