"""The package finds its data (queries/, dashboards/) from a checkout and from a built wheel, and the
Makefile's deploy targets explain what is missing instead of failing obscurely."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_checkout_finds_the_top_level_data_folders():
    from cvmigrate.paths import dashboards_dir, queries_dir

    assert queries_dir() == ROOT / "queries"
    assert dashboards_dir() == ROOT / "dashboards"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    wheels = list(out.glob("cvmigrate-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_bundles_every_query_and_dashboard_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("queries", "dashboards"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                rel = path.relative_to(ROOT / folder).as_posix()
                assert f"cvmigrate/_bundled/{folder}/{rel}" in names, rel
    assert "cvmigrate/program.py" in names
    assert "cvmigrate/scan/signatures.yaml" in names  # runtime data of `cvmigrate scan`
    assert "cvmigrate/content_understanding/service.yaml" in names  # api-version, regions of `analyzers`
    assert "cvmigrate/compare/compare.schema.json" in names  # the documented schema of compare.json


def test_installed_wheel_locates_its_bundled_data(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import cvmigrate.paths as p, json; "
            "print(json.dumps([str(p.queries_dir()), str(p.dashboards_dir()), p.__file__]))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            check=True)
    import json

    queries, dashboards, module = json.loads(result.stdout)
    assert module.startswith(str(site))
    assert queries == str(site / "cvmigrate" / "_bundled" / "queries")
    assert dashboards == str(site / "cvmigrate" / "_bundled" / "dashboards")


@pytest.mark.parametrize("target", ["up", "preview"])
def test_make_deploy_targets_explain_a_missing_pulumi_cli(target, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "sh", "make", "env", "mkdir"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    result = subprocess.run(["make", "-s", target, "ENV=dev"], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": str(bin_dir), "HOME": str(tmp_path)})
    assert result.returncode != 0
    assert "pulumi CLI is not installed" in result.stdout
    assert "get.pulumi.com" in result.stdout


def test_pulumi_project_file_points_at_the_program_and_the_venv():
    """Field names per Pulumi's project file reference (pulumi.com/docs/iac/concepts/projects/project-file):
    `main` is a path relative to Pulumi.yaml; python runtime options `toolchain` and `virtualenv`."""
    import yaml

    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "cvmigrate"
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"] == {"toolchain": "pip", "virtualenv": ".venv"}
    assert (ROOT / project["main"] / "__main__.py").is_file()
    for env in ("dev", "prod"):
        stack_file = yaml.safe_load((ROOT / f"Pulumi.{env}.yaml").read_text())
        assert set(stack_file) == {"config"}
        assert "00000000-0000-0000-0000-000000000000" in str(stack_file) or env == "dev"
