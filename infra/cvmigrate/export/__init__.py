"""`cvmigrate export`: Custom Vision project (Training API v3.3) -> Azure ML AutoML for Images dataset.

Modules: client (REST client), mapping (JSONL records), split (stratified split), mltable, manifest,
download (resumable image store), upload (blob), keyvault (training key lookup), readme, exporter
(the orchestration the command calls).
"""
from ..errors import ExportError, ReconciliationError
from .exporter import ExportOptions, ExportResult, run_export

__all__ = ["ExportError", "ReconciliationError", "ExportOptions", "ExportResult", "run_export"]
