/*
 * The only code that talks to the companion on 127.0.0.1. Each call has a ~5 s timeout
 * (AbortController) and one retry on a network error, timeout or 5xx; a 4xx is final.
 * Answers are {ok: true, data} or {ok: false, status, error: {code, message}} where code is
 * "offline" (nothing answered), "unpaired" (401 / no token) or the companion's own code.
 */
import { getSettings } from "./settings.js";

const TIMEOUT_MS = 5000;
const RETRIES = 1;

async function once(url, init) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await fetch(url, { ...init, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

/** request("/health") or request("/diagnose", {method: "POST", body, auth: true}). */
export async function request(path, { method = "GET", body, auth = true } = {}) {
  const { port, token } = await getSettings();
  if (auth && !token) return { ok: false, status: 0, error: { code: "unpaired", message: "not paired" } };
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) headers.Authorization = `Bearer ${token}`;
  const init = {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
    redirect: "error",
  };
  const url = `http://127.0.0.1:${port}/v1${path}`;
  let last = { ok: false, status: 0, error: { code: "offline", message: "the companion did not answer" } };
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    let response;
    try {
      response = await once(url, init);
    } catch {
      continue; // refused, reset or timed out: retry once
    }
    const data = await response.json().catch(() => null);
    if (response.ok) return { ok: true, status: response.status, data };
    const error = (data && data.error) || { code: `http_${response.status}`, message: response.statusText };
    last = { ok: false, status: response.status, error };
    if (response.status === 401) last.error = { ...error, code: "unpaired" };
    if (response.status < 500) break;
  }
  return last;
}
