"""Use cases: what the CLI and the web app call. One transaction per call."""
