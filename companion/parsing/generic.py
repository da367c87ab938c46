"""Any other page or text (e-mails, other shops): every tracking number in what a person sees."""

from __future__ import annotations

from bs4 import BeautifulSoup

from companion import numbers
from companion.models import Page
from companion.parsing.base import Capture
from companion.parsing.base import PageParser
from companion.parsing.base import visible_text


class GenericParser(PageParser):
    kind = "generic"

    def matches_url(self, capture: Capture) -> bool:
        return True

    def matches_dom(self, soup: BeautifulSoup) -> bool:
        return True

    def parse(self, soup, capture: Capture, page: Page) -> None:
        if soup is None:
            return
        for number in numbers.find_numbers(visible_text(soup)):
            if number not in page.loose_numbers:
                page.loose_numbers.append(number)
