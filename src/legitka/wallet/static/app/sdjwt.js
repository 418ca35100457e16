// SD-JWT (RFC 9901) as the wallet needs it: read the issued credential and its disclosures,
// and present a chosen subset with a key-binding JWT (§4.3).

import { base64url, decodeJwt, decodeProtectedHeader } from "../vendor/jose-6.2.18.js";
import { WalletError } from "./net.js";
import { now, signKeyBinding } from "./keys.js";

const encoder = new TextEncoder();

async function sha256(text) {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

function decodeDisclosure(text) {
  try {
    const value = JSON.parse(new TextDecoder().decode(base64url.decode(text)));
    if (Array.isArray(value) && value.length === 3 && typeof value[1] === "string") return value;
  } catch {
    // reported below
  }
  throw new WalletError("invalid_credential", "a disclosure cannot be read");
}

/** `{jwt, header, payload, disclosures: [{text, name, value}], claims}` of an issued SD-JWT. */
export async function parse(credential) {
  if (typeof credential !== "string" || !credential.includes("~")) {
    throw new WalletError("invalid_credential", "not an SD-JWT");
  }
  const [jwt, ...rest] = credential.split("~");
  let header;
  let payload;
  try {
    header = decodeProtectedHeader(jwt);
    payload = decodeJwt(jwt);
  } catch {
    throw new WalletError("invalid_credential", "the issuer-signed JWT cannot be read");
  }
  const digests = new Set(payload._sd || []);
  const claims = { ...payload };
  delete claims._sd;
  delete claims._sd_alg;
  const disclosures = [];
  for (const text of rest.filter((part) => part !== "")) {
    const [, name, value] = decodeDisclosure(text);
    if (!digests.has(await sha256(text))) {
      throw new WalletError("invalid_credential", `the disclosure of ${name} is not in the credential`);
    }
    disclosures.push({ text, name, value });
    claims[name] = value;
  }
  return { jwt, header, payload, disclosures, claims };
}

/** The SD-JWT+KB presentation disclosing only `names`, for `audience` and its `nonce`. */
export async function present(credential, names, key, { audience, nonce, issuedAt = now() }) {
  const parsed = await parse(credential);
  const chosen = parsed.disclosures.filter((d) => names.includes(d.name)).map((d) => d.text);
  const base = `${[parsed.jwt, ...chosen].join("~")}~`;
  const kb = await signKeyBinding(key, { iat: issuedAt, aud: audience, nonce, sd_hash: await sha256(base) });
  return base + kb;
}
