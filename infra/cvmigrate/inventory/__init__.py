"""`cvmigrate inventory`: every project on a Custom Vision training resource, its iterations and published
names, and data-hygiene findings (collect, findings + hygiene.yaml, render, secrets for --key-vault)."""
from .collect import collect
from .presentation import FORMATS, render

__all__ = ["collect", "render", "FORMATS"]
