"""The diagnosis file a user saves for a bug report ("이 페이지 진단 파일 저장").

It holds what the extension sent, the companion's answer and the versions, so that
``parcel-doctor diagnose --report FILE`` can replay it, and it holds no names, phones,
addresses or 개인통관고유부호: everything goes through the one scrub (:mod:`companion.scrub`),
plus what only a whole page has: the buyer's name, phone and address blocks and fields.

What is kept is what a replay needs: the page's structure, order ids, tracking numbers,
events and dates.
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from bs4 import Comment
from bs4 import NavigableString

from companion import __version__
from companion.scrub import PCCC
from companion.scrub import scrub

FORMAT = "parcel-doctor-diagnosis-file"
VERSION = 1
REMOVED = "[removed]"
# JSON fields (AliExpress payloads) and HTML classes/ids that hold the buyer's name, phone or
# address: logisticsReceiverInfo{contactName, address, address2, city, province, zipCode,
# phoneNumber}, "ship-to--name", "receiverInfoRichText", a mail's "받는 사람" …
_PERSONAL_KEY = re.compile(
    r"(?i)name$|^(?:contact|receiver|consignee|buyer|recipient|shipto|ship_to)|address|addr\d?$|phone|mobile|tel(?:no)?$|"
    r"zip|postcode|postal|email|city$|province$|district|street|pccc|customscode|clearance_?code|idcard|passport|taxnumber|cpf"
)
_NOT_PERSONAL_KEY = re.compile(
    r"(?i)^(?:cpName|storeName|shopName|sellerName|itemName|productName|skuName|trackingName|logisticsCarrierName|"
    r"serviceName|logisticsServiceName|carrierName|nodeName|statusName|pointName|fileName|className|api|name)$"
)
_PERSONAL_CLASS = re.compile(r"(?i)ship-?to|receiver|consignee|address|contact|phone|mobile|buyer-?name|user-?name|recipient|addressee")
# Printed labels a person's name or address follows, up to the next separator.
_LABELLED = re.compile(
    r"(?:받는\s*(?:사람|분)|보내는\s*(?:사람|분)|보낸\s*사람|수취인|수령인|주문자|주소|연락처|성명|이름|Ship\s*to|Deliver\s*to|"
    r"Recipient|Consignee|Contact\s*name|Address|Name)\s*[:：]\s*[^·|\n<>]*",
    re.I,
)
# "홍길동 고객님", "홍길동님": a name before the polite address.
_HONORIFIC = re.compile(r"(?<![가-힣])(?!고객|회원|기사|판매자|구매자|셀러|택배)[가-힣]{2,4}\s*(?=(?:고객)?님)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A Korean street address: 시/도, 구/군, then a road or a 동, with its numbers.
_KO_ADDRESS = re.compile(
    r"(?:[가-힣]+(?:특별시|광역시|특별자치시|특별자치도|시|도)\s+)?[가-힣]+(?:시|군|구)\s+[가-힣0-9]+(?:로|길|동|읍|면)"
    r"(?:\s*\d+(?:-\d+)?)?(?:\s*,?\s*\d+동\s*\d+호)?"
)
_ATTRIBUTES = ("title", "alt", "value", "placeholder", "aria-label", "content", "data-name", "data-phone", "data-address")


def scrub_text(text: str) -> str:
    """A piece of page text without people in it (the event scrub, then labels, names before
    님, street addresses)."""
    if not text or not text.strip():
        return text
    text = _EMAIL.sub(" ", _LABELLED.sub(" ", text))
    text = _HONORIFIC.sub("", text)
    text = _KO_ADDRESS.sub(" ", text)
    return scrub(text)


def _personal(key: str) -> bool:
    return bool(key) and bool(_PERSONAL_KEY.search(key)) and not _NOT_PERSONAL_KEY.match(key)


def scrub_json(value, key: str = ""):
    """A JSON value with personal fields removed and every string scrubbed; what a personal
    field held ("Cidade Exemplo") is also taken out wherever else it is printed. Walked without
    recursion: a payload may be nested as deep as the body reader allows."""
    known = frozenset(_personal_values(value, key))
    root: list = [None]
    stack = [(key, value, root, 0)]
    while stack:
        name, item, parent, slot = stack.pop()
        if _personal(name):
            parent[slot] = REMOVED if item not in (None, "", [], {}) else item
        elif isinstance(item, dict):
            copy: dict = {}
            parent[slot] = copy
            keys = list(item)
            holder = [None] * len(keys)
            stack.append(("", _Fill(copy, keys, holder), None, None))  # popped after the values
            for i, k in enumerate(keys):
                stack.append((str(k), item[k], holder, i))
        elif isinstance(item, list):
            holder = [None] * len(item)
            parent[slot] = holder
            for i, v in enumerate(item):
                stack.append(("", v, holder, i))
        elif isinstance(item, _Fill):
            item.fill()
        elif isinstance(item, str):
            text = _without(item, known)
            parent[slot] = scrub_html(text) if "<" in text and ">" in text else scrub_text(text)
        else:
            parent[slot] = item
    return root[0]


class _Fill:
    """Puts a dict's scrubbed values in place once they are all done."""

    def __init__(self, target: dict, keys: list, holder: list):
        self.target, self.keys, self.holder = target, keys, holder

    def fill(self) -> None:
        self.target.update(zip(self.keys, self.holder))


def _personal_values(value, key: str = "") -> set[str]:
    """Every string a personal field holds (iteratively: payloads may nest deep)."""
    found: set[str] = set()
    stack = [(key, value)]
    while stack:
        name, item = stack.pop()
        if isinstance(item, dict):
            stack.extend((str(k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((name, v) for v in item)
        elif isinstance(item, str) and _personal(name) and len(item.strip()) >= 3 and not item.startswith("http"):
            found.add(item.strip())
    return found


def _without(text: str, known: frozenset) -> str:
    for value in known:
        if value in text:
            text = text.replace(value, " ")
    return text


_SCRIPT_FIELD = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*"(?:[^"\\]|\\.)*"')


def scrub_html(html: str) -> str:
    """The page's HTML with the same structure and no people in it."""
    soup = BeautifulSoup(html, "lxml")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()  # developers' notes and commented-out markup (한진's "(배송사원 : …)")
    known: set[str] = set()
    for node in _people_cells(soup):
        known.update(s.strip() for s in node.stripped_strings if len(s.strip()) >= 2)
        node.clear()
    for node in soup.find_all(True):
        marks = " ".join([*(node.get("class") or []), node.get("id") or ""])
        if marks.strip() and _PERSONAL_CLASS.search(marks):
            known.update(s.strip() for s in node.stripped_strings if len(s.strip()) >= 2)
            node.clear()
            continue
        for attribute in _ATTRIBUTES:
            if isinstance(node.get(attribute), str):
                node[attribute] = scrub_text(node[attribute])
    frozen = frozenset(known)
    for string in list(soup.find_all(string=True)):
        if string.parent is not None and string.parent.name in ("script", "style"):
            if string.parent.name == "script":
                string.replace_with(NavigableString(_scrub_script(str(string))))
        elif str(string).strip():
            string.replace_with(NavigableString(scrub_text(_without(str(string), frozen))))
    return str(soup)


# Table columns and labelled cells that name people: 우체국's "보내는 분/접수일자", "받는 분",
# "수령인/배달일자"; 한진's ``data-label="받는 분"``.
_PEOPLE_COLUMN = re.compile(r"보내는\s*분|받는\s*분|보낸\s*사람|받는\s*사람|수령인|수취인|인수자|성명|이름|주소|sender|recipient|consignee|address", re.I)


def _people_cells(soup) -> list:
    cells = [td for td in soup.find_all(["td", "th"]) if _PEOPLE_COLUMN.search(td.get("data-label") or "")]
    for table in soup.find_all("table"):
        header = table.find("tr")
        if header is None or not header.find("th"):
            continue
        columns = [i for i, th in enumerate(header.find_all(["th", "td"], recursive=False)) if _PEOPLE_COLUMN.search(th.get_text(" "))]
        if not columns:
            continue
        for row in table.find_all("tr")[1:]:
            own = row.find_all(["td", "th"], recursive=False)
            cells.extend(own[i] for i in columns if i < len(own))
    return cells


def _scrub_script(text: str) -> str:
    """Embedded JSON (``window.__INIT_DATA_CALLBACK__``): personal fields emptied by name."""
    def field(match: re.Match) -> str:
        key = match.group(1)
        if not _personal(key):
            return match.group(0)
        return f'"{key}":"{REMOVED}"'

    return PCCC.sub(" ", _SCRIPT_FIELD.sub(field, text))


def build(request: dict, answer: dict, extension_version: str | None = None) -> dict:
    """The file: what was sent (scrubbed), the answer (scrubbed), the versions."""
    sent = {k: request.get(k) for k in ("url", "captured_at", "time_zone", "utc_offset_minutes", "lang") if request.get(k) is not None}
    if isinstance(request.get("html"), str):
        sent["html"] = scrub_html(request["html"])
    sent["payloads"] = scrub_json(request.get("payloads") or [])
    return {
        "format": FORMAT,
        "version": VERSION,
        "versions": {"companion": __version__, "extension": extension_version},
        "request": sent,
        "answer": scrub_json(answer),
    }


def read(text: str) -> dict:
    """A saved file's request, ready for ``POST /v1/diagnose``; ValueError when it is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("request"), dict):
        raise ValueError("not a Parcel Doctor diagnosis file")
    return data
