"""No secret is ever printed: canary secrets are planted in the environment, the stack file, the arguments and
a local service's answers, every command is driven down its error paths, and none of the canaries may appear in
stdout or stderr (nor in a log record). Each case must also have printed an error, so the test cannot pass by
printing nothing.

Where secrets come from, as cvmigrate meets them: the training/prediction/endpoint keys in environment
variables or Key Vault (registered with cvmigrate.redaction), URL userinfo and SAS signatures in arguments and
config, connection strings and bearer tokens quoted by libraries and services (httpx "Illegal header value",
a gateway message echoing the key).
"""
from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import yaml

from stacks import REFERENCE_WORKLOAD

from cvmigrate import redaction
from cvmigrate.cli import main

KEY = "cvmTrainKey7f3a9c2e4b1d8f6a0c5e3b7d"
PREDICTION_KEY = "cvmPredKey0a1b2c3d4e5f60718293a4b5"
AML_KEY = "cvmAmlKey9e8d7c6b5a4f3e2d1c0b9a8f7"
OPENAI_KEY = "cvmOpenAIKey13579bdf02468ace13579b"
PASSWORD = "Pa55-Canary-w0rd-zq"
SIG = "CanarySig0123456789abcdefZ"
ACCOUNT_KEY = "Q2FuYXJ5QWNjb3VudEtleTAxMjM0NTY3ODk="
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJjYW5hcnkiOiJ0b2tlbiJ9.c2lnbmF0dXJlY2FuYXJ5"
CANARIES = (KEY, PREDICTION_KEY, AML_KEY, OPENAI_KEY, PASSWORD, SIG, ACCOUNT_KEY, JWT)
SECRET_URL = f"https://ops:{PASSWORD}@hooks.contoso.com/t/abc?sv=2024&sig={SIG}"


class EchoingGateway(BaseHTTPRequestHandler):
    """A Custom Vision gateway that quotes the key it was sent in its 401 (as some proxies do), and answers
    500 with a connection string in the body."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        key = self.headers.get("Training-Key", "")
        if "projects" in self.path and key == KEY:
            status, body = 500, {"code": "Internal", "message": f"storage DefaultEndpointsProtocol=https;"
                                                                 f"AccountName=cv;AccountKey={ACCOUNT_KEY}"}
        else:
            status, body = 401, {"error": {"code": "401", "message": f"Access denied: key {key} is not valid. "
                                                                      f"Authorization: Bearer {JWT}"}}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def planted(monkeypatch, tmp_path):
    redaction.forget_all()
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", KEY)
    monkeypatch.setenv("CUSTOM_VISION_PREDICTION_KEY", PREDICTION_KEY)
    monkeypatch.setenv("AZUREML_ENDPOINT_KEY", AML_KEY)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setattr("time.sleep", lambda s: None)       # retries of the 500 answer
    yield
    redaction.forget_all()


@pytest.fixture
def stack_file(stack_config, tmp_path):
    """``stack_file(name, **overrides)``: Pulumi.<name>.yaml with the reference workload, in the test's folder."""
    def write(name: str, **overrides) -> Path:
        path = tmp_path / f"Pulumi.{name}.yaml"
        path.write_text(yaml.safe_dump({"config": stack_config(REFERENCE_WORKLOAD, **overrides)}), encoding="utf-8")
        return path
    return write


@pytest.fixture
def bad_stack(stack_file) -> Path:
    """Invalid in ways whose messages quote the offending values: each carries a secret."""
    return stack_file("leaky", environment=f"AccountKey={ACCOUNT_KEY}",
                      alerts={"webhooks": [SECRET_URL.replace("https://", "http://")], "emails": [f"Bearer {JWT}"]},
                      retirementDate=f"Bearer {JWT}")


@pytest.fixture
def good_stack(stack_file) -> Path:
    return stack_file("good", alerts={"webhooks": [SECRET_URL]})


def cases(tmp_path: Path, gateway: str, bad_stack: Path, good_stack: Path) -> dict[str, list[str]]:
    bad, good, out = str(bad_stack), str(good_stack), str(tmp_path / "out")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    return {
        "validate bad config": ["validate", "--stack", bad],
        "render bad config": ["render", "--stack", bad, "--out", out],
        "sample bad config": ["sample", "--stack", bad, "--out", out],
        "status bad config": ["status", "--stack", bad, "--source", out],
        "status source with credentials": ["status", "--stack", good, "--source", str(tmp_path / SECRET_URL)],
        "status --now bearer": ["status", "--stack", good, "--source", out, "--now", f"Bearer {JWT}"],
        "backtest bad config": ["backtest", "--stack", bad, "--source", out, "--from", "2027-01-01", "--to", "2027-02-01"],
        "backtest source with credentials": ["backtest", "--stack", good, "--source", str(tmp_path / SECRET_URL),
                                             "--from", "2027-01-01", "--to", "2027-02-01"],
        "backtest --to bearer": ["backtest", "--stack", good, "--source", out, "--from", "2027-01-01",
                                 "--to", f"Bearer {JWT}"],
        "sample --days credentials (argparse)": ["sample", "--stack", good, "--out", out, "--days", SECRET_URL],
        "sample --end bearer": ["sample", "--stack", good, "--out", str(a_file), "--end", f"Bearer {JWT}"],
        "render --out a file": ["render", "--stack", good, "--out", str(a_file / SECRET_URL)],
        "scan a path with credentials": ["scan", str(tmp_path / SECRET_URL)],
        "analyzers endpoint userinfo": ["analyzers", "--stack", good, "--endpoint", f"https://u:{PASSWORD}@127.0.0.1:1/"],
        "analyzers endpoint with a key in the query": ["analyzers", "--stack", good, "--endpoint",
                                                       f"http://example.com/?sig={SIG}"],
        "analyzers bad config": ["analyzers", "--stack", bad, "--endpoint", "https://a.cognitiveservices.azure.com"],
        "export endpoint userinfo": ["export", "--endpoint", f"https://u:{PASSWORD}@127.0.0.1:1/", "--project", "p",
                                     "--out", out, "--no-progress"],
        "export endpoint invalid IPv6": ["export", "--endpoint", f"https://u:{PASSWORD}@[zz::1]/?sig={SIG}",
                                         "--project", "p", "--out", out, "--no-progress"],
        "export service quotes key and connection string": ["export", "--endpoint", gateway, "--project", "p",
                                                             "--out", out, "--no-progress"],
        "export wrong key quoted back": ["export", "--endpoint", gateway, "--project", "p", "--out", out,
                                         "--no-progress", "--key-env", "CUSTOM_VISION_PREDICTION_KEY"],
        "export --upload SAS": ["export", "--endpoint", f"https://[::1?sig={SIG}", "--project", "p", "--out", out,
                                "--upload", f"https://acct.blob.core.windows.net/c?sig={SIG}", "--no-progress"],
        "inventory endpoint userinfo": ["inventory", "--endpoint", f"https://u:{PASSWORD}@127.0.0.1:1/"],
        "inventory service quotes the key": ["inventory", "--endpoint", gateway,
                                             "--key-env", "CUSTOM_VISION_PREDICTION_KEY"],
        "compare bad endpoints": ["compare", "--dataset", str(tmp_path / "none"), "--legacy-endpoint",
                                  f"https://u:{PASSWORD}@127.0.0.1:1/", "--legacy-project", "p",
                                  "--legacy-iteration", "i", "--replacement", "automl", "--scoring-uri",
                                  f"https://127.0.0.1:1/score?code={SIG}", "--out", out],
    }


def assert_clean(text: str, where: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{where}: printed {canary!r}:\n{text}"


def test_every_command_error_path_prints_no_secret(tmp_path, gateway, bad_stack, good_stack, capsys):
    all_cases = cases(tmp_path, gateway, bad_stack, good_stack)
    commands = {argv[0] for argv in all_cases.values()}
    from cvmigrate.cli import COMMANDS
    names = {module.__name__.rsplit(".", 1)[1] for module in COMMANDS}
    assert commands == names, f"commands without a secrets case: {names - commands}"
    for name, argv in all_cases.items():
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 2, f"{name}: exit {code}\n{err}"
        assert err.strip(), f"{name}: no error printed"
        assert "Traceback" not in err, name
        assert_clean(out + err, name)


def test_a_key_with_a_newline_is_refused_without_echoing_it(tmp_path, gateway, capsys, monkeypatch):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", f"{KEY[:12]}\n{KEY[12:]}")
    assert main(["export", "--endpoint", gateway, "--project", "p", "--out", str(tmp_path / "o"),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "contains a newline" in err
    assert_clean(err, "newline key")
    assert KEY[:12] not in err and KEY[12:] not in err


def test_httpx_illegal_header_value_is_redacted_once_the_key_is_registered(gateway):
    """httpx/h11 quote the whole header value in "Illegal header value b'...'": the registered key's repr form
    is masked, whatever library formats it."""
    key = f"{KEY[:12]}\n{KEY[12:]}"
    redaction.register(key)
    with pytest.raises(httpx.LocalProtocolError) as caught:
        httpx.get(gateway + "/x", headers={"Training-Key": key})
    raw = str(caught.value)
    assert "Illegal header value" in raw and KEY[:12] in raw           # what httpx would print
    assert KEY[:12] not in redaction.redact(raw) and KEY[12:] not in redaction.redact(raw)


def test_log_records_of_any_logger_are_redacted(caplog):
    redaction.install_logging_redaction()
    redaction.register(KEY)
    with caplog.at_level(logging.INFO):
        logging.getLogger("azure.core.pipeline").info("Request headers: %s", {"Training-Key": KEY,
                                                                              "Authorization": f"Bearer {JWT}"})
        logging.getLogger("cvmigrate.test").warning("GET %s failed", SECRET_URL)
    assert len(caplog.records) == 2
    assert_clean(caplog.text, "log records")
    assert "hooks.contoso.com" in caplog.text                           # the rest stays readable


def test_an_internal_error_prints_one_redacted_line_and_a_redacted_traceback_only_in_debug(
        good_stack, tmp_path, capsys, monkeypatch):
    import cvmigrate.cli.validate as validate

    def boom(args):
        raise RuntimeError(f"unexpected state with key {KEY} and {SECRET_URL}")

    monkeypatch.setattr(validate, "run", boom)
    assert main(["validate", "--stack", str(good_stack)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (RuntimeError" in err and "Traceback" not in err
    assert_clean(err, "internal error")
    monkeypatch.setenv("CVMIGRATE_DEBUG", "1")
    assert main(["validate", "--stack", str(good_stack)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert_clean(err, "debug traceback")


@pytest.mark.parametrize("text, kept", [
    (f"https://ops:{PASSWORD}@h.example/x", "https://***@h.example/x"),
    (f"GET https://a.blob.core.windows.net/c/i.jpg?sv=2021&sig={SIG}&se=2027", "sv=2021&sig=***&se=2027"),
    (f"DefaultEndpointsProtocol=https;AccountName=a;AccountKey={ACCOUNT_KEY};EndpointSuffix=x", "AccountKey=***;"),
    (f"{{'Training-Key': '{KEY}', 'Accept': 'json'}}", "'Training-Key': '***'"),
    (f"Prediction-Key: {PREDICTION_KEY}", "Prediction-Key: ***"),
    (f"api-key={OPENAI_KEY}", "api-key=***"),
    (f"Ocp-Apim-Subscription-Key: {AML_KEY}", "Ocp-Apim-Subscription-Key: ***"),
    (f"Authorization: Bearer {JWT}", "Authorization: Bearer ***"),
    (f"token {JWT} expired", "token *** expired"),
])
def test_patterns_catch_unregistered_secrets_and_keep_the_rest(text, kept):
    out = redaction.redact(text)
    assert kept in out
    assert_clean(out, text)
