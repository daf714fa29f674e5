"""`cvmigrate compare`: the legacy Custom Vision model and its replacement scored on the same unseen images.

Modules: dataset (the export's split, unseen images), transport (one HTTP call with retries), target (shared
target parts and the Prediction type), customvision / automl / foundry (targets), runner (concurrency and the
response cache), classification / detection (metrics), gate, report (compare.json), render (compare.md and the
terminal table), chart (compare.png), comparison (the orchestration the command calls).
"""
from .comparison import REPLACEMENTS, CompareOptions, exit_code, run_compare
from ..errors import CompareError

__all__ = ["REPLACEMENTS", "CompareOptions", "CompareError", "exit_code", "run_compare"]
