"""Parcel Doctor's local companion: reads AliExpress order pages and says why tracking is stuck."""

__version__ = "0.1.0"
