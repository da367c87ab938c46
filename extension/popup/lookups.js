/*
 * Live lookups (optional): one checkbox per provider with what it sends where, and the user's
 * own UNI-PASS key (crkyCn). Shown only when paired. Everything is off until turned on here.
 * The key goes to the service worker once and is never shown again: after saving, the input is
 * emptied and only "key saved" remains.
 */
import { MSG, STATE, toWorker, setResult } from "./runtime.js";
import { t } from "./i18n.js";

const KEY = /^[A-Za-z0-9_-]{8,64}$/;
const ERROR_KEYS = {
  key_required: "popup_lookupsKeyRequired",
  invalid_key: "popup_lookupsKeyInvalid",
  storage_unavailable: "popup_lookupsStorage",
  not_found: "popup_lookupsUnsupported",
  offline: "popup_errorOffline",
  unpaired: "popup_errorUnpaired",
};

let lang = "ko";
let busy = false;

function section() {
  return document.getElementById("lookups-section");
}

function showError(answer) {
  const code = answer && answer.error && answer.error.code;
  setResult(document.getElementById("lookups-result"), t(ERROR_KEYS[code] || "popup_errorGeneric"), true);
}

function setBusy(value) {
  busy = value;
  for (const el of section().querySelectorAll("input, button")) el.disabled = value;
}

/** Sends one change; on success re-renders from the companion's answer. */
async function save(change) {
  if (busy) return null;
  const focused = focusedControl();
  setBusy(true);
  try {
    const answer = await toWorker(MSG.POPUP_TO_SW_SAVE_LOOKUP, { ...change, lang });
    if (answer && answer.ok) render(answer.lookups);
    else showError(answer);
    return answer;
  } finally {
    setBusy(false);
    refocus(focused);
  }
}

function keyBox(provider) {
  const template = document.getElementById("lookup-key");
  const box = template.content.firstElementChild.cloneNode(true);
  const input = box.querySelector(".lookup-key");
  const state = box.querySelector(".lookup-key-state");
  input.placeholder = t("popup_lookupsKeyPlaceholder");
  input.setAttribute("aria-label", t("popup_lookupsKeyLabel", [provider.name]));
  box.querySelector(".lookup-key-save").textContent = t("popup_lookupsKeySave");
  state.dataset.keySet = String(provider.keySet);
  state.textContent = t(provider.keySet ? "popup_lookupsKeySet" : "popup_lookupsKeyMissing");
  box.querySelector(".lookup-key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!KEY.test(key)) {
      showError({ error: { code: "invalid_key" } });
      return;
    }
    const answer = await save({ provider: provider.id, key });
    if (answer && answer.ok) setResult(document.getElementById("lookups-result"), t("popup_lookupsKeySaved"));
  });
  return box;
}

function row(provider) {
  const template = document.getElementById("lookup-row");
  const li = template.content.firstElementChild.cloneNode(true);
  li.dataset.provider = provider.id;
  li.dataset.enabled = String(provider.enabled);
  const checkbox = li.querySelector(".lookup-enabled");
  checkbox.checked = provider.enabled;
  li.querySelector(".lookup-name").textContent = provider.name;
  li.querySelector(".lookup-sends").textContent = provider.sends;
  checkbox.addEventListener("change", async () => {
    const answer = await save({ provider: provider.id, enabled: checkbox.checked });
    if (!answer || !answer.ok) checkbox.checked = provider.enabled; // stays as the companion has it
  });
  if (provider.needsKey) li.append(keyBox(provider));
  return li;
}

function render(lookups) {
  document.getElementById("lookups").replaceChildren(...lookups.providers.map(row));
  // Folded so the popup fits its 600 px; open by itself when a lookup is on, so it is seen.
  if (lookups.providers.some((p) => p.enabled)) document.getElementById("lookups-fold").open = true;
  setResult(document.getElementById("lookups-result"), "");
}

/** Which control had the focus ({provider, className}), so a re-render can give it back. */
function focusedControl() {
  const el = document.activeElement;
  const li = el && el.closest && el.closest("#lookups li");
  return li && el.classList.length ? { provider: li.dataset.provider, className: el.classList[0] } : null;
}

function refocus(control) {
  if (!control) return;
  for (const li of document.querySelectorAll("#lookups li")) {
    if (li.dataset.provider !== control.provider) continue;
    const el = li.getElementsByClassName(control.className)[0];
    if (el) el.focus();
  }
}

/** Shows the section (and asks the companion for the list) only when connected. */
export async function refreshLookups(status) {
  lang = status.lang || "ko";
  const connected = status.state === STATE.CONNECTED;
  section().hidden = !connected;
  if (!connected) {
    document.getElementById("lookups").replaceChildren();
    return;
  }
  const answer = await toWorker(MSG.POPUP_TO_SW_GET_LOOKUPS, { lang });
  if (answer && answer.ok) render(answer.lookups);
  else {
    document.getElementById("lookups").replaceChildren();
    showError(answer);
  }
}
