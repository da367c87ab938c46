"""Both locales carry the same keys, each with a description, and every key the manifest, the
HTML and the scripts use exists. No browser needed."""

import json
import re
from pathlib import Path

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
LOCALES = ("ko", "en")
# Keys are written whole in the code (never built from pieces), with one of these prefixes.
KEY_IN_JS = re.compile(r"""["'`]((?:ext|wait|stage|overlay|notice|notify|popup|dashboard)_[A-Za-z0-9_]+)["'`]""")
KEY_IN_HTML = re.compile(r'data-i18n(?:-[a-z-]+)?="([^"]+)"')
KEY_IN_MANIFEST = re.compile(r"__MSG_([A-Za-z0-9_@]+)__")
NAMED = re.compile(r"\$([A-Za-z0-9_@]+)\$")


def messages(lang: str) -> dict:
    return json.loads((EXTENSION / "_locales" / lang / "messages.json").read_text(encoding="utf-8"))


def used_keys() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in EXTENSION.rglob("*"):
        if path.suffix == ".js":
            found = KEY_IN_JS.findall(path.read_text(encoding="utf-8"))
        elif path.suffix == ".html":
            found = KEY_IN_HTML.findall(path.read_text(encoding="utf-8"))
        elif path.name == "manifest.json":
            found = KEY_IN_MANIFEST.findall(path.read_text(encoding="utf-8"))
        else:
            continue
        for key in found:
            used.setdefault(key, set()).add(str(path.relative_to(EXTENSION)))
    return used


def test_default_locale_is_korean():
    manifest = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["default_locale"] == "ko"


def test_both_locales_have_the_same_keys():
    ko, en = messages("ko"), messages("en")
    assert sorted(ko) == sorted(en), "add the missing keys to the other _locales/*/messages.json"


def test_every_message_has_text_a_description_and_its_placeholders():
    for lang in LOCALES:
        for key, entry in messages(lang).items():
            assert re.fullmatch(r"[A-Za-z0-9_@]+", key), f"{lang}: {key} is not a valid message name"
            assert entry.get("message", "").strip(), f"{lang}: {key} has no message"
            assert entry.get("description", "").strip(), f"{lang}: {key} needs a description for translators"
            declared = {name.lower() for name in entry.get("placeholders", {})}
            named = {name.lower() for name in NAMED.findall(entry["message"])}
            assert named == declared, f"{lang}: {key} uses {named} but declares {declared}"


def test_placeholders_match_between_locales():
    ko, en = messages("ko"), messages("en")
    for key in ko:
        assert sorted(ko[key].get("placeholders", {})) == sorted(en[key].get("placeholders", {})), key


def test_every_used_key_exists():
    used = used_keys()
    assert used, "no message keys found: has the key pattern changed?"
    for lang in LOCALES:
        missing = {key: sorted(where) for key, where in used.items() if key not in messages(lang)}
        assert not missing, f"keys used but missing from _locales/{lang}/messages.json: {missing}"


def test_every_key_is_used():
    unused = sorted(set(messages("ko")) - set(used_keys()))
    assert not unused, f"remove these unused keys from both locales, or use them: {unused}"


def test_korean_is_polite_and_short():
    """해요체 (…요.) in sentences; the store's length limits hold."""
    ko = messages("ko")
    assert len(ko["ext_name"]["message"]) <= 75
    assert len(ko["ext_description"]["message"]) <= 132
    for key, entry in ko.items():
        text = entry["message"]
        if text.rstrip().endswith("."):
            assert re.search(r"요\.$", text.rstrip()), f"{key}: a Korean sentence should end in 해요체 (…요.)"
