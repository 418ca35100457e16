// Whom the wallet trusts: the deployment's trust list (/trust/list.json), fetched from the same
// origin that serves the wallet's own code, and kept for offline use. An issuer is trusted when
// its certificate (x5c[0]) is listed for it; a verifier when its certificate is listed as one.

import { base64url, compactVerify, importX509 } from "../vendor/jose-6.2.18.js";
import * as net from "./net.js";
import * as store from "./store.js";
import { pemOf } from "./x509.js";

const CONFIG = "/wallet/config.json";

export async function config() {
  try {
    const value = await net.json(CONFIG);
    await store.put("config", value);
    return value;
  } catch (error) {
    const saved = await store.get("config");
    if (saved) return saved;
    throw error;
  }
}

function payloadOf(document) {
  const text = new TextDecoder().decode(base64url.decode(document.payload));
  return JSON.parse(text);
}

/** The trust list's payload, fresh when the network answers, else the cached one. */
export async function trustList() {
  const settings = await config();
  try {
    const document = await net.json(settings.trust_list);
    const payload = payloadOf(document);
    await store.put("trust", payload);
    return payload;
  } catch (error) {
    const saved = await store.get("trust");
    if (saved) return saved;
    throw error;
  }
}

export function issuerEntity(list, issuerId) {
  return (list.entities || []).find((e) => e.type === "credential_issuer" && e.id === issuerId);
}

/** The issuer entity when `x5c` (a JWS header's chain) is one of `issuerId`'s certificates. */
export function trustedIssuer(list, issuerId, x5c) {
  const entity = issuerEntity(list, issuerId);
  if (!entity || !Array.isArray(x5c) || !entity.certificates.includes(x5c[0])) {
    throw new net.WalletError("untrusted_issuer");
  }
  return entity;
}

export function trustedVerifier(list, x5c) {
  const entity = (list.entities || []).find(
    (e) => e.type === "verifier" && Array.isArray(x5c) && e.certificates.includes(x5c[0]),
  );
  if (!entity) throw new net.WalletError("untrusted_verifier");
  return entity;
}

/** Verify a compact JWS with the certificate `x5c[0]` of its header; returns the payload. */
export async function verifyWithCertificate(jws, x5c, code) {
  try {
    const key = await importX509(pemOf(x5c[0]), "ES256");
    const { payload } = await compactVerify(jws, key, { algorithms: ["ES256"] });
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new net.WalletError(code, "the signature does not verify");
  }
}
