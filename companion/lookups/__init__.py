"""Live lookups, opt-in: Cainiao, Korean customs (UNI-PASS) and Korean couriers feed the diagnosis.

:func:`lookup` asks every provider the user turned on about the parcels it can say something
about, within one budget of 3 s for all of them together, and merges what comes back into the
parcels: events (newest first, de-duplicated, each naming its ``source``), and, from Cainiao,
the Korean courier and its number when the page did not give them. Its :class:`LiveReport`
holds every provider's answer per parcel (``not_found`` included), for rules that need more
than events, and the providers that did not answer (``warnings_in``).

With every provider off (the default) nothing is sent, nothing is opened: it returns at once.

Order of work: first Cainiao, UNI-PASS and the couriers already known; then, with what is left
of the budget, UNI-PASS and the courier for the Korean numbers Cainiao has just revealed.

Every capture may ask each provider about at most ``NUMBERS_PER_CAPTURE`` numbers, and all
captures together at most ``NUMBERS_PER_MINUTE`` a minute: a page script can post a forged
capture with hundreds of parcels, and each number sent to UNI-PASS carries the user's key.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from companion import dates
from companion.lookups import http
from companion.lookups import settings as settings_module
from companion.lookups.base import Context
from companion.lookups.base import LiveResult
from companion.lookups.base import Provider
from companion.lookups.base import ProviderError
from companion.lookups.base import RateLimited
from companion.lookups import last_errors
from companion.lookups.cache import LookupCache
from companion.lookups.providers import ALL as PROVIDERS
from companion.lookups.providers import BY_ID
from companion.lookups.service import Service
from companion.lookups.settings import Settings
from companion.models import Order
from companion.models import merge_events
from companion.models import Parcel

log = logging.getLogger(__name__)

BUDGET_SECONDS = http.BUDGET_SECONDS
# ``PARCEL_DOCTOR_LIVE_LOOKUPS=off`` forbids every live lookup whatever the settings say (test
# harnesses that run a real companion, air-gapped machines).
OFF_SWITCH = "PARCEL_DOCTOR_LIVE_LOOKUPS"
PARALLEL_PER_PROVIDER = 3  # no service gets more than 3 requests at once from us
# Numbers one capture may send to one provider (both rounds, cache hits not counted). An order
# list page holds 10 orders (AliExpress's pageSize), each with at most a Cainiao number and a
# Korean courier's: 20 covers a real page; a forged one with 300 parcels gets 20 looked up.
NUMBERS_PER_CAPTURE = 20
NUMBERS_PER_MINUTE = http.NUMBERS_PER_MINUTE  # per provider, all captures together

__all__ = [
    "BUDGET_SECONDS",
    "NUMBERS_PER_CAPTURE",
    "NUMBERS_PER_MINUTE",
    "OFF_SWITCH",
    "PARALLEL_PER_PROVIDER",
    "PROVIDERS",
    "LiveReport",
    "LiveResult",
    "Problem",
    "Provider",
    "Service",
    "Settings",
    "lookup",
]


@dataclass(frozen=True)
class Problem:
    """A provider that gave no (full) answer, said for people in both languages."""

    provider: str  # provider id
    kind: str  # timeout | unreachable | server_error | bad_response | blocked | rate_limited | key_rejected | missing_key | circuit_open | capped | error
    en: str
    ko: str


@dataclass
class ParcelAnswer:
    """One provider's answer about one number of one parcel."""

    order: Order
    parcel: Parcel
    result: LiveResult


@dataclass
class LiveReport:
    """Everything a lookup round learnt."""

    answers: list[ParcelAnswer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    asked: int = 0  # numbers sent out (not from the cache)

    def warnings_in(self, lang: str = "ko") -> list[str]:
        return [p.ko if lang == "ko" else p.en for p in self.problems]

    def for_parcel(self, parcel: Parcel) -> list[LiveResult]:
        return [a.result for a in self.answers if a.parcel is parcel]

    def not_found(self, parcel: Parcel, provider_id: str) -> bool:
        """The provider answered about this parcel and knows none of its numbers."""
        mine = [r for r in self.for_parcel(parcel) if r.provider == provider_id]
        return bool(mine) and all(r.not_found for r in mine)

    def _problem(self, provider: Provider, kind: str, en: str, ko: str) -> None:
        if not any(p.provider == provider.id and p.kind == kind for p in self.problems):
            self.problems.append(Problem(provider.id, kind, en, ko))


def lookup(orders: list[Order], settings, now: datetime, data_dir, *, service: Service, budget: float = BUDGET_SECONDS) -> LiveReport:
    """Ask the enabled providers about the parcels of ``orders`` and merge their answers into the
    parcels (in place). ``settings``: a :class:`Settings`, the ``settings.json`` dict, or None to
    read it from ``data_dir``. ``service`` keeps the session, the breakers and the pool (the
    app's, the CLI run's, a test's own). An empty report, nothing sent, when every provider is off."""
    report = LiveReport()
    if not orders or os.environ.get(OFF_SWITCH, "").strip().lower() in ("0", "off", "no", "false"):
        return report
    settings = settings_module.coerce(settings, data_dir)
    active = [p for p in PROVIDERS if p.enabled(settings)]
    if not active:
        return report
    now = now or dates.now_kst()
    rounds = _Rounds(
        service=service,
        settings=settings,
        now=now,
        cache=LookupCache(data_dir) if data_dir is not None else None,
        session=service.session(),
        clock=http.Budget(budget),
        report=report,
    )
    parcels = [(order, parcel) for order in orders for parcel in order.parcels]
    for _ in range(2):  # the second round follows what Cainiao revealed
        if rounds.clock.expired:
            break
        plan = rounds.plan(active, parcels)
        rounds.ask(plan)
        round_answers = rounds.collect(plan)
        if not round_answers:
            break
        _merge(round_answers, report)
    if data_dir is not None:
        last_errors.record(data_dir, report.problems, now)  # for `parcel-doctor doctor`
    return report


# --- one round: plan, ask, collect ---------------------------------------------------------------


@dataclass
class _Plan:
    """One round's work: who owns each (provider, number), what the cache already knew, and the
    calls to make, per provider."""

    owners: dict[tuple[str, str], list[tuple[Order, Parcel]]] = field(default_factory=dict)
    results: dict[tuple[str, str], LiveResult] = field(default_factory=dict)
    calls: list[list[tuple[Provider, list[str], Context]]] = field(default_factory=list)


@dataclass
class _Rounds:
    """What the rounds of one :func:`lookup` share; ``asked`` grows so no number is asked twice."""

    service: Service
    settings: Settings
    now: datetime
    cache: LookupCache | None
    session: object
    clock: http.Budget
    report: LiveReport
    asked: set[tuple[str, str]] = field(default_factory=set)
    left: dict[str, int] = field(default_factory=dict)  # numbers each provider may still be sent

    def plan(self, active: list[Provider], parcels: list[tuple[Order, Parcel]]) -> _Plan:
        """The numbers each provider is to be asked, minus those asked before, those the cache
        knows and those of a provider whose breaker is open (said in the report)."""
        plan = _Plan()
        wanted: dict[str, list[str]] = {}  # provider id → numbers, in order
        for provider in active:
            for order, parcel in parcels:
                for number in provider.numbers(parcel):
                    plan.owners.setdefault((provider.id, number), []).append((order, parcel))
                    if (provider.id, number) not in self.asked and number not in wanted.setdefault(provider.id, []):
                        wanted[provider.id].append(number)
        for provider_id, numbers in wanted.items():
            if not numbers:
                continue
            provider = BY_ID[provider_id]
            self.asked.update((provider_id, n) for n in numbers)
            missing = []
            for number in numbers:
                hit = self.cache.get(provider_id, number) if self.cache else None
                if hit is not None:
                    plan.results[(provider_id, number)] = hit
                else:
                    missing.append(number)
            if not missing:
                continue
            missing = self._within_caps(provider, missing)
            if not missing:
                continue
            breaker = self.service.breaker(provider_id)
            if not breaker.allow():
                self.service.quota(provider_id).give_back(len(missing))
                self.left[provider_id] += len(missing)
                self._skipped(provider, breaker)
                continue
            context = Context(now=self.now, key=self.settings.key(provider_id))
            self.report.asked += len(missing)
            plan.calls.append([(provider, chunk, context) for chunk in _chunks(provider, missing)])
        return plan

    def ask(self, plan: _Plan) -> None:
        """Make the planned calls in the pool and wait for them within the budget; answers go
        into ``plan.results``, failures and what did not answer in time into the report."""
        futures = {}
        # Interleaved, so that every provider's first call gets a worker before anyone's second.
        for turn in range(max((len(p) for p in plan.calls), default=0)):
            for calls in plan.calls:
                if turn < len(calls):
                    provider, chunk, context = calls[turn]
                    breaker = self.service.breaker(provider.id)
                    futures[self.service.submit(_call, provider, chunk, self.session, context, self.cache, breaker)] = provider
        done, not_done = http.wait(set(futures), self.clock)
        for future in done:
            provider = futures[future]
            error = future.exception()
            if error is None:
                for number, result in future.result().items():
                    plan.results[(provider.id, number)] = result
            else:
                _explain(self.report, provider, error)
        for future in not_done:
            provider = futures[future]
            seconds = f"{self.clock.seconds:g}"
            self.report._problem(
                provider,
                "timeout",
                f"{provider.short_name('en')} did not answer within {seconds} s",
                f"{provider.short_name('ko')}: {seconds}초 안에 답이 없었어요.",
            )

    @staticmethod
    def collect(plan: _Plan) -> list[ParcelAnswer]:
        """Each answer once for every parcel that holds its number."""
        answers = []
        for (provider_id, number), result in plan.results.items():
            for order, parcel in plan.owners.get((provider_id, number), []):
                answers.append(ParcelAnswer(order=order, parcel=parcel, result=result))
        return answers

    def _within_caps(self, provider: Provider, numbers: list[str]) -> list[str]:
        """The first of ``numbers`` this capture and this minute still allow; says so when not all."""
        left = self.left.setdefault(provider.id, NUMBERS_PER_CAPTURE)
        allowed = self.service.quota(provider.id).take(min(len(numbers), left))
        self.left[provider.id] = left - allowed
        if allowed < len(numbers):
            en, ko = provider.short_name("en"), provider.short_name("ko")
            self.report._problem(
                provider,
                "capped",
                f"{en}: only {allowed} of {len(numbers)} numbers were looked up (at most {NUMBERS_PER_CAPTURE} a page, {NUMBERS_PER_MINUTE} a minute)",
                f"{ko}: 번호 {len(numbers)}개 중 {allowed}개만 조회했어요(한 화면에 {NUMBERS_PER_CAPTURE}개, 1분에 {NUMBERS_PER_MINUTE}개까지).",
            )
        return numbers[:allowed]

    def _skipped(self, provider: Provider, breaker: http.CircuitBreaker) -> None:
        minutes = max(1, round(breaker.retry_in() / 60))
        en, ko = provider.short_name("en"), provider.short_name("ko")
        if breaker.reason == "rate_limit":
            self.report._problem(
                provider,
                "circuit_open",
                f"{en} was skipped: it asked us to slow down (next try in {minutes} min)",
                f"{ko}: 조회가 너무 잦다고 해서 잠시 쉬고 있어요({minutes}분 뒤 다시 시도).",
            )
        else:
            self.report._problem(
                provider,
                "circuit_open",
                f"{en} was skipped: it failed several times in a row (next try in {minutes} min)",
                f"{ko}: 여러 번 연속 실패해 잠시 건너뛰었어요({minutes}분 뒤 다시 시도).",
            )


def _chunks(provider: Provider, numbers: list[str]) -> list[list[str]]:
    """Calls to make: batches for a provider that takes several numbers a call; otherwise at
    most ``PARALLEL_PER_PROVIDER`` calls at once, each asking its share one after another."""
    if provider.batch_size > 1:
        return [numbers[i : i + provider.batch_size] for i in range(0, len(numbers), provider.batch_size)]
    lanes = min(len(numbers), PARALLEL_PER_PROVIDER)
    return [numbers[i::lanes] for i in range(lanes)]


def _call(provider: Provider, numbers: list[str], session, context: Context, cache, breaker) -> dict[str, LiveResult]:
    """In a worker thread: ask, then tell the breaker and the cache (also after the budget)."""
    try:
        results = provider.fetch(numbers, session, http.TIMEOUT, context)
    except RateLimited as error:
        breaker.trip(http.rate_limit_cooldown(error.retry_after))
        raise
    except ProviderError as error:
        breaker.failure()
        log.info("live lookup %s failed: %s", provider.id, error.kind)
        raise
    except Exception as error:  # a parser bug must not break the diagnosis
        breaker.failure()
        log.warning("live lookup %s failed unexpectedly: %s", provider.id, type(error).__name__)
        raise ProviderError("unexpected") from None
    breaker.success()
    for result in results.values():
        if cache is not None:
            cache.put(result)
    return results


_MESSAGES = {
    "unreachable": ("{en} could not be reached", "{ko}: 연결되지 않았어요."),
    "server_error": ("{en} had a server error", "{ko}: 서버 오류가 났어요."),
    "bad_response": ("{en} sent an answer that could not be read", "{ko}: 읽을 수 없는 답이 왔어요."),
    "blocked": ("{en} refused the lookup (an error or bot-check page)", "{ko}: 조회를 거절했어요(오류·보안 확인 화면)."),
    "rate_limited": ("{en} asked us to slow down; it will be asked again later", "{ko}: 조회가 너무 잦다고 해서 잠시 쉬어요."),
    "key_rejected": ("{en} refused the key; check it in the settings", "{ko}: 인증키가 거절됐어요. 설정에서 키를 확인해 주세요."),
    "missing_key": ("{en} needs your key in the settings", "{ko}: 설정에 인증키가 필요해요."),
}


def _explain(report: LiveReport, provider: Provider, error: BaseException) -> None:
    kind = getattr(error, "kind", "error")
    en, ko = _MESSAGES.get(kind, ("{en} failed", "{ko}: 조회에 실패했어요."))
    report._problem(provider, kind, en.format(en=provider.short_name("en")), ko.format(ko=provider.short_name("ko")))


# --- merging ---------------------------------------------------------------------------------


def _merge(answers: list[ParcelAnswer], report: LiveReport) -> None:
    """Fold the answers into their parcels: events, then Cainiao's courier and number. The
    order names the provider among its sources ("live: UNI-PASS") when it added anything."""
    for answer in answers:
        report.answers.append(answer)
        parcel, result = answer.parcel, answer.result
        if result.events:
            parcel.events = merge_events(parcel.events, result.events)
        if result.domestic_number and not parcel.domestic_number and result.domestic_number != parcel.tracking_number:
            parcel.domestic_number = result.domestic_number
        if result.untracked_note and not parcel.untracked_note:
            parcel.untracked_note = result.untracked_note
        if result.domestic_carrier_name and _may_name(parcel, result.domestic_carrier_name):
            parcel.carrier_name = result.domestic_carrier_name
        if result.events or result.domestic_number:
            label = f"live: {BY_ID[result.provider].source}"
            if label not in answer.order.sources:
                answer.order.sources.append(label)


def _may_name(parcel: Parcel, name: str) -> bool:
    """Cainiao's ``destCpInfo`` names the parcel's carrier when the page named none, or named
    one that is not a Korean courier ("AliExpress Selection Standard") while Cainiao's is."""
    from companion.numbers import korean_courier

    if not parcel.carrier_name:
        return True
    return korean_courier(parcel.carrier_name) is None and korean_courier(name) is not None
