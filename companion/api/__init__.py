"""The HTTP API, ``/v1`` (docs/design.md §3): one blueprint, one module per resource."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from companion.api import dashboard  # noqa: E402,F401  (routes register on import)
from companion.api import diagnose  # noqa: E402,F401
from companion.api import diagnosis_file  # noqa: E402,F401
from companion.api import health  # noqa: E402,F401
from companion.api import identify  # noqa: E402,F401
from companion.api import openapi  # noqa: E402,F401
from companion.api import orders  # noqa: E402,F401
from companion.api import pair  # noqa: E402,F401
from companion.api import refresh  # noqa: E402,F401
from companion.api import settings  # noqa: E402,F401
