"""Parcel Doctor's local companion: reads AliExpress order pages and says why tracking is stuck."""

__version__ = "0.1.0"
# Where the companion listens and the extension looks unless the user chose another port: every
# command's --port default, the app's PORT, and the extension's (generated.js) come from here.
DEFAULT_PORT = 8765
