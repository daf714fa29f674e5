"""Pulumi program entry point (Pulumi.yaml: main: infra/)."""
from cvmigrate.program import main

main()
