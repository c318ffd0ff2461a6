"""Subcommands of the `timeline` command line, one module per area."""
