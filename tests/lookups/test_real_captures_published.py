"""The project's copies of the real courier and customs captures (tests/lookups/fixtures/real/)
are the published ones, byte for byte. Runs in addition where the published captures sit beside
the project (as in CI); tests/conftest.py leaves it out of a bare clone's collection.
"""

from __future__ import annotations

import pytest

from tests.conftest import SHARED
from tests.lookups.test_real_captures import REAL
from tests.lookups.test_real_captures import real

PUBLISHED = SHARED / "reference" / "real"


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.iterdir() if p.suffix in (".json", ".html", ".xml")))
def test_the_project_fixture_is_the_published_capture(name):
    """Our copies keep the captures' markup, field names and wording byte for byte."""
    assert (PUBLISHED / name).read_bytes() == real(name)
