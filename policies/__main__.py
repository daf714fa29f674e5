"""Entry point of the cvmigrate policy pack (PulumiPolicy.yaml). The rules live in
cvmigrate.policy.rules so they are tested without the Pulumi CLI."""
import sys
from pathlib import Path

try:
    import cvmigrate  # noqa: F401  (installed in ../.venv by `make install`)
except ImportError:  # a virtualenv without the package: use the checkout next to this folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "infra"))

from cvmigrate.policy.pack import serve

serve()
