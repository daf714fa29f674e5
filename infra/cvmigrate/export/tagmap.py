"""Tags that differ only in case ("Cat" / "cat") would become two AutoML classes. The export refuses them
unless ``--merge-case`` (each group takes the name of its tag with the most images; ties: the first in sorted
order) or a ``--tag-map FILE`` (a YAML or JSON object ``{old name: new name}``) decides."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import yaml

from ..customvision.tagnames import case_groups
from ..errors import ExportError


def read_tag_map(path: Path) -> dict[str, str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExportError(f"{path}: cannot read it ({exc.strerror})", field="tag_map") from None
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0]
        raise ExportError(f"{path}: not YAML/JSON ({first})", field="tag_map") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                             for k, v in data.items()):
        raise ExportError(f"{path}: expected an object of tag name -> new non-empty tag name", field="tag_map")
    return {k: v.strip() for k, v in data.items()}


def renamed_tags(tags: dict[str, dict], merge_case: bool, tag_map: Optional[dict[str, str]],
                 project: str) -> tuple[dict[str, dict], dict[str, str]]:
    """(tags with the new names, {old name: new name} for every tag renamed). Negative tags are not classes
    and keep their names."""
    regular = {tid: t for tid, t in tags.items() if t.get("type") != "Negative"}
    names = {str(t.get("name")) for t in regular.values()}
    renames: dict[str, str] = {}
    if tag_map:
        unknown = sorted(set(tag_map) - names)
        if unknown:
            raise ExportError(f"names tags that project {project} does not have: "
                              f"{', '.join(repr(n) for n in unknown[:5])} (its tags: "
                              f"{', '.join(sorted(names)[:20])})", field="tag_map")
        renames.update({old: new for old, new in tag_map.items() if old != new})
    after = {renames.get(n, n) for n in names}
    groups = case_groups(after)
    if groups and not merge_case:
        shown = "; ".join(" / ".join(repr(n) for n in g) for g in groups[:5])
        raise ExportError(f"project {project} has tags that differ only in case ({shown}), which would become "
                          "separate classes; pass {merge_case} to merge each group, or {tag_map} FILE to rename",
                          mentions=("merge_case", "tag_map"))
    if groups:
        counts: dict[str, int] = {}
        for t in regular.values():
            new = renames.get(str(t.get("name")), str(t.get("name")))
            counts[new] = counts.get(new, 0) + int(t.get("imageCount") or 0)
        for group in groups:
            keep = sorted(group, key=lambda n: (-counts.get(n, 0), n))[0]
            for name in group:
                if name != keep:
                    for old in [o for o in names if renames.get(o, o) == name]:
                        renames[old] = keep
    out = {tid: ({**t, "name": renames[str(t.get("name"))]} if tid in regular and str(t.get("name")) in renames
                 else t) for tid, t in tags.items()}
    return out, dict(sorted(renames.items()))
