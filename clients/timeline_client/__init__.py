"""Python client for the timeline API. Depends only on httpx."""

__version__ = "0.1.0"
