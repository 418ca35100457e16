// HTTP for the wallet: every failure becomes a WalletError with a code the screens can explain.

import { lang } from "./i18n.js";

export class WalletError extends Error {
  /** `code` is a local reason or the server's OAuth error; `serverMessage` the server's words. */
  constructor(code, serverMessage = "", details = {}) {
    super(serverMessage || code);
    this.code = code;
    this.serverMessage = serverMessage;
    this.details = details;
  }
}

async function send(url, init) {
  let response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { "Accept-Language": lang, ...(init.headers || {}) },
      cache: "no-store",
    });
  } catch {
    throw new WalletError("no_connection");
  }
  return response;
}

async function errorOf(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // not JSON: fall through to the status code
  }
  const code = body.error || body.code || (response.status === 429 ? "too_many" : `http_${response.status}`);
  const message = body.error_message || body.detail || body.error_description || "";
  return new WalletError(code, message, { status: response.status });
}

/** The JSON answer of a request; an answer of 400 or more raises its error. */
export async function json(url, init = {}) {
  const response = await send(url, init);
  if (!response.ok) throw await errorOf(response);
  try {
    return await response.json();
  } catch {
    throw new WalletError("invalid_response");
  }
}

/** The text answer of a request (a JWT); an answer of 400 or more raises its error. */
export async function text(url, init = {}) {
  const response = await send(url, init);
  if (!response.ok) throw await errorOf(response);
  return response.text();
}

export function form(values) {
  return {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(values).toString(),
  };
}

export function postJson(value, headers = {}) {
  return {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(value),
  };
}
