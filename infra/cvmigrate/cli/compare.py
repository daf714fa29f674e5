"""`cvmigrate compare`: score the legacy Custom Vision model and its replacement on the same unseen images
(see cvmigrate.compare and the README section "Comparing the replacement with the legacy model").

Exit codes: 0 the gate passed (or no gate), 3 the gate failed or images still fail transiently, 2 bad input.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..compare import REPLACEMENTS, CompareOptions, exit_code, run_compare
from ..compare.automl_endpoint import KEY_ENV as AML_KEY
from ..compare.customvision import KEY_ENV
from ..compare.foundry_chat import KEY_ENV as OPENAI_KEY
from ..compare.summary import markdown, table
from ..redaction import register
from .arguments import check_output_folder, legacy_key

FORMATS = ("table", "json", "markdown")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help="score the legacy model and its replacement on the same unseen images, with a gate",
        description="Send every unseen image of an export's split to the published Custom Vision iteration "
                    "(Prediction API v3.0, nostore) and to the replacement, compute the same metrics for both "
                    "and write compare.json, compare.md and compare.png. Answers are cached: a re-run rescores "
                    "nothing.")
    p.add_argument("--dataset", required=True, type=Path, metavar="DIR", help="a `cvmigrate export` output folder")
    p.add_argument("--split", default="test", choices=("test", "validation", "train"),
                   help="split to score (default test: the holdout of `export --holdout-after`)")
    p.add_argument("--include-seen", action="store_true",
                   help="also score images a model may have trained on (warned in every output)")
    legacy = p.add_argument_group("legacy (Custom Vision Prediction API)")
    legacy.add_argument("--legacy-endpoint", required=True, metavar="URL",
                        help="prediction resource endpoint, https://<prediction-resource>.cognitiveservices.azure.com")
    legacy.add_argument("--legacy-project", required=True, metavar="ID", help="project ID")
    legacy.add_argument("--legacy-iteration", required=True, metavar="PUBLISHED_NAME",
                        help="the iteration's published name")
    legacy.add_argument("--stack", metavar="ENV", help="read the prediction key from this stack's Key Vault")
    legacy.add_argument("--workload", metavar="NAME", help="with --stack: the workload whose prediction key to read")
    repl = p.add_argument_group("replacement")
    repl.add_argument("--replacement", required=True, choices=tuple(REPLACEMENTS))
    repl.add_argument("--scoring-uri", metavar="URL", help="automl: the online endpoint's scoring URI")
    repl.add_argument("--aml-deployment", metavar="NAME", help="automl: pin this deployment (azureml-model-deployment)")
    repl.add_argument("--foundry-endpoint", metavar="URL", help="foundry: https://<resource>.openai.azure.com")
    repl.add_argument("--deployment", metavar="NAME", help="foundry: the chat deployment's name")
    repl.add_argument("--detail", default="low", choices=("low", "high", "auto"), help="foundry: image detail (default low)")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder (empty, or a previous run's)")
    p.add_argument("--format", choices=FORMATS, default="table", help="what to print on stdout (default table)")
    p.add_argument("--gate", metavar="EXPR", help='pass/fail rule, e.g. "macroF1 >= legacy - 0.02"')
    p.add_argument("--threshold", type=float, default=0.5, help="score threshold (default 0.5)")
    p.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    p.set_defaults(run=run)


def prediction_key(args: argparse.Namespace) -> str:
    return legacy_key(args, "prediction", KEY_ENV, fallback=f"set {KEY_ENV} instead")


def run(args: argparse.Namespace) -> int:
    register(os.environ.get(AML_KEY), os.environ.get(OPENAI_KEY))   # never printed, whatever quotes them
    check_output_folder(args.out, "--out")
    result = run_compare(CompareOptions(
        dataset=args.dataset, out=args.out, legacy_endpoint=args.legacy_endpoint,
        legacy_project=args.legacy_project, legacy_iteration=args.legacy_iteration, legacy_key=prediction_key(args),
        replacement=args.replacement, scoring_uri=args.scoring_uri, aml_deployment=args.aml_deployment,
        aml_key=os.environ.get(AML_KEY), foundry_endpoint=args.foundry_endpoint, deployment=args.deployment,
        foundry_key=os.environ.get(OPENAI_KEY), detail=args.detail, split=args.split,
        include_seen=args.include_seen, gate=args.gate, threshold=args.threshold, concurrency=args.concurrency,
        timeout=args.timeout))
    render = {"table": table, "markdown": markdown, "json": lambda r: json.dumps(r, indent=2) + "\n"}
    sys.stdout.write(render[args.format](result))
    print(f"wrote compare.json, compare.md and compare.png to {args.out}", file=sys.stderr)
    return exit_code(result)
