"""`web-ext lint` (Mozilla's addons-linter) passes on extension/ with no errors, and on the
Firefox package with no warning either.

Runs ./scripts/lint-extension, which installs the pinned web-ext with `npm ci` when needed.
Skipped only when Node.js or npm is absent and CI is not "true".
"""

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def lint(*args: str) -> dict:
    """The JSON report of ./scripts/lint-extension ARGS."""
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Node.js/npm are missing: web-ext lint must run in CI", pytrace=False)
        pytest.skip("Node.js and npm are not installed; web-ext lint was not run")
    result = subprocess.run(
        [str(ROOT / "scripts" / "lint-extension"), *args, "--output", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return json.loads(result.stdout[result.stdout.index("{"):])


def test_web_ext_lint_reports_no_errors():
    report = lint()
    assert report["summary"]["errors"] == 0, report["errors"]
    assert report["errors"] == []
    # the warnings we accept (shared manifest): Firefox ignores background.service_worker, and
    # takes "alarms" only as a required permission (the Firefox package moves it there)
    assert {w["code"] for w in report["warnings"]} <= {"BACKGROUND_SERVICE_WORKER_IGNORED", "MANIFEST_OPTIONAL_PERMISSIONS"}
    assert all("alarms" in w["message"] for w in report["warnings"] if w["code"] == "MANIFEST_OPTIONAL_PERMISSIONS")


def test_the_firefox_package_lints_without_errors_or_warnings(firefox_package, tmp_path):
    """The zip scripts/package-extension builds for Firefox (the one the Firefox tests install)
    is what addons.mozilla.org would get: no "key", no background.service_worker, no warning."""
    with zipfile.ZipFile(firefox_package) as package:
        manifest = json.loads(package.read("manifest.json"))
        package.extractall(tmp_path)
    assert "key" not in manifest
    assert manifest["background"] == {"scripts": ["background/service-worker.js"], "type": "module"}
    report = lint(str(tmp_path))
    assert report["errors"] == [] and report["warnings"] == [], report
