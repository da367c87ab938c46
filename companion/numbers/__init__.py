"""The tracking-number registry: carrier candidates, validity and tracking level of a number.

Facts are data (``carriers.json``, ``countries.json``); ``registry`` applies them and
``checksums`` holds the closed list of check-digit algorithms the data may name.
"""

from .registry import Carrier
from .registry import Format
from .registry import Identification
from .registry import all_carriers
from .registry import carrier
from .registry import carrier_for_name
from .registry import extract
from .registry import find_numbers
from .registry import identify
from .registry import normalize

__all__ = [
    "Carrier",
    "Format",
    "Identification",
    "all_carriers",
    "carrier",
    "carrier_for_name",
    "extract",
    "find_numbers",
    "identify",
    "normalize",
]
