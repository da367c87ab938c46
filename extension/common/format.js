/*
 * Turns message keys and diagnosis fields into the short Korean (or English) lines users read.
 * The language is the user's choice in the popup, not the browser's UI language, so the
 * messages.json tables are loaded by the extension and formatted here with chrome.i18n's
 * placeholder rules ($name$ -> placeholder content -> $1..$9).
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const DAY_MS = 24 * 60 * 60 * 1000;

  /** Formats one message from a messages.json table; a missing key shows as itself. */
  function tr(strings, key, subs = []) {
    const entry = strings && strings[key];
    if (!entry || typeof entry.message !== "string") return key;
    const placeholders = {};
    for (const [name, value] of Object.entries(entry.placeholders || {})) {
      placeholders[name.toLowerCase()] = value.content;
    }
    const withNames = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name) =>
      name.toLowerCase() in placeholders ? placeholders[name.toLowerCase()] : whole,
    );
    return withNames.replace(/\$([1-9])/g, (whole, n) => String(subs[Number(n) - 1] ?? ""));
  }

  /** "2026-10-02" (or an ISO date-time) -> UTC midnight of its own calendar day, or null. */
  function calendarDay(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text || ""));
    return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
  }

  /** "10월 2일" / "October 2"; the year is added only when it is not the current one. */
  function formatDay(lang, dayMs, nowMs) {
    const options = { month: "long", day: "numeric", timeZone: "UTC" };
    if (nowMs != null && new Date(dayMs).getUTCFullYear() !== new Date(nowMs).getUTCFullYear()) {
      options.year = "numeric";
    }
    return new Intl.DateTimeFormat(lang === "en" ? "en-US" : "ko-KR", options).format(new Date(dayMs));
  }

  // Short stage names for "통관 2일째"; explicit so every key stays greppable.
  const STAGE_KEYS = Object.freeze({
    info_received: "stage_infoReceived",
    in_transit: "stage_inTransit",
    customs: "stage_customs",
    handed_over: "stage_handedOver",
    out_for_delivery: "stage_outForDelivery",
    exception: "stage_exception",
  });

  /** ISO "YYYY-MM-DDTHH:MM:SS+HH:MM" for now, in the browser's own offset. */
  function isoNow(date = new Date()) {
    const pad = (n) => String(Math.trunc(Math.abs(n))).padStart(2, "0");
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    return (
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
    );
  }

  /**
   * The wait line for one order, e.g. "통관 2일째 — 10월 2일까지 기다려 보세요 (3일 남음)",
   * or "" when the diagnosis has nothing to wait for.
   */
  function waitAdvice(strings, lang, order, capturedAt) {
    const wait = order && order.diagnosis && order.diagnosis.wait;
    const until = wait && calendarDay(wait.until);
    if (until == null) return "";
    const now = calendarDay(capturedAt);
    const daysLeft = Number.isFinite(wait.days_left)
      ? wait.days_left
      : now == null ? null : Math.round((until - now) / DAY_MS);
    const day = formatDay(lang, until, now);
    let advice;
    if (daysLeft == null || daysLeft > 0) {
      advice = daysLeft == null
        ? tr(strings, "wait_until", [day])
        : tr(strings, "wait_untilDaysLeft", [day, daysLeft]);
    } else {
      advice = tr(strings, "wait_over", [day]);
    }
    const since = stageSince(strings, order, now);
    return since ? `${since} — ${advice}` : advice;
  }

  /** "통관 2일째" from the first parcel's stage and last event, or "". */
  function stageSince(strings, order, nowDay) {
    const parcel = (order.parcels || []).find((p) => p && p.last_event && p.last_event.time);
    const key = parcel && STAGE_KEYS[parcel.stage];
    const eventDay = parcel && calendarDay(parcel.last_event.time);
    if (!key || eventDay == null || nowDay == null || nowDay < eventDay) return "";
    // Counted like the companion and Korean usage: the day the stage began is day 1 (1일째).
    return tr(strings, "wait_stageDay", [tr(strings, key), Math.round((nowDay - eventDay) / DAY_MS) + 1]);
  }

  /**
   * What the wait line says, as phrases an explanation may repeat: the stage's "통관 3일째"
   * and the day "10월 2일까지". The panel drops the explanation's sentences that hold them.
   */
  function waitPhrases(strings, lang, order, capturedAt) {
    const wait = order && order.diagnosis && order.diagnosis.wait;
    const until = wait && calendarDay(wait.until);
    if (until == null) return [];
    const now = calendarDay(capturedAt);
    return [formatDay(lang, until, now), stageSince(strings, order, now)].filter(Boolean);
  }

  PD.format = Object.freeze({ tr, waitAdvice, waitPhrases, formatDay, calendarDay, isoNow });
})();
