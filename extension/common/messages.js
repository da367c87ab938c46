/*
 * Every message type the extension sends, in one place, named by direction
 * (darkreader's habit): CS = content script, SW = service worker, POPUP = popup.
 * Classic script on purpose: content scripts cannot be ES modules, so the service worker
 * and the popup import this file for its side effect and read globalThis.ParcelDoctor.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  PD.MSG = Object.freeze({
    // content script -> service worker
    CS_TO_SW_DIAGNOSE: "cs-sw-diagnose", // {capture} -> {ok, response} | {ok:false, error}
    CS_TO_SW_HEALTH: "cs-sw-health", // {} -> {state}
    CS_TO_SW_GET_STRINGS: "cs-sw-get-strings", // {pageLang} -> {lang, strings}
    CS_TO_SW_GET_HISTORY: "cs-sw-get-history", // {} -> {ok, orders}
    CS_TO_SW_GET_KEPT: "cs-sw-get-kept", // {orderIds} -> {ok, kept: [{order, capturedAt}]}
    CS_TO_SW_CHECK_ALL: "cs-sw-check-all", // {orderIds} -> like POPUP_TO_SW_CHECK_ALL, for the sender's tab
    // popup -> service worker
    POPUP_TO_SW_GET_STATUS: "popup-sw-get-status", // {} -> {state, port, lang, version}
    POPUP_TO_SW_PAIR: "popup-sw-pair", // {code} -> {ok} | {ok:false, error}
    POPUP_TO_SW_SAVE_SETTINGS: "popup-sw-save-settings", // {port?, lang?} -> {ok}
    POPUP_TO_SW_IDENTIFY: "popup-sw-identify", // {number} -> {ok, numbers}
    POPUP_TO_SW_CHECK_ALL: "popup-sw-check-all", // {tabId, orderIds} -> {ok}
    POPUP_TO_SW_CHECK_ALL_STATE: "popup-sw-check-all-state", // {} -> job state
    POPUP_TO_SW_GET_LOOKUPS: "popup-sw-get-lookups", // {lang} -> {ok, lookups: {providers}} | {ok:false, error}
    POPUP_TO_SW_SAVE_LOOKUP: "popup-sw-save-lookup", // {provider, lang, enabled?, key?} -> same as GET_LOOKUPS
    POPUP_TO_SW_DIAGNOSIS_FILE: "popup-sw-diagnosis-file", // {capture} -> {ok, file} | {ok:false, error}
    POPUP_TO_SW_GET_NOTIFY: "popup-sw-get-notify", // {} -> {ok, enabled, quietFrom, quietTo}
    POPUP_TO_SW_SET_NOTIFY: "popup-sw-set-notify", // {enabled} -> {ok, enabled} | {ok:false, error}
    // dashboard page -> service worker
    DASHBOARD_TO_SW_GET: "dashboard-sw-get", // {lang} -> {ok, today, orders, summary} | {ok:false, error}
    DASHBOARD_TO_SW_FORGET: "dashboard-sw-forget", // {orderId} -> {ok} | {ok:false, error}
    DASHBOARD_TO_SW_EXPORT: "dashboard-sw-export", // {} -> {ok, data} | {ok:false, error}
    DASHBOARD_TO_SW_GET_STATUS: "dashboard-sw-get-status", // {} -> as POPUP_TO_SW_GET_STATUS
    // content script or popup -> service worker
    ANY_TO_SW_OPEN_DASHBOARD: "any-sw-open-dashboard", // {orderId?} -> {ok}: opens the dashboard tab
    // popup -> content script (chrome.tabs.sendMessage)
    POPUP_TO_CS_GET_SUMMARY: "popup-cs-get-summary", // {} -> {kind, orders}
    POPUP_TO_CS_GET_CAPTURE: "popup-cs-get-capture", // {} -> {capture} (capture null: nothing to send)
    // service worker -> content script
    SW_TO_CS_COMPANION_READY: "sw-cs-companion-ready", // {} -> re-capture now
    SW_TO_CS_REFRESH_FROM_HISTORY: "sw-cs-refresh-from-history", // {} -> overlays from GET /v1/orders
    SW_TO_CS_CHECK_ALL_PROGRESS: "sw-cs-check-all-progress", // job state, to the list tab that asked
    // service worker -> popup (runtime broadcast)
    SW_TO_POPUP_CHECK_ALL_PROGRESS: "sw-popup-check-all-progress", // job state
  });

  // The MAIN-world hook hands its private port over in one window message with this tag;
  // the relay takes the first and reads captures from that port only (content/payload-relay.js).
  PD.PORT_MESSAGE_SOURCE = "parcel-doctor/mtop-port";
  // … and hands it over again when the relay, at its start, asks with this event and the first
  // hand-over had gone unclaimed (posted before the relay listened).
  PD.PORT_ASK_EVENT = "parcel-doctor/mtop-port-ask";

  // Companion states shared by the popup (#companion-status[data-state]) and the notice.
  PD.STATE = Object.freeze({ CONNECTED: "connected", UNPAIRED: "unpaired", OFFLINE: "offline" });
  // What a shopper types (the README's install section): start now, or at every login.
  PD.START_COMMAND = "parcel-doctor serve";
  PD.AUTOSTART_COMMAND = "parcel-doctor autostart enable";
  PD.UPDATE_COMMAND = "pipx upgrade parcel-doctor";
  // The README (install section first) as the package index shows it.
  PD.INSTALL_URL = "https://pypi.org/project/parcel-doctor/#description";
  // The oldest companion API this extension works with: GET /v1/health's api_version
  // (info.x-api-version of the OpenAPI document); a companion that reports none is version 1.
  PD.MIN_API_VERSION = 2;
  PD.LANGS = Object.freeze(["ko", "en"]);
})();
