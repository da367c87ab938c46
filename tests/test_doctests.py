"""Every example written as ``>>>`` in a companion docstring runs here; rule modules' prose
"Example:" lines run in tests/rules/test_rules.py (``DOCSTRING_EXAMPLES``)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import companion

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(companion.__path__, "companion.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_there_are_examples_to_run():
    assert sum(doctest.testmod(importlib.import_module(name)).attempted for name in MODULES) > 0
