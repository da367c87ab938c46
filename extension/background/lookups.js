/*
 * Live lookups (optional): which providers the companion may ask, through GET/PUT /v1/settings.
 * Everything is off until the user turns a provider on in the popup. The UNI-PASS key goes
 * from the popup to the companion once and is never read back (the companion only says key_set).
 */
import "../common/messages.js";
import { request } from "./companion-client.js";

const { LANGS } = globalThis.ParcelDoctor;
const PROVIDER_ID = /^[a-z][a-z0-9.]{1,39}$/;
const KEY = /^[A-Za-z0-9_-]{8,64}$/;

function langOf(message) {
  return LANGS.includes(message.lang) ? message.lang : "ko";
}

/** The companion's answer as a list in its own order, with only the fields the popup shows. */
function shown(data) {
  const providers = data && data.providers && typeof data.providers === "object" ? data.providers : {};
  return {
    providers: Object.entries(providers)
      .filter(([id, p]) => PROVIDER_ID.test(id) && p && typeof p.name === "string")
      .map(([id, p]) => ({
        id,
        name: p.name,
        sends: typeof p.sends === "string" ? p.sends : "",
        enabled: p.enabled === true,
        needsKey: p.needs_key === true,
        keySet: p.key_set === true,
      })),
  };
}

function answerOf(response) {
  if (!response.ok) return { ok: false, error: { code: response.error.code } };
  return { ok: true, lookups: shown(response.data) };
}

/** {lang} -> {ok, lookups: {providers: [{id, name, sends, enabled, needsKey, keySet}]}} */
export async function getLookups(message) {
  return answerOf(await request(`/settings?lang=${langOf(message)}`));
}

/** {provider, lang, enabled?, key?} -> the same as getLookups, or {ok: false, error: {code}} */
export async function saveLookup(message) {
  const id = message.provider;
  if (typeof id !== "string" || !PROVIDER_ID.test(id)) return { ok: false, error: { code: "bad_provider" } };
  const entry = {};
  if (message.enabled !== undefined) {
    if (typeof message.enabled !== "boolean") return { ok: false, error: { code: "bad_enabled" } };
    entry.enabled = message.enabled;
  }
  if (message.key !== undefined) {
    if (typeof message.key !== "string" || !KEY.test(message.key)) return { ok: false, error: { code: "invalid_key" } };
    entry.key = message.key;
  }
  if (Object.keys(entry).length === 0) return { ok: false, error: { code: "nothing_to_save" } };
  const body = { providers: { [id]: entry } };
  return answerOf(await request(`/settings?lang=${langOf(message)}`, { method: "PUT", body }));
}
