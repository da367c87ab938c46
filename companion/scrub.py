"""Personal data out of every text the project keeps: people's names and phone numbers.

Carriers put the driver's or the recipient's name and phone into their event texts, labelled in
more ways than anyone can list: "(배송담당: 홍길동)", "(담당사원:홍길동)", "(배송사원 : 홍길동)",
"(수령인:홍*동님 - 본인)", "배송기사 홍길동 010-1234-5678", "TEL : 064.710.5200". None of it is ours
to keep (README: no names are stored). So any parenthesized "role : name" note goes, whatever
the role word, and any phone number goes with the label it stood behind.

One scrub for every source: courier answers, Cainiao, the AliExpress page's own events, and the
diagnosis file a user saves for a bug report.
"""

from __future__ import annotations

import re
from dataclasses import replace

# A phone number: Korean numbers with or without separators (010-1234-5678, 02)123-4567,
# 064.710.5200, 01012345678), with +82 / 0082 in front, and the 8-digit company numbers
# (1588-0011). Not inside a longer run of digits (a tracking number is not a phone number).
_PHONE = re.compile(
    r"(?<![\d-])(?:(?:\+|00)\s?82[-. )]*\(?0?|\(?0)\d{1,2}\)?[-. )]*\d{3,4}[-. ]*\d{4}(?![\d])"
    r"|(?<![\d-])1[5-9]\d{2}[-. ]\d{4}(?![\d])"
)
_PHONE_LABEL = re.compile(r"(?:\bTEL\b|\bFAX\b|\bPhone\b|전화(?:번호)?|연락처|휴대폰|핸드폰|☎|📞)\s*[.:：)]?\s*", re.I)
# A note in brackets that says who: "(label : anything)" with a word before the colon (a time
# such as "(10:30)" has none), or a note naming a person's role without a colon.
_ROLE_NOTE = re.compile(r"[(\[（【]\s*[^()\[\]（）【】:：\d]*[가-힣A-Za-z][^()\[\]（）【】:：]*[:：][^()\[\]（）【】]*[)\]）】]")
_ROLES = r"수령인|수취인|인수자|배송\s*담당|담당\s*사원|배송\s*사원|담당\s*기사|배송\s*기사|배달\s*기사|택배\s*기사|담당자|담당|사원|기사|배송원|배달원|집배원|직원|드라이버|연락처|전화|(?-i:SM)|driver|courier|signed\s+by|receiver|recipient"
_PERSON_NOTE = re.compile(rf"[(\[（【][^()\[\]（）【】]*(?:{_ROLES})[^()\[\]（）【】]*[)\]）】]", re.I)
# The same without brackets: "배송담당: 홍길동", "배송기사 홍길동", "signed by: Kim". A bare
# word such as 담당 or 기사 counts only before a colon ("담당 지점으로 이동" is not a name).
_NAME = r"(?:[가-힣*]{1,5}(?:님)?(?![가-힣])|[A-Z][a-z*]+(?:\s[A-Z][a-z*]+)?)"
_PERSON_LABEL = re.compile(
    rf"(?:(?i:{_ROLES})\s*[:：]\s*{_NAME}"
    rf"|(?:수령인|수취인|인수자|배송담당|담당기사|배송기사|배달기사|택배기사|배송사원|담당사원|배송원|배달원|집배원)\s+[가-힣*]{{2,4}}(?:님)?(?![가-힣])"
    rf"|(?i:signed\s+by|received\s+by)\s+[A-Z][a-z*]+(?:\s[A-Z][a-z*]+)?)"
)
_EMPTY_BRACKETS = re.compile(r"[(\[（【]\s*[-–,·]?\s*[)\]）】]")
_SPACES = re.compile(r"\s+")
_INNER_SPACE = re.compile(r"([(\[（])\s+|\s+([)\]）])")


# 개인통관고유부호 (personal customs clearance code): P and 12 digits.
PCCC = re.compile(r"(?<![A-Za-z0-9])[Pp]\d{12}(?!\d)")


def scrub(text: str) -> str:
    """``text`` without names and phone numbers of people (drivers, recipients) and without a
    개인통관고유부호, one line."""
    if not text:
        return ""
    text = PCCC.sub(" ", text)
    text = _PHONE_LABEL.sub(" ", _PHONE.sub(" ", text)) if _PHONE.search(text) else text
    text = _ROLE_NOTE.sub(" ", text)
    text = _PERSON_NOTE.sub(" ", text)
    text = _PERSON_LABEL.sub(" ", text)
    text = _PHONE_LABEL.sub(" ", text) if _DANGLING_LABEL.search(text) else text
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = _INNER_SPACE.sub(lambda m: m.group(1) or m.group(2), text)  # "( 배달 )" → "(배달)"
    return _SPACES.sub(" ", text).strip()


# A phone label left with nothing after it ("제주우편집중국 TEL :").
_DANGLING_LABEL = re.compile(r"(?:\bTEL\b|\bFAX\b|전화(?:번호)?|연락처|☎)\s*[.:：]?\s*$", re.I)


def scrub_event(event):
    """The event with its text, title and location scrubbed (the same event when clean)."""
    text, title, location = scrub(event.text), scrub(event.title), scrub(event.location)
    if (text, title, location) == (event.text, event.title, event.location):
        return event
    return replace(event, text=text, title=title, location=location)
