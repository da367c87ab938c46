"""``GET /v1/health``: is the companion running, which versions, has an extension paired, and
which process answers (for ``parcel-doctor status`` and ``stop``). Nothing personal."""

import os

from flask import current_app
from flask import jsonify

from companion import __version__
from companion.api import bp
from companion.api.openapi import API_VERSION
from companion.security import credentials


@bp.get("/health")
def health():
    return jsonify(
        {
            "status": "ok",
            "version": __version__,
            "api_version": API_VERSION,
            "paired": bool(credentials().origins()),
            "pid": os.getpid(),
            "started_at": current_app.config["STARTED_AT"],
        }
    )
