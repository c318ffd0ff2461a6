"""The application layer: one module per area, between the API/CLI and the store."""
