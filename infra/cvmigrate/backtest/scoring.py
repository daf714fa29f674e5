"""Score a backtest against the regressions `cvmigrate sample` planted (its ``sample-manifest.yaml``).

A planted regression (workload, start, hours, factor) is **paged** when the regression rule (the rule whose
stand-in is the seasonal detection) violates for that workload at an evaluation time in
(start, start + hours + one evaluation period]: an evaluation at ``now`` judges the closed hour before it, so
the earliest possible page is one period after the start. The **delay** is that first violating evaluation
minus the start, in minutes and in evaluation periods (1 is the best possible). Otherwise it is **missed**.
A regression not inside the replayed window (start before ``from`` or last hour after ``to``) is
``outside-window`` and is neither paged nor missed.

A **false page** is an episode of the regression rule that fires outside every planted regression's span for
its workload.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import yaml

from ..errors import BacktestError
from ..report.synthetic_archive import MANIFEST
from .episodes import Episode, ReplayedRule


@dataclass(frozen=True)
class PlantedRegression:
    workload: str
    start: dt.datetime               # naive UTC, on the hour
    hours: int
    factor: float
    baseline_calls: Optional[float] = None
    calls_written: Optional[int] = None

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(hours=self.hours)


def manifest_path(source: str | Path) -> Optional[Path]:
    """The sample manifest beside a local archive, or None (a blob source or a real archive has none)."""
    if "://" in str(source):
        return None
    path = Path(source) / MANIFEST
    return path if path.is_file() else None


def load_manifest(path: Path) -> list[PlantedRegression]:
    """The planted regressions of a sample manifest; raises BacktestError when it cannot be read."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = doc.get("regressions") or []
        return [PlantedRegression(
            workload=str(e["workload"]), start=_time(e["start"]), hours=int(e["hours"]), factor=float(e["factor"]),
            baseline_calls=e.get("seasonalBaselineCalls"), calls_written=e.get("callsWritten")) for e in entries]
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError, KeyError, TypeError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:120]
        raise BacktestError(f"{path}: not a readable sample manifest ({type(exc).__name__}: {detail}); "
                            f"remove it or write the archive again with `cvmigrate sample`", field="source") from None


def _time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


def score(rule: ReplayedRule, found: Sequence[Episode], plants: Sequence[PlantedRegression],
          start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Paged / missed / delay per planted regression and the false pages of ``rule`` (the regression rule)."""
    period = rule.frequency
    entries = []
    for plant in plants:
        entry: dict[str, Any] = {"workload": plant.workload, "start": _iso(plant.start), "hours": plant.hours,
                                 "factor": plant.factor, "seasonalBaselineCalls": plant.baseline_calls,
                                 "callsWritten": plant.calls_written}
        if plant.start < start or plant.end > end:
            entry.update(result="outside-window", paged=None, firstPage=None, delayMinutes=None, delayPeriods=None)
            entries.append(entry)
            continue
        first = _first_violation(found, plant, period)
        if first is None:
            entry.update(result="missed", paged=False, firstPage=None, delayMinutes=None, delayPeriods=None)
        else:
            delay = first - plant.start
            entry.update(result="paged", paged=True, firstPage=_iso(first),
                         delayMinutes=int(delay.total_seconds() // 60), delayPeriods=-(-delay // period))
        entries.append(entry)
    false_pages = [e for e in found if not _explained(e, plants, period)]
    judged = [e for e in entries if e["result"] != "outside-window"]
    delays = [e["delayPeriods"] for e in judged if e["paged"]]
    return {
        "rule": rule.name, "evaluationFrequency": rule.settings()["evaluationFrequency"],
        "regressions": entries,
        "falsePages": [e.as_dict() for e in false_pages],
        "summary": {"planted": len(judged), "paged": len(delays), "missed": len(judged) - len(delays),
                    "outsideWindow": len(entries) - len(judged), "falsePages": len(false_pages),
                    "maxDelayPeriods": max(delays) if delays else None},
    }


def _workload(episode: Episode) -> Any:
    return episode.dimensions.get("Workload")


def _first_violation(found: Sequence[Episode], plant: PlantedRegression, period: dt.timedelta) -> Optional[dt.datetime]:
    """The first violating evaluation for the plant's workload in (start, end + period]. Within an episode the
    violating evaluations are consecutive from ``fired`` to ``last``."""
    lo, hi = plant.start, plant.end + period
    best = None
    for e in found:
        if _workload(e) != plant.workload or e.last <= lo or e.fired > hi:
            continue
        first = max(e.fired, lo + period) if e.fired <= lo else e.fired
        if first <= hi and (best is None or first < best):
            best = first
    return best


def _explained(episode: Episode, plants: Sequence[PlantedRegression], period: dt.timedelta) -> bool:
    """An episode that fires inside a planted regression's span for its workload (a page, not a false one)."""
    return any(_workload(episode) == p.workload and p.start < episode.fired <= p.end + period for p in plants)


def _iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")
