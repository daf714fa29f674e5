"""Identifiers the Training API v3.3 declares as ``"format": "uuid"`` (every projectId, imageId, tagId and
iterationId in Training.json). Only a value that matches this exactly may become part of a file name."""
from __future__ import annotations

import re

from ..errors import UnsafeId

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SHOWN = 60   # characters of a hostile value quoted in an error message


def is_guid(text: object) -> bool:
    return isinstance(text, str) and GUID.fullmatch(text) is not None


def shown(value: object) -> str:
    """A one-line, bounded rendering of an untrusted value for an error message."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


def image_file_stem(image_id: object, project: str) -> str:
    """The validated, lower-case GUID used as an image's file name stem."""
    if not is_guid(image_id):
        raise UnsafeId(f"project {project}: image ID {shown(image_id)} is not a GUID; the Training API "
                       "declares image IDs as uuid, so the export stops instead of using it as a file name")
    return str(image_id).lower()
