"""compare.png: per-tag bars for both models (F1, or AP for detection) and, for multiclass, both confusion
matrices."""
from __future__ import annotations

from pathlib import Path



def write_chart(report: dict, path: Path) -> Path:
    # matplotlib is heavy to import: only `compare --chart` pays for it.
    import matplotlib

    matplotlib.use("Agg")  # headless: CI runners and SSH sessions have no display
    import matplotlib.pyplot as plt

    key = "ap" if report["task"] == "detection" else "f1"
    tags = [r["tag"] for r in report["legacy"]["perTag"]]
    confusion = report["task"] == "multiclass"
    fig, axes = plt.subplots(1, 3 if confusion else 1, figsize=(16 if confusion else 9, 5), dpi=100, squeeze=False)
    ax = axes[0][0]
    xs = range(len(tags))
    for offset, role in ((-0.2, "legacy"), (0.2, "replacement")):
        values = [r[key] or 0.0 for r in report[role]["perTag"]]
        ax.bar([x + offset for x in xs], values, width=0.4, label=role)
    ax.set_xticks(list(xs), tags, rotation=45, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(key.upper() if key == "ap" else "F1")
    ax.set_title(f"per tag {key.upper() if key == 'ap' else 'F1'} ({report['images']['scored']} images)")
    ax.legend()
    if confusion:
        for ax, role in zip(axes[0][1:], ("legacy", "replacement")):
            c = report[role]["confusion"]
            ax.imshow(c["matrix"], cmap="Blues")
            ax.set_xticks(range(len(c["labels"])), c["labels"], rotation=45, ha="right")
            ax.set_yticks(range(len(c["rows"])), c["rows"])
            for i, row in enumerate(c["matrix"]):
                for j, n in enumerate(row):
                    if n:
                        ax.text(j, i, str(n), ha="center", va="center", fontsize=8)
            ax.set_xlabel("predicted")
            ax.set_ylabel("labelled")
            ax.set_title(f"{role} confusion")
    fig.suptitle(f"cvmigrate compare: verdict {report['verdict']}")
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.part")
    fig.savefig(tmp, format="png")
    plt.close(fig)
    tmp.replace(path)
    return path
