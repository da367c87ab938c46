"""The extension's structure, checked without a browser: minimal permissions, message types
declared in one module, constants that must agree, and no HTML sinks."""

import json
import re
from pathlib import Path

from companion import DEFAULT_PORT
from companion import export_shared
from companion.models import STAGES
from tests.node import node

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
PAGES = [
    "https://www.aliexpress.com/p/order/*",
    "https://www.aliexpress.com/p/tracking/*",
    "https://ko.aliexpress.com/p/order/*",
    "https://ko.aliexpress.com/p/tracking/*",
]


def manifest() -> dict:
    return json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))


def scripts() -> dict[str, str]:
    return {str(p.relative_to(EXTENSION)): p.read_text(encoding="utf-8") for p in EXTENSION.rglob("*.js")}


def test_manifest_asks_for_the_minimum():
    m = manifest()
    assert m["manifest_version"] == 3
    assert m["permissions"] == ["storage"]
    # the companion's default port (companion/__init__.py, the one source; generated.js has it too)
    assert m["host_permissions"] == PAGES + [f"http://127.0.0.1:{DEFAULT_PORT}/*"]
    assert m["optional_host_permissions"] == ["http://127.0.0.1/*"]
    # asked for only when the user turns "변경 알림 받기" on (popup/notify.js), never at install
    assert m["optional_permissions"] == ["alarms", "notifications"]
    assert all(cs["matches"] == PAGES for cs in m["content_scripts"])


def test_one_manifest_for_chrome_and_firefox():
    m = manifest()
    assert m["background"]["service_worker"] == "background/service-worker.js"
    assert m["background"]["scripts"] == ["background/service-worker.js"]
    assert m["browser_specific_settings"]["gecko"]["id"]
    assert m["key"].startswith("MIIB")
    main_world = [cs for cs in m["content_scripts"] if cs.get("world") == "MAIN"]
    assert [cs["run_at"] for cs in main_world] == ["document_start"]


def test_every_file_the_manifest_names_exists():
    m = manifest()
    names = [m["background"]["service_worker"], m["action"]["default_popup"], *m["icons"].values()]
    names += [js for cs in m["content_scripts"] for js in cs["js"]]
    assert [n for n in names if not (EXTENSION / n).is_file()] == []


def test_message_types_are_declared_once_and_all_used():
    source = scripts()
    declared = set(re.findall(r"^\s+([A-Z_]+_TO_[A-Z_]+):", source["common/messages.js"], re.M))
    used = set()
    for name, text in source.items():
        if name != "common/messages.js":
            used |= set(re.findall(r"MSG\.([A-Z_]+)", text))
    assert used <= declared, f"undeclared message types: {used - declared}"
    assert declared <= used, f"declared but never used: {declared - used}"
    values = re.findall(r'_TO_[A-Z_]+: "([a-z-]+)"', source["common/messages.js"])
    assert len(values) == len(set(values)), "two message types share a value"


def test_main_world_hook_agrees_with_the_relay():
    source = scripts()
    hook, messages = source["page/mtop-hook.js"], source["common/messages.js"]
    tag = re.search(r'SOURCE = "([^"]+)"', hook).group(1)
    assert f'PORT_MESSAGE_SOURCE = "{tag}"' in messages
    ask = re.search(r'ASK = "([^"]+)"', hook).group(1)
    assert f'PORT_ASK_EVENT = "{ask}"' in messages
    hook_apis = re.search(r"APIS = \[([^\]]+)\]", hook).group(1)
    assert re.findall(r'"([^"]+)"', hook_apis) == shared()["CAPTURED_APIS"]


def test_the_stage_names_are_the_companions_stages():
    """format.js writes its stage keys out (so every locale key stays greppable); each one is a
    stage the companion gives a parcel, under the stage's own name in camelCase."""
    block = re.search(r"STAGE_KEYS = Object\.freeze\(\{([^}]+)\}", scripts()["common/format.js"]).group(1)
    pairs = dict(re.findall(r"(\w+): \"(\w+)\"", block))
    assert pairs and set(pairs) <= set(STAGES)
    for stage, key in pairs.items():
        assert key == "stage_" + re.sub(r"_([a-z])", lambda m: m.group(1).upper(), stage)


def shared() -> dict:
    """The JSON value common/generated.js holds (written by python -m companion.export_shared)."""
    return export_shared.written()


def test_shared_facts_are_written_only_in_the_generated_file():
    """Link hosts and api names come from common/generated.js; no other file repeats them
    (the MAIN-world hook excepted for its api names: it cannot load extension files)."""
    facts = [h for h in shared()["LINK_HOSTS"] if not h.endswith("aliexpress.com")]
    facts += shared()["CAPTURED_APIS"]
    copies = {
        name: [fact for fact in facts if fact in text]
        for name, text in scripts().items()
        if name not in ("common/generated.js", "page/mtop-hook.js")
    }
    assert {name: found for name, found in copies.items() if found} == {}
    assert scripts()["common/generated.js"].startswith("// DO NOT EDIT")


def test_content_scripts_load_the_generated_file_first():
    isolated = [cs for cs in manifest()["content_scripts"] if cs.get("world") != "MAIN"]
    assert [cs["js"][0] for cs in isolated] == ["common/generated.js"]


def test_page_patterns_agree_with_the_manifest():
    links = scripts()["common/links.js"]
    block = re.search(r"PAGE_PATTERNS = Object.freeze\(\[([^\]]+)\]", links).group(1)
    assert re.findall(r'"([^"]+)"', block) == PAGES


def test_no_html_sinks_or_eval():
    sinks = re.compile(r"\.innerHTML|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(|setTimeout\(\s*[\"'`]")
    found = {name: sinks.findall(text) for name, text in scripts().items() if sinks.search(text)}
    assert found == {}


def test_service_worker_listeners_are_top_level():
    sw = scripts()["background/service-worker.js"]
    assert re.search(r"^chrome\.runtime\.onMessage\.addListener\(", sw, re.M)


def test_every_script_parses():
    """A script that does not parse stops the whole service worker, popup or content script: a
    merge once left one brace open in background/handlers.js and every browser flow failed."""
    broken = {}
    for path in sorted(EXTENSION.rglob("*.js")):
        # module syntax for all: the classic content scripts are strict-mode code that parses as a module
        done = node("--input-type=module", "--check", stdin=path.read_bytes())
        if done.returncode:
            broken[str(path.relative_to(EXTENSION))] = done.stderr.decode(errors="replace")[-300:]
    assert not broken, broken
