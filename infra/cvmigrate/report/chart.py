"""`--chart FILE.png`: weekly legacy vs replacement calls, the projection line and the retirement date."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any


def write_chart(report: dict[str, Any], path: Path | str) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # headless: CI runners and SSH sessions have no display
    import matplotlib.pyplot as plt

    path = Path(path)
    weeks = [dt.date.fromisoformat(w["week"]) for w in report["weekly"]]
    legacy = [w["legacyCalls"] for w in report["weekly"]]
    fig, ax = plt.subplots(figsize=(10, 5), dpi=100)
    ax.plot(weeks, legacy, marker="o", label="legacy calls / week")
    rep = report["replacementWeekly"]
    if rep:
        ax.plot([dt.date.fromisoformat(r["week"]) for r in rep], [r["replacementCalls"] for r in rep],
                marker="s", label="replacement calls / week (last 30 days)")
    retirement = dt.date.fromisoformat(report["retirementDate"])
    zero = report["projection"]["projectedZeroDate"]
    if zero and weeks:
        # The projection is the straight line from the fitted current level to the projected zero date.
        ax.plot([weeks[-1], dt.date.fromisoformat(zero)], [legacy[-1], 0], linestyle="--", color="grey",
                label=f"projection (zero on {zero})")
    ax.axvline(retirement, color="red", linestyle=":", label=f"retirement {retirement.isoformat()}")
    ax.set_title(f"{report['stack']}: legacy vs replacement calls, verdict {report['verdict'].replace('_', ' ')}")
    ax.set_ylabel("calls per week")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right")
    fig.autofmt_xdate()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
