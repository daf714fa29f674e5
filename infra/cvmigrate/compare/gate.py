"""``--gate``: the pass/fail rule of a comparison, checked before anything is scored.

Grammar: clauses joined by ``and``; a clause is ``METRIC OP RHS`` with OP one of ``>= > <= <``, METRIC one of
the task's metrics (read from the replacement) and RHS a number, ``legacy`` (the legacy model's value of the
same metric) or ``legacy + N`` / ``legacy - N``. Example: ``macroF1 >= legacy - 0.02 and failureRate <= 0.01``.
A metric that is null (e.g. no tag with support) fails its clause.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Optional

from ..errors import CompareError

METRICS = {
    "multiclass": ("accuracy", "macroF1", "failureRate"),
    "multilabel": ("microF1", "macroF1", "subsetAccuracy", "failureRate"),
    "detection": ("mAP50", "failureRate"),
}
OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
NUMBER = r"[0-9]+(?:\.[0-9]+)?"
CLAUSE = re.compile(rf"^\s*([A-Za-z][A-Za-z0-9]*)\s*(>=|<=|>|<)\s*(?:(legacy)\s*(?:([+-])\s*({NUMBER}))?|({NUMBER}))\s*$")


@dataclass(frozen=True)
class Clause:
    metric: str
    op: str
    relative: bool          # against the legacy value
    offset: float           # added to legacy, or the absolute bound

    def bound(self, legacy: Optional[float]) -> Optional[float]:
        if not self.relative:
            return self.offset
        # rounded so that 0.82 - 0.02 is 0.8, not 0.7999999999999999
        return None if legacy is None else round(legacy + self.offset, 9)


def parse_gate(expression: str, task: str) -> list[Clause]:
    allowed = METRICS[task]
    clauses = []
    for part in re.split(r"\s+and\s+", expression.strip()):
        m = CLAUSE.match(part)
        if not m:
            raise CompareError(f"{expression!r}: cannot read {part.strip()!r}; write e.g. "
                               f"\"{allowed[0]} >= legacy - 0.02\" (clauses joined by 'and')", field="gate")
        metric, op, legacy, sign, delta, absolute = m.groups()
        if metric not in allowed:
            raise CompareError(f"{expression!r}: {metric!r} is not a {task} metric; use one of "
                               f"{', '.join(allowed)}", field="gate")
        if legacy:
            offset = float(delta or 0) * (-1 if sign == "-" else 1)
            clauses.append(Clause(metric, op, True, offset))
        else:
            clauses.append(Clause(metric, op, False, float(absolute)))
    return clauses


def evaluate(expression: str, clauses: list[Clause], legacy: dict, replacement: dict,
             blockers: list[str]) -> dict:
    """The ``gate`` object of compare.json. ``blockers`` (an incomplete run) fail the gate whatever the metrics."""
    results = []
    for c in clauses:
        value, bound = replacement.get(c.metric), c.bound(legacy.get(c.metric))
        passed = value is not None and bound is not None and OPS[c.op](round(value, 9), bound)
        results.append({"metric": c.metric, "op": c.op, "replacement": value, "bound": bound,
                        "legacy": legacy.get(c.metric), "passed": passed})
    passed = all(r["passed"] for r in results) and not blockers
    return {"expression": expression, "passed": passed, "clauses": results, "blockers": blockers}
