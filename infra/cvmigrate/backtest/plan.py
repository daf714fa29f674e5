"""`cvmigrate backtest`: replay every alert rule of a stack over a window of its archive, and score the regression
rule against the sample manifest's planted regressions.

:func:`run_backtest` loads the archive once (the window plus the longest reach any rule reads before it), stages
it (:mod:`.replay`), replays each rule of :func:`.episodes.replayed_rules` at its own frequency over
(``start``, ``end``], turns violations into episodes and, when the archive has a ``sample-manifest.yaml``,
scores the regression rule (:mod:`.scoring`). The report is a plain dict (the JSON format prints it as is).
"""
from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any, Optional

from ..artefacts import Artefacts
from ..clouds import Cloud
from ..errors import ArchiveError, BacktestError
from ..report.archive import open_archive
from ..report.archive_listing import ListingError
from .episodes import episodes, replayed_rules
from .replay import Replayer, evaluation_times
from .scoring import load_manifest, manifest_path, score

MAX_SPAN_DAYS = 400              # the archive store keeps 400 days by default; a longer replay reads past it
EXIT_OK, EXIT_FINDINGS = 0, 3


def check_window(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise BacktestError(f"{_iso(end)} is not later than {{from}} {_iso(start)}; give a window that ends after "
                            "it starts, e.g. one year: 2026-06-01T00:00:00Z to 2027-06-01T00:00:00Z",
                            field="to", mentions=("from",))
    if end - start > dt.timedelta(days=MAX_SPAN_DAYS):
        raise BacktestError(f"{_iso(start)} to {{to}} {_iso(end)} spans {(end - start).days} days; replay at most "
                            f"{MAX_SPAN_DAYS} days at once (split the window)", field="from", mentions=("to",))


def run_backtest(artefacts: Artefacts, source: str, start: dt.datetime, end: dt.datetime, *,
                 cloud: Optional[Cloud] = None, progress: bool = False,
                 environ: Optional[dict] = None) -> dict[str, Any]:
    """The backtest report of ``artefacts``' rules over (start, end] of the archive at ``source``."""
    start, end = _naive(start), _naive(end)
    check_window(start, end)
    rules = replayed_rules(artefacts)
    reach = max((r.reach for r in rules), default=dt.timedelta(0))
    clock = time.perf_counter()
    lookback = math.ceil((end - start + reach) / dt.timedelta(days=1)) + 1
    try:
        con, stats = open_archive(source, lookback_days=lookback, now=end.replace(tzinfo=dt.timezone.utc),
                                  cloud=cloud, progress=progress, environ=environ)
    except ListingError:                    # the location itself is wrong: about --source, not the window
        raise
    except ArchiveError as exc:             # nothing usable in the window's day folders
        raise BacktestError(f"{_iso(start)} to {{to}} {_iso(end)}: {exc}. Fix: choose a window the archive "
                            "covers", field="from", mentions=("to",)) from None
    replayer = Replayer(con)
    if replayer.rows_between(start, end) == 0:
        first, last = replayer.span()
        held = f"records from {_iso(first)} to {_iso(last)} around it" if first else "no records around it"
        raise BacktestError(f"{_iso(start)} to {{to}} {_iso(end)}: the archive has no record in this window "
                            f"({held}). Fix: choose a window the archive covers", field="from", mentions=("to",))
    loaded = time.perf_counter() - clock
    replayed = []
    found = {}
    for rule in rules:
        clock = time.perf_counter()
        times = evaluation_times(start, end, rule.frequency)
        results = replayer.evaluate(replayer.compile(rule.query, rule.text, rule.reach), times)
        found[rule.name] = episodes(rule, results)
        replayed.append({
            "name": rule.name, "kind": rule.kind, "severity": rule.severity, "query": rule.query,
            "standIn": rule.stand_in_for is not None, "note": rule.note, **rule.settings(),
            "evaluations": len(times), "episodes": [e.as_dict() for e in found[rule.name]],
            "seconds": round(time.perf_counter() - clock, 2)})
    manifest = manifest_path(source)
    scoring = None
    regression = next((r for r in rules if r.stand_in_for), None)
    if manifest is not None and regression is not None:
        scoring = {"manifest": str(manifest),
                   **score(regression, found[regression.name], load_manifest(manifest), start, end)}
    findings = bool(scoring and (scoring["summary"]["missed"] or scoring["summary"]["falsePages"]))
    verdict = "incomplete" if not stats.complete else ("findings" if findings else "ok")
    return {
        "from": _iso(start), "to": _iso(end), "source": str(source).split("?", 1)[0],
        "verdict": verdict, "exitCode": EXIT_OK if verdict == "ok" else EXIT_FINDINGS,
        "load": stats.as_dict(), "loadSeconds": round(loaded, 2),
        "rules": replayed, "scoring": scoring,
    }


def _naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _iso(value: Optional[dt.datetime]) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else "?"
