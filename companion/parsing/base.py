"""The one interface every page parser follows, and the small DOM helpers they share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import tzinfo
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from bs4 import NavigableString
from bs4 import Tag
from bs4.builder import LXMLTreeBuilder
from bs4.element import XMLAttributeDict

from companion import dates
from companion.models import Page
from companion.parsing import page_urls
from companion.parsing.page_urls import ORDER_ID_IN_HREF


@dataclass
class Capture:
    """One page as the extension (or the CLI) hands it over."""

    url: str = ""
    html: str | None = None
    payloads: list = field(default_factory=list)
    captured_at: datetime | None = None
    # The buyer's time zone as the browser reports it: AliExpress prints wall-clock times in it.
    time_zone: str | None = None  # IANA name ("America/Sao_Paulo")
    utc_offset_minutes: int | None = None  # used when the name is missing or unknown here

    def zone(self) -> tzinfo:
        """The zone the page's wall-clock times are in: the buyer's, else Seoul's."""
        return dates.buyer_zone(self.time_zone, self.utc_offset_minutes) or dates.KST

    def _parts(self):
        """The URL's parts; an unreadable URL (``http://[::1``) reads as no URL at all."""
        try:
            parts = urlsplit(self.url or "")
            parts.hostname  # noqa: B018  (raises on a malformed netloc)
        except ValueError:
            return urlsplit("")
        return parts

    def order_id(self) -> str | None:
        """The order id the URL names, when it is one, else None."""
        return page_urls.order_id(self._parts().query)

    def page_kind(self) -> str | None:
        """The kind of AliExpress page the URL's path names, else None."""
        return page_urls.page_kind(self.path)

    @property
    def host(self) -> str:
        return (self._parts().hostname or "").lower()

    @property
    def path(self) -> str:
        return self._parts().path or ""


@dataclass(frozen=True)
class Narrowing:
    """The parts of a page a parser reads, so that only they are built.

    ``keep(name, attrs)`` is asked about every element outside a kept one: a yes builds it with
    everything under it, except the elements ``skip(name, attrs)`` names, which are left out with
    everything under them, and the ones ``unwrap(name, attrs)`` names, which are left out while
    what they hold is built in their place (wrappers the parser never looks for; their strings
    stay separate strings, so :func:`text_of` of anything above reads the same). Text outside
    kept elements, and text that is only whitespace (which :func:`text_of` folds away anyway), is
    not built either.
    """

    keep: Callable[[str, dict], bool]
    skip: Callable[[str, dict], bool] = lambda name, attrs: False
    unwrap: Callable[[str, dict], bool] = lambda name, attrs: False


class PageParser:
    """Reads one kind of page. Subclasses say which URLs and DOMs they own and read orders.

    ``parse`` fills a :class:`Page`; it never decides a cause (that is the rules' job) and never
    raises on a strange page: what it cannot read goes to ``page.warnings``. ``narrowing_for``
    names the parts of the page ``parse`` reads when the URL has chosen the parser; a page chosen
    by its DOM (no URL) is built whole.
    """

    kind = "generic"
    narrowing: Narrowing | None = None

    def narrowing_for(self, capture: Capture) -> Narrowing | None:
        """The parts of this capture's page to build; None: all of it."""
        return self.narrowing

    def matches_url(self, capture: Capture) -> bool:
        """True when the URL says this is the parser's page (``page_urls.PAGE_PATHS``)."""
        return capture.page_kind() == self.kind

    def matches_dom(self, soup: BeautifulSoup) -> bool:
        """True when the DOM looks like the parser's page (used when there is no URL)."""
        raise NotImplementedError

    def parse(self, soup: BeautifulSoup | None, capture: Capture, page: Page) -> None:
        """Add what the page shows to ``page``."""
        raise NotImplementedError


def make_soup(html: str, narrowing: Narrowing | None = None) -> BeautifulSoup:
    """lxml builds the tree: the C parser is many times faster than html.parser on big pages.

    With a ``narrowing``, only the parts it names become BeautifulSoup objects: on a real page
    most of the cost of a soup is the Python object of each element and string, and most of the
    page (scripts, styles, recommendations, product rows, prices) is read by no parser."""
    if narrowing is None:
        return BeautifulSoup(html, "lxml")
    return BeautifulSoup(html, builder=_NarrowBuilder(narrowing))


_NO_ATTRIBUTES: dict = {}  # read only: the narrowing's questions and a copy for the soup
# What a Tag holds of its own; everything else it holds depends only on its name and the builder
_OWN = frozenset({"attrs", "contents", "parent", "previous_element", "next_element", "previous_sibling", "next_sibling"})


class _NarrowBuilder(LXMLTreeBuilder):
    """BeautifulSoup's lxml builder, handed only the events of the kept parts of the page.

    lxml reports every tag and string; the ones outside the kept parts stop here, before any
    Python object is made for them (what a ``SoupStrainer`` does only after making some).

    The kept parts are built here (``_open_tag``, ``_close_tag``, ``_add_string``), not through
    ``BeautifulSoup.handle_starttag``: the soup's bookkeeping for each element (its data buffer,
    tag stack, open-tag counts, whitespace and string-container stacks) and ``Tag.__init__``
    asking the builder the same questions for every element were a quarter of what building a
    list page's soup cost. Each element is the Tag bs4 would make: the first of each name is made
    by ``Tag()`` itself, later ones copy what it holds but its own parts (``_OWN``); attributes
    are split as bs4 splits ``class``; the links are set as bs4 sets them.
    ``tests/parsing/test_narrowing.py`` builds every fixture again through bs4's own calls in
    those three places and compares the trees field by field, so a bs4 that makes its Tags
    otherwise fails there. Comments and processing instructions are not built (no reading looks
    at them); they still end the string before them, as they do in a whole reading."""

    def __init__(self, narrowing: Narrowing):
        super().__init__()
        self._keep, self._skip, self._unwrap = narrowing.keep, narrowing.skip, narrowing.unwrap
        self._open: list[bool] = []  # the open elements of the kept part we are in: built or unwrapped
        self._skipping = 0  # open elements of a skipped part
        self._text: list[str] = []
        self._namespaces = self.active_namespace_prefixes[-1]
        # the open built elements, each with its strings' class; the soup at the bottom (initialize_soup)
        self._parents: list[tuple[Tag, type]] = []
        self._last = None  # the element built last: the next one's previous_element
        # tag name -> what a Tag of that name holds but its own parts, and its list attributes
        self._copies: dict[str, tuple[dict, frozenset]] = {}

    def initialize_soup(self, soup):
        super().initialize_soup(soup)
        self._parents = [(soup, NavigableString)]

    def start(self, tag, attrs):
        if self._skipping:
            self._skipping += 1
            return
        if not attrs:
            # lxml hands an element without attributes an immutable mapping whose ``get`` is
            # Python code raising KeyError inside: a third of what asking about it cost
            attrs = _NO_ATTRIBUTES
        if self._open:
            if self._skip(tag, attrs):
                self._skipping = 1
                return
            self._flush()
            if self._unwrap(tag, attrs):
                self._open.append(False)
                return
        elif tag == "template":
            self._skipping = 1  # inert markup: the whole reading keeps none of its text either
            return
        elif not self._keep(tag, attrs):
            return
        self._open.append(True)
        self._open_tag(tag, attrs)

    def end(self, tag):
        if self._skipping:
            self._skipping -= 1
        elif self._open:
            self._flush()
            if self._open.pop():
                self._close_tag(tag)

    def data(self, content):
        if self._open and not self._skipping:
            self._text.append(content)

    def comment(self, text):
        if self._open and not self._skipping:
            self._flush()

    def pi(self, target, data):
        if self._open and not self._skipping:
            self._flush()

    def doctype(self, name, pubid, system):
        pass

    def close(self):
        super().close()
        # lxml's parser and this builder hold each other: let the tree go
        self._last, self._parents = None, []

    def _flush(self) -> None:
        if self._text:
            text = "".join(self._text)
            self._text.clear()
            if not text.isspace():
                self._add_string(text)

    def _open_tag(self, name: str, attrs) -> None:
        copy = self._copies.get(name)
        if copy is None:
            tag = Tag(self.soup, self, name, attrs=XMLAttributeDict(attrs), namespaces=self._namespaces)
            # A string container's Tag holds a set of its own, a <meta>'s its charset: made whole
            if name not in self.string_containers and name != "meta":
                lists = self.cdata_list_attributes or {}
                self._copies[name] = (
                    {key: value for key, value in tag.__dict__.items() if key not in _OWN},
                    frozenset(lists.get("*", ())) | frozenset(lists.get(name, ())),  # "class", "rel", …
                )
        else:
            held, lists = copy
            tag = Tag.__new__(Tag)
            # One attribute set first makes the compact dict (keys shared with every Tag) that
            # Tag() makes; update() alone made one twice its size (2.5 MB on 1,000 orders)
            tag.name = name
            tag.__dict__.update(held)
            # bs4's own splitting of "class" and its kind (_replace_cdata_list_attribute_values),
            # without asking again for every element which attributes hold lists
            values = tag.attrs = XMLAttributeDict(attrs)
            for key, value in attrs.items():
                if key in lists:
                    values[key] = self.attribute_value_list_class(value.split())
            tag.contents = []
        self._attach(tag)
        strings = self.string_containers.get(name) or self._parents[-1][1]
        self._parents.append((tag, strings))

    def _close_tag(self, name: str) -> None:
        self._parents.pop()

    def _add_string(self, text: str) -> None:
        self._attach(self._parents[-1][1](text))

    def _attach(self, element) -> None:
        """``element`` as the last child of the innermost open element, linked as bs4 links it."""
        parent = self._parents[-1][0]
        last = self._last
        element.parent = parent
        element.previous_element = last
        if last is not None:
            last.next_element = element
        element.next_element = element.next_sibling = None
        siblings = parent.contents
        if siblings:
            before = siblings[-1]
            element.previous_sibling = before
            before.next_sibling = element
        else:
            element.previous_sibling = None
        siblings.append(element)
        self._last = element


def take_apart(soup: BeautifulSoup) -> None:
    """Unlink every element of a soup that has been read, so that it is freed at once.

    Each element links to its parent, children and neighbours: a tree left as it is waits for
    the cycle collector, which met a 1,000-order list's in a full collection of 40–60 ms (inside
    a later request, or in the trim after a big one). Unlinked, it goes as soon as the reading
    lets go of it. Nothing a reading returns may hold an element (a test holds them to it)."""
    node = soup.contents[0] if soup.contents else None  # where the descendants start
    while node is not None:
        following = node.next_element
        node.__dict__.clear()
        node = following
    soup.__dict__.clear()


def class_re(*names: str) -> re.Pattern:
    """Match CSS-module classes by their stable part, whatever hash follows.

    ``class_re("logistic-info-v2--mailNoValue")`` matches ``logistic-info-v2--mailNoValue--X0fPzen``
    and also a later ``logistic-info-v3--mailNoValue--…``: the version number is not part of the key.
    """
    parts = []
    for name in names:
        block, _, element = name.partition("--")
        block = re.sub(r"-v\d+$", "", block)
        parts.append(re.escape(block) + r"(?:-v\d+)?--" + re.escape(element) + r"(?:--|$)")
    return re.compile("^(?:" + "|".join(parts) + ")")


def text_of(node: Tag | None) -> str:
    """The visible text of a node, whitespace folded."""
    if node is None:
        return ""
    return " ".join(node.get_text(" ", strip=True).split())


def visible_text(soup: BeautifulSoup) -> str:
    """All the text a person sees: scripts, styles and templates left out."""
    chunks = []
    for string in soup.find_all(string=True):
        parent = string.parent
        if parent is not None and parent.name in ("script", "style", "noscript", "template", "head", "title"):
            continue
        value = string.strip()
        if value:
            chunks.append(value)
    return " ".join(chunks)


def order_id_from_hrefs(node: Tag) -> str | None:
    """The first order id in any link under ``node`` (hrefs are stable; labels change)."""
    for link in node.find_all("a", href=True):
        match = ORDER_ID_IN_HREF.search(link["href"])
        if match:
            return match.group(1)
    return None
