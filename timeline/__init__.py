"""timeline: track multilateral negotiations as dated events."""

__version__ = "0.1.0"
