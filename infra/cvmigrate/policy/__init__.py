"""Policy as code for the migration estate: Pulumi policy pack rules (``rules``, ``pack``)."""
