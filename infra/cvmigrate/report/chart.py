"""`--chart FILE.png`: one panel per workload (and one for all of them): complete weekly legacy calls (the weeks the
fit used are filled, the others hollow), the fitted Theil-Sen line to its zero date with the earliest..latest range,
the workload's cutover date and the retirement date; replacement calls on the overall panel. The partial first
week and the current week are never drawn as data points (burndown.kql leaves them out of the fit)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional



def _d(text: Optional[str]) -> Optional[dt.date]:
    return dt.date.fromisoformat(text) if text else None


def _panel(ax: Any, title: str, weekly: list[dict[str, Any]], projection: Optional[dict[str, Any]],
           cutover: Optional[dt.date], retirement: dt.date) -> None:
    complete = [w for w in weekly if w["reason"] in ("used", "outside-fit-window")]
    used = [w for w in complete if w["reason"] == "used"]
    ax.plot([_d(w["week"]) for w in complete], [w["legacyCalls"] for w in complete], color="tab:blue",
            marker="o", markerfacecolor="white", linestyle="-", label="legacy calls / complete week")
    ax.plot([_d(w["week"]) for w in used], [w["legacyCalls"] for w in used], "o", color="tab:blue",
            label="weeks fitted")
    zero = _d((projection or {}).get("projectedZeroDate"))
    slope = (projection or {}).get("slopePerWeek")
    if used and zero and slope:
        start = _d(used[0]["week"])
        level = -slope * (zero - start).days / 7.0          # the fitted line's value at the first fitted week
        ax.plot([start, zero], [level, 0], linestyle="--", color="grey", label=f"fit: zero on {zero.isoformat()}")
        early, late = _d(projection.get("earliest")), _d(projection.get("latest"))
        if early and late:
            ax.fill([start, early, late], [level, 0, 0], color="grey", alpha=0.2,
                    label=f"range {early.isoformat()} .. {late.isoformat()}")
    if cutover:
        ax.axvline(cutover, color="tab:green", linestyle="-.", label=f"cutover {cutover.isoformat()}")
    ax.axvline(retirement, color="red", linestyle=":", label=f"retirement {retirement.isoformat()}")
    ax.set_title(title)
    ax.set_ylabel("calls per week")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", fontsize="x-small")


def write_chart(report: dict[str, Any], path: Path | str) -> Path:
    # matplotlib is heavy to import: only `status --chart` pays for it.
    import matplotlib

    matplotlib.use("Agg")  # headless: CI runners and SSH sessions have no display
    import matplotlib.pyplot as plt

    path = Path(path)
    retirement = dt.date.fromisoformat(report["retirementDate"])
    panels = 1 + len(report["workloads"])
    fig, axes = plt.subplots(panels, 1, figsize=(10, 3.2 * panels), dpi=100, squeeze=False, sharex=True)
    overall = axes[0][0]
    _panel(overall, f"{report['stack']}: all workloads, verdict {report['verdict'].replace('_', ' ')}",
           report["weekly"], report["projection"], None, retirement)
    rep = report["replacementWeekly"]
    if rep:
        overall.plot([_d(r["week"]) for r in rep], [r["replacementCalls"] for r in rep], marker="s",
                     color="tab:orange", label="replacement calls / week")
        overall.legend(loc="upper right", fontsize="x-small")
    for ax, w in zip((a[0] for a in axes[1:]), report["workloads"]):
        _panel(ax, f"{w['name']} ({w['state']})", w["weekly"], w["projection"], _d(w["cutoverDate"]), retirement)
    fig.autofmt_xdate()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
