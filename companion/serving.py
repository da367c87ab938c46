"""What ``serve`` adds to waitress: its own refusals answered in our JSON error shape.

waitress refuses some requests before the app sees them: a body over ``max_request_body_size``
(by ``Content-Length`` as soon as the headers are in, or a chunked body once it grows past the
limit), headers too large, a malformed request. Its answer is a ``text/plain`` page; ours is
the same JSON ``{"error": {"code", "message"}}`` as every other error of the API.
"""

from __future__ import annotations

import json

from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from companion.errors import CODES

_MESSAGES = {
    413: "The request body is larger than Parcel Doctor accepts ({mib} MiB).",
    431: "The request headers are too large.",
    500: "Something went wrong inside Parcel Doctor; the details are in its log.",
    501: "That transfer encoding is not supported.",
}


class JsonErrorTask(ErrorTask):
    """waitress's error answer, as JSON. The connection is closed afterwards, as waitress does."""

    def execute(self):
        error = self.request.error
        mib = (self.channel.adj.max_request_body_size - 1) // (1024 * 1024)  # see cli: limit + 1
        message = _MESSAGES.get(error.code, "The request could not be read.").format(mib=mib)
        body = json.dumps({"error": {"code": CODES.get(error.code, "bad_request"), "message": message}}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask


def answer_errors_in_json(server) -> None:
    """Make ``server`` (from ``waitress.create_server``) answer its own refusals in JSON."""
    server.channel_class = JsonErrorChannel
