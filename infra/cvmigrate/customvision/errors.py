"""Errors from talking to the Custom Vision Training API. All are user-facing: one line, exit code 2."""
from __future__ import annotations

from ..errors import UserError


class TrainingApiError(UserError):
    """The Training API cannot be used as asked (bad key, wrong endpoint, service failure)."""


class ServiceError(TrainingApiError):
    """A non-retryable answer from the Training API, with the CustomVisionError code when there is one."""

    def __init__(self, operation: str, status: int, code: str, message: str):
        self.operation, self.status, self.code, self.service_message = operation, status, code, message
        detail = f"{code}: {message}" if code else message
        super().__init__(f"{operation} failed with HTTP {status}" + (f" ({detail})" if detail else ""))


class ImageUrlUnavailable(TrainingApiError):
    """An image's SAS URL answered 403 (expired signature) or 404: ask the API for a fresh URL."""

    def __init__(self, status: int):
        self.status = status
        super().__init__(f"the image URL answered HTTP {status}"
                         + (" (its SAS signature has expired)" if status == 403 else ""))


class UnsafeId(TrainingApiError):
    """An identifier from the service that is not a GUID, so it must not become a file name."""
