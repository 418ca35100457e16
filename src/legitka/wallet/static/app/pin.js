// The wallet PIN: kept only as a PBKDF2-SHA-256 hash with a random salt; after 5 wrong tries the
// wallet waits before the next one, longer each time. The wallet locks after 5 minutes unused.

import * as store from "./store.js";

const ITERATIONS = 200000;
const TRIES = 5;
export const LOCK_AFTER_MS = 5 * 60 * 1000;
const encoder = new TextEncoder();

async function derive(pin, salt) {
  const material = await crypto.subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: ITERATIONS },
    material,
    256,
  );
  return Array.from(new Uint8Array(bits));
}

export const valid = (pin) => /^[0-9]{4,8}$/.test(pin);

export async function isSet() {
  return !!(await store.get("pin"));
}

export async function set(pin) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  await store.put("pin", { salt: Array.from(salt), hash: await derive(pin, salt), failures: 0, waitUntil: 0 });
}

/** `{ok}`, or `{ok: false, left}` for a wrong PIN, or `{ok: false, wait}` seconds to wait. */
export async function check(pin) {
  const saved = await store.get("pin");
  const current = Date.now();
  if (saved.waitUntil > current) return { ok: false, wait: Math.ceil((saved.waitUntil - current) / 1000) };
  const hash = await derive(pin, Uint8Array.from(saved.salt));
  if (hash.length === saved.hash.length && hash.every((b, i) => b === saved.hash[i])) {
    await store.put("pin", { ...saved, failures: 0, waitUntil: 0 });
    return { ok: true };
  }
  const failures = saved.failures + 1;
  const pause = failures % TRIES === 0 ? 30000 * 2 ** (failures / TRIES - 1) : 0;
  await store.put("pin", { ...saved, failures, waitUntil: pause ? current + pause : 0 });
  return pause ? { ok: false, wait: pause / 1000 } : { ok: false, left: TRIES - (failures % TRIES) };
}
