"""Model export platforms and flavors of ExportIteration (Training.json v3.3,
``POST /projects/{projectId}/iterations/{iterationId}/export``: query ``platform`` enum CoreML | TensorFlow |
DockerFile | ONNX | VAIDK, ``flavor`` enum Linux | Windows | ONNX10 | ONNX12 | ARM | TensorFlowNormal |
TensorFlowLite). Which flavor belongs to which platform follows MicrosoftDocs/azure-ai-docs
``articles/ai-services/custom-vision-service/export-programmatically.md``. VAIDK is left out: it needs a project
created with the VAIDK export capability and is a device package, not an offline fallback."""
from __future__ import annotations

FLAVORS: dict[str, tuple[str, ...]] = {
    "ONNX": ("ONNX10", "ONNX12"),
    "TensorFlow": ("TensorFlowNormal", "TensorFlowLite"),
    "CoreML": (),
    "DockerFile": ("Linux", "Windows", "ARM"),
}
DEFAULT_PLATFORM = "ONNX"
# Export.status values (Training.json v3.3 definitions.Export.status)
EXPORTING, DONE, FAILED = "Exporting", "Done", "Failed"
