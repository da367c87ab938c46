"""The tracking-number registry: carrier candidates, validity and tracking level of a number.

Facts are data (``carriers.json``, ``countries.json``); ``registry`` applies them and
``checksums`` holds the closed list of check-digit algorithms the data may name; ``domestic``
reads the Korean leg of a parcel.
"""

from .domestic import domestic_leg
from .domestic import is_korean_courier_number
from .domestic import korean_courier
from .registry import Carrier
from .registry import Format
from .registry import Identification
from .registry import all_carriers
from .registry import carrier
from .registry import carrier_for_name
from .registry import extract
from .registry import find_numbers
from .registry import identify
from .registry import is_number_of
from .registry import normalize
from .registry import shapes_of

__all__ = [
    "Carrier",
    "Format",
    "Identification",
    "all_carriers",
    "carrier",
    "carrier_for_name",
    "domestic_leg",
    "extract",
    "find_numbers",
    "identify",
    "is_korean_courier_number",
    "is_number_of",
    "korean_courier",
    "normalize",
    "shapes_of",
]
