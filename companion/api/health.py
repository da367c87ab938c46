"""``GET /v1/health``: is the companion running, and has an extension paired? Nothing personal."""

from flask import jsonify

from companion import __version__
from companion.api import bp
from companion.security import credentials


@bp.get("/health")
def health():
    return jsonify({"status": "ok", "version": __version__, "paired": bool(credentials().origins())})
