"""One milestone vocabulary (companion/milestones.json): every milestone named anywhere is one.

Named anywhere: the readers' vocabularies (AliExpress's words, each live provider's codes and
words), the milestones file's own stages, groups and event codes, and every milestone the code
compares an event with or gives an event.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from companion import milestones
from companion.lookups import vocabulary as provider_words
from companion.parsing import vocabulary as aliexpress_words

ROOT = Path(__file__).resolve().parents[1] / "companion"


def _json(path: str):
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


def _named_in_provider_words() -> set:
    named = set()
    for provider, entry in _json("lookups/vocabulary.json").items():
        if provider.startswith("_"):
            continue
        named.add(entry.get("default"))
        named |= {v for k, v in entry.get("codes", {}).items() if not k.startswith("_")}
        named |= {rule["milestone"] for rule in entry.get("text", [])}
        named |= {entry.get("not_handover_when", {}).get("milestone")}
    return named - {None}


def _named_in_milestones_file() -> set:
    data = _json("milestones.json")
    named = {k for k in data["stages"] if not k.startswith("_")}
    named |= set(data["carrier_events"]["milestones"])
    named |= {m for k, group in data["groups"].items() if not k.startswith("_") for m in group}
    named |= {v for k, v in data["event_codes"].items() if not k.startswith("_")}
    return named


def _mentions_milestone(node: ast.AST) -> bool:
    """``x.milestone``, ``milestone``, ``newest_milestone(…)``, ``e.milestone or ""`` …"""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and "milestone" in sub.attr.lower():
            return True
        if isinstance(sub, ast.Name) and "milestone" in sub.id.lower():
            return True
    return False


def _strings(node: ast.AST) -> set:
    return {sub.value for sub in ast.walk(node) if isinstance(sub, ast.Constant) and isinstance(sub.value, str)}


def _named_in_code() -> dict[str, set]:
    """Per module: the strings compared with a milestone, or given as one (``milestone="…"``)."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                if any(_mentions_milestone(o) for o in operands):
                    named |= set().union(*(_strings(o) for o in operands if not _mentions_milestone(o)))
            elif isinstance(node, ast.keyword) and node.arg == "milestone":
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    named.add(node.value.value)
        if named:
            found[str(path.relative_to(ROOT))] = named
    return found


def test_the_milestones_are_in_progress_order_each_once_with_a_stage():
    assert len(milestones.MILESTONES) == len(milestones.KNOWN)
    assert list(milestones.PROGRESS) == list(milestones.MILESTONES)
    assert set(milestones.STAGES) == milestones.KNOWN
    from companion.models import STAGES

    assert set(milestones.STAGES.values()) <= set(STAGES)


def test_every_milestone_the_vocabularies_name_is_known():
    named = _named_in_milestones_file() | _named_in_provider_words()
    named |= {rule["milestone"] for rule in _json("parsing/vocabulary.json")["event_text"]["rules"]}
    assert named - milestones.KNOWN == set()
    assert aliexpress_words.EVENT_TEXT_MILESTONES <= milestones.KNOWN
    assert provider_words.NAMED_MILESTONES == _named_in_provider_words()


def test_every_milestone_the_code_names_is_known():
    found = _named_in_code()
    assert "rules/case.py" in found and "lookups/unipass.py" in found  # the scan sees the comparisons
    unknown = {module: named - milestones.KNOWN - {""} for module, named in found.items()}
    assert {module: named for module, named in unknown.items() if named} == {}


def test_a_name_that_is_no_milestone_stops_the_load():
    with pytest.raises(ValueError, match="delivred"):
        milestones.check({"delivered", "delivred"}, "a vocabulary")


def test_no_module_reads_another_ones_private_names():
    """rules/, lookups/ and parsing/ share vocabularies through public names only."""
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = path.relative_to(ROOT).parts[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("companion."):
                package = node.module.split(".")[1]
                private = [part for part in node.module.split(".")[1:] if part.startswith("_")]
                private += [a.name for a in node.names if a.name.startswith("_")]
                assert not (private and package != here), f"{path.relative_to(ROOT)} imports {node.module}: {private}"
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                base = node.value
                if isinstance(base, ast.Name) and base.id in ("vocabulary", "aliexpress", "milestones", "registry", "numbers"):
                    pytest.fail(f"{path.relative_to(ROOT)} reads {base.id}.{node.attr}")
