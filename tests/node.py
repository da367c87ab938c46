"""Node.js for the tests that run the extension's plain scripts outside a browser: required
under CI=true, a skip elsewhere (the browser tests are skipped then too)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def node(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    if not shutil.which("node"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Node.js is missing", pytrace=False)
        pytest.skip("Node.js is not installed")
    return subprocess.run(["node", *args], input=stdin, capture_output=True, timeout=60)
