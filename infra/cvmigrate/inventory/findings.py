"""Data-hygiene findings per project: problems that silently shape the replacement model. Thresholds live in
hygiene.yaml. Negative tags are not classes and are left out of the per-tag rules."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..customvision.tagnames import case_groups
from ..paths import load_data_yaml

HYGIENE_FILE = Path(__file__).with_name("hygiene.yaml")

TOO_FEW_TO_TRAIN = "tag-below-training-minimum"
UNDER_RECOMMENDED = "tag-below-recommended"
IMBALANCE = "class-imbalance"
CASE_DUPLICATES = "tags-equal-ignoring-case"
UNTAGGED = "untagged-images"


@dataclass(frozen=True)
class Thresholds:
    recommended: int
    minimum: int
    imbalance: float


@lru_cache(maxsize=1)
def thresholds() -> Thresholds:
    data = load_data_yaml(HYGIENE_FILE.read_text(encoding="utf-8"))
    return Thresholds(int(data["recommended_images_per_tag"]), int(data["minimum_images_per_tag"]),
                      float(data["max_imbalance_ratio"]))


def _names(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:8])
    return shown + (f" and {len(names) - 8} more" if len(names) > 8 else "")


def project_findings(tags: list[dict], untagged: int) -> list[dict]:
    """``[{code, message}]`` for one project's tags (``{name, imageCount, type}``) and untagged count."""
    limits = thresholds()
    regular = [t for t in tags if t.get("type") != "Negative"]
    counts = {str(t["name"]): int(t.get("imageCount") or 0) for t in regular}
    out: list[dict] = []
    too_few = sorted(n for n, c in counts.items() if c < limits.minimum)
    if too_few:
        out.append({"code": TOO_FEW_TO_TRAIN, "message": (
            f"{len(too_few)} tag(s) under {limits.minimum} images, which Custom Vision cannot train on: "
            f"{_names(too_few)}; add images or delete the tag before exporting")})
    under = sorted(n for n, c in counts.items() if limits.minimum <= c < limits.recommended)
    if under:
        out.append({"code": UNDER_RECOMMENDED, "message": (
            f"{len(under)} tag(s) under the recommended {limits.recommended} images: {_names(under)}; "
            "expect weak recall on them in the replacement too")})
    populated = {n: c for n, c in counts.items() if c > 0}
    if len(populated) >= 2:
        largest = max(populated, key=lambda n: (populated[n], n))
        smallest = min(populated, key=lambda n: (populated[n], n))
        ratio = populated[largest] / populated[smallest]
        if ratio > limits.imbalance:
            out.append({"code": IMBALANCE, "message": (
                f"largest tag {largest!r} ({populated[largest]} images) has {ratio:.1f}x the images of the smallest "
                f"{smallest!r} ({populated[smallest]}), over {limits.imbalance:g}x; add images to the small tags "
                "or compare per-class recall, not just accuracy")})
    groups = case_groups(counts)
    if groups:
        shown = "; ".join(" / ".join(repr(n) for n in g) for g in groups[:5])
        out.append({"code": CASE_DUPLICATES, "message": (
            f"tags that differ only in case ({shown}) are separate classes; merge them in the portal, or export "
            "with `cvmigrate export --merge-case` or `cvmigrate export --tag-map FILE`")})
    if untagged:
        out.append({"code": UNTAGGED, "message": (
            f"{untagged} untagged image(s) are not used for training; tag them, or export them with "
            "`cvmigrate export --include-untagged` for a labelling project")})
    return out
