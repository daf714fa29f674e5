"""Azurite (the Azure Storage emulator from npm, pinned in package.json): its blob service on a free loopback
port with a temporary workspace, for the export upload, uploaded-layout and blob-source tests and the status
benchmark."""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]
AZURITE_BLOB = REPO / "node_modules" / "azurite" / "dist" / "src" / "blob" / "main.js"
ACCOUNT = "devstoreaccount1"
# Azurite's published, well-known development key (not a secret).
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(workspace: Path) -> Iterator[str]:
    """Start Azurite's blob service, yield the account URL, stop it."""
    node = shutil.which("node")
    if not (node and AZURITE_BLOB.is_file()):
        raise RuntimeError("Azurite is missing: run `npm ci` (make test does)")
    port = free_port()
    workspace.mkdir(parents=True)
    proc = subprocess.Popen([node, str(AZURITE_BLOB), "--blobHost", "127.0.0.1", "--blobPort", str(port),
                             "--location", str(workspace), "--silent", "--skipApiVersionCheck", "--loose"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"Azurite did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/{ACCOUNT}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def credential():
    from azure.core.credentials import AzureNamedKeyCredential

    return AzureNamedKeyCredential(ACCOUNT, ACCOUNT_KEY)


def connection_string(account_url: str) -> str:
    """The emulator's connection string for ``http://127.0.0.1:<port>/devstoreaccount1``."""
    return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint={account_url};")
