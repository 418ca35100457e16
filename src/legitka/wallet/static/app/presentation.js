// OpenID4VP 1.0: the verifier's signed request (by `request_uri`, from its QR code or its 6-digit
// code), who asks and for which data, then the student's answer: the requested disclosures only,
// with a key-binding JWT for the verifier's nonce and client id, encrypted to the verifier's key
// (`direct_post.jwt`); or a refusal.

import { CompactEncrypt, decodeProtectedHeader, importJWK } from "../vendor/jose-6.2.18.js";
import * as net from "./net.js";
import { WalletError } from "./net.js";
import { now } from "./keys.js";
import { present } from "./sdjwt.js";
import { config, trustList, trustedVerifier, verifyWithCertificate } from "./trust.js";
import { describe, hashOf } from "./x509.js";

const ENCRYPTIONS = ["A128GCM", "A256GCM"];
const encoder = new TextEncoder();

/** The `openid4vp://` request link from a scanned QR code or a typed 6-digit code. */
export async function requestLink(text) {
  const value = String(text).trim();
  if (/^\d{6}$/.test(value)) {
    const settings = await config();
    return (await net.json(`${settings.verifier_codes}${value}`)).uri;
  }
  return value;
}

async function checkClientId(clientId, leaf, description) {
  const [prefix, ...rest] = clientId.split(":");
  const value = rest.join(":");
  if (prefix === "x509_hash" && value === (await hashOf(leaf))) return;
  if (prefix === "x509_san_dns" && description.dnsNames.includes(value)) return;
  throw new WalletError("untrusted_verifier", "the client id does not match the certificate");
}

/** Read and check the verifier's request; returns what the consent screen shows. */
export async function open(text, record) {
  let link;
  try {
    link = new URL(await requestLink(text));
  } catch (error) {
    if (error instanceof WalletError) throw error;
    throw new WalletError("bad_request_object");
  }
  const requestUri = link.searchParams.get("request_uri");
  const clientId = link.searchParams.get("client_id");
  if (link.protocol !== "openid4vp:" || !requestUri || !clientId) throw new WalletError("bad_request_object");
  const jwt = await net.text(requestUri, { headers: { Accept: "application/oauth-authz-req+jwt" } });
  let header;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new WalletError("bad_request_object");
  }
  if (header.typ !== "oauth-authz-req+jwt" || !Array.isArray(header.x5c)) throw new WalletError("bad_request_object");
  trustedVerifier(await trustList(), header.x5c);
  const request = await verifyWithCertificate(jwt, header.x5c, "untrusted_verifier");
  const who = describe(header.x5c[0]);
  await checkClientId(request.client_id, header.x5c[0], who);
  if (request.client_id !== clientId || request.response_type !== "vp_token"
      || request.response_mode !== "direct_post.jwt" || !request.response_uri || !request.nonce
      || (request.exp && request.exp < now())) {
    throw new WalletError("bad_request_object");
  }
  const query = (request.dcql_query?.credentials || []).find(
    (q) => q.format === "dc+sd-jwt" && (q.meta?.vct_values || []).includes(record?.claims?.vct),
  );
  if (!record) throw new WalletError("no_credential");
  if (!query) throw new WalletError("no_matching_credential");
  const names = (query.claims || []).map((claim) => claim.path?.[0]).filter((n) => typeof n === "string");
  const disclosable = new Set(Object.keys(record.claims));
  const missing = names.filter((n) => !disclosable.has(n) && !["exp", "iss", "vct", "iat", "nbf", "status", "cnf"].includes(n));
  if (missing.length) throw new WalletError("no_matching_credential");
  return {
    request,
    queryId: query.id,
    names,
    who: who.organization || who.commonName,
    host: who.dnsNames[0] || new URL(request.response_uri).host,
  };
}

async function answer(request, payload) {
  const keys = request.client_metadata?.jwks?.keys || [];
  const jwk = keys.find((k) => k.use === "enc" || k.alg === "ECDH-ES") || keys[0];
  if (!jwk) throw new WalletError("bad_request_object", "the verifier names no encryption key");
  const offered = request.client_metadata?.encrypted_response_enc_values_supported || ["A128GCM"];
  const enc = offered.find((value) => ENCRYPTIONS.includes(value));
  if (!enc) throw new WalletError("bad_request_object", "no supported response encryption");
  const key = await importJWK(jwk, "ECDH-ES");
  const header = { alg: "ECDH-ES", enc };
  if (jwk.kid) header.kid = jwk.kid;
  const jwe = await new CompactEncrypt(encoder.encode(JSON.stringify(payload))).setProtectedHeader(header).encrypt(key);
  return net.json(request.response_uri, net.form({ response: jwe }));
}

/** Share the requested data; returns the verifier's answer (maybe a `redirect_uri`). */
export async function share(opened, record, deviceKey) {
  const presentation = await present(record.credential, opened.names, deviceKey, {
    audience: opened.request.client_id,
    nonce: opened.request.nonce,
  });
  return answer(opened.request, {
    vp_token: { [opened.queryId]: [presentation] },
    state: opened.request.state,
  });
}

/** Tell the verifier the student declined (OpenID4VP 1.0 §8.5: `access_denied`). */
export async function decline(opened) {
  const values = { error: "access_denied", error_description: "The holder declined" };
  if (opened.request.state) values.state = opened.request.state;
  return net.json(opened.request.response_uri, net.form(values));
}
