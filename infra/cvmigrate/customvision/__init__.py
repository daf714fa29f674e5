"""The Custom Vision Training REST API v3.3 (azure-rest-api-specs
``specification/cognitiveservices/data-plane/CustomVision/Training/stable/v3.3/Training.json``): one client used
by ``cvmigrate export`` and ``cvmigrate inventory``.

Modules: client (TrainingClient, the operations), http (endpoint, error bodies, Retry-After), ids (GUID
validation for anything that becomes a file name), platforms (export platforms and flavors), tagnames (tags
equal ignoring case), errors.
"""
from .training_api import TrainingClient
from ..errors import ImageUrlUnavailable, ServiceError, TrainingApiError, UnsafeId
from .ids import is_guid

__all__ = ["TrainingClient", "TrainingApiError", "ServiceError", "ImageUrlUnavailable", "UnsafeId", "is_guid"]
