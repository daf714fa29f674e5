"""`cvmigrate analyzers --stack ENV --endpoint URL [--workload NAME] [--dry-run]`: create or update the Content
Understanding analyzers of the stack's workloads (replacement.contentUnderstanding) on the AIServices account;
running it again changes nothing unless a definition changed."""
from __future__ import annotations

import argparse
import os

from ..config import load_stack_file
from ..content_understanding.analyzers_api import ContentUnderstandingClient
from ..content_understanding.sync import sync_analyzers
from ..errors import UserError
from .arguments import add_stack

KEY_ENV = "AZURE_CONTENT_UNDERSTANDING_KEY"
TOKEN_SCOPE = "https://cognitiveservices.azure.com/.default"
LOOPBACK = ("127.0.0.1", "localhost")   # a local stand-in of the service (tests) may speak plain http


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyzers", help="create/update the Content Understanding analyzers the stack defines "
                                         "(idempotent)")
    add_stack(p)
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the AIServices account endpoint, https://<account>.cognitiveservices.azure.com")
    p.add_argument("--workload", metavar="NAME", help="only this workload's analyzers")
    p.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    p.add_argument("--key-env", default=KEY_ENV, metavar="VAR",
                   help=f"environment variable holding the account key (default {KEY_ENV}); unset: Entra ID "
                        "(azure-identity DefaultAzureCredential)")
    p.set_defaults(run=run)


def _token() -> str:
    # azure-identity is heavy and only needed without a key: imported here on purpose.
    from azure.identity import DefaultAzureCredential

    try:
        return DefaultAzureCredential().get_token(TOKEN_SCOPE).token
    except Exception as exc:  # noqa: BLE001  (every credential failure is the same user problem)
        raise UserError(f"no key in the key variable and no Entra ID credential ({type(exc).__name__}); "
                        "set it or run `az login`", field="--key-env") from None


def run(args: argparse.Namespace) -> int:
    import httpx  # heavy SDK (httpx, ~0.05 s): loaded when a call is made, not on every CLI start (status)
    try:
        url = httpx.URL(args.endpoint)
    except httpx.InvalidURL:
        raise UserError("is not a URL; use https://<account>.cognitiveservices.azure.com", field="--endpoint") from None
    if url.scheme != "https" and not (url.scheme == "http" and url.host in LOOPBACK):
        raise UserError("is not an https:// URL; use https://<account>.cognitiveservices.azure.com",
                        field="--endpoint")
    if url.userinfo or url.query:
        raise UserError("carries credentials or a query; pass the bare account endpoint and the key through "
                        f"${args.key_env}", field="--endpoint")
    cfg = load_stack_file(args.stack)
    workloads = [w for w in cfg.workloads if w.replacement and w.replacement.content_understanding]
    if args.workload:
        workloads = [w for w in workloads if w.name == args.workload]
        if not workloads:
            raise UserError(f"{args.workload!r} has no replacement.contentUnderstanding in the stack",
                            field="--workload")
    if not workloads:
        print(f"{args.stack}: no workload defines replacement.contentUnderstanding; nothing to do")
        return 0
    key = os.environ.get(args.key_env)
    with ContentUnderstandingClient(args.endpoint, key=key, token=None if key else _token()) as client:
        for w in workloads:
            for action in sync_analyzers(client, w.replacement.content_understanding.analyzers, dry_run=args.dry_run):
                print(f"{w.name}/{action.analyzer}: {action.action}")
    return 0
