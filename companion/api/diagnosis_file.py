"""``POST /v1/diagnosis-file``: the diagnosis file for a bug report (companion/diagnosis_file.py).

The body is a capture, as for ``/v1/diagnose``, plus the extension's version. The capture is
diagnosed again through the app's parse cache and live lookups (the page was most likely just
diagnosed: its parse and live answers are at hand), without touching the history store, and the
file comes back scrubbed, for the popup to save.
"""

from flask import current_app
from flask import jsonify

from companion import diagnosis_file
from companion.api import bp
from companion.api.body import field
from companion.api.body import json_object
from companion.api.diagnose import capture_from
from companion.diagnosis import examine
from companion.errors import ApiError


@bp.post("/diagnosis-file")
def diagnosis_file_for_a_capture():
    body = json_object()
    extension = field(body, "extension_version", str, limit=64)
    capture, lang = capture_from(body)
    answer = examine(capture, lang, store=None, data_dir=current_app.config["DATA_DIR"],
                     pages=current_app.extensions["parcel_doctor.pages"],
                     service=current_app.extensions["parcel_doctor.lookups"]).answer
    try:
        return jsonify(diagnosis_file.build(body, answer, extension_version=extension))
    except RecursionError:  # markup nested deeper than the HTML writer goes
        raise ApiError(400, "invalid_field", "'html' is nested too deeply to be saved.") from None
