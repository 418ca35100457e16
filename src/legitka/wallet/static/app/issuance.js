// OpenID4VCI 1.0 with a pre-authorized code: the QR code's offer, the activation code as the
// tx_code, a key proof with the wallet's nonce, the credential checked before it is kept, and
// the `credential_accepted` notification. Renewal uses the refresh token: no new QR code (R19).

import { decodeProtectedHeader } from "../vendor/jose-6.2.18.js";
import * as net from "./net.js";
import { WalletError } from "./net.js";
import { keyProof, newDeviceKey, sameKey } from "./keys.js";
import { parse } from "./sdjwt.js";
import * as store from "./store.js";
import { trustList, trustedIssuer, verifyWithCertificate } from "./trust.js";

const PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
const SCHEMES = ["openid-credential-offer:", "haip-vci:", "https:", "http:"];

/** `{uri}` or `{offer}` from what the QR code holds, a wallet link, or a pasted text. */
export function offerReference(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    throw new WalletError("invalid_offer");
  }
  if (!SCHEMES.includes(url.protocol)) throw new WalletError("invalid_offer");
  const uri = url.searchParams.get("credential_offer_uri");
  const value = url.searchParams.get("credential_offer");
  if ((uri === null) === (value === null)) throw new WalletError("invalid_offer");
  if (uri !== null) {
    try {
      const target = new URL(uri);
      if (target.protocol !== "https:" && target.protocol !== "http:") throw new Error();
    } catch {
      throw new WalletError("invalid_offer");
    }
    return { uri };
  }
  try {
    return { offer: JSON.parse(value) };
  } catch {
    throw new WalletError("invalid_offer");
  }
}

export async function resolveOffer(text) {
  const reference = offerReference(text);
  const offer = reference.uri ? await net.json(reference.uri) : reference.offer;
  const grant = offer?.grants?.[PRE_AUTHORIZED];
  if (typeof offer?.credential_issuer !== "string" || !grant?.["pre-authorized_code"]) {
    throw new WalletError("invalid_offer");
  }
  return offer;
}

function wellKnown(identifier, name) {
  const url = new URL(identifier);
  return `${url.origin}/.well-known/${name}${url.pathname.replace(/\/$/, "")}`;
}

async function endpoints(issuer) {
  const metadata = await net.json(wellKnown(issuer, "openid-credential-issuer"));
  if (metadata.credential_issuer !== issuer) throw new WalletError("invalid_offer", "metadata of another issuer");
  const server = (metadata.authorization_servers || [issuer])[0];
  const oauth = await net.json(wellKnown(server, "oauth-authorization-server"));
  return {
    token: oauth.token_endpoint,
    credential: metadata.credential_endpoint,
    nonce: metadata.nonce_endpoint || null,
    notification: metadata.notification_endpoint || null,
  };
}

/** Check what the issuer sent before keeping it; returns the parsed credential. */
async function check(credential, issuer, key, trust) {
  const parsed = await parse(credential);
  const header = decodeProtectedHeader(parsed.jwt);
  trustedIssuer(trust, issuer, header.x5c);
  await verifyWithCertificate(parsed.jwt, header.x5c, "invalid_credential");
  if (header.typ !== "dc+sd-jwt" || parsed.payload.iss !== issuer) {
    throw new WalletError("invalid_credential", "not a student ID of this issuer");
  }
  if (!sameKey(parsed.payload.cnf?.jwk, key.publicJwk)) {
    throw new WalletError("invalid_credential", "not bound to this wallet's key");
  }
  return parsed;
}

async function fetchCredential(record, key, accessToken) {
  let nonce = null;
  if (record.endpoints.nonce) nonce = (await net.json(record.endpoints.nonce, { method: "POST" })).c_nonce;
  const proof = await keyProof(key, record.issuer, nonce);
  const answer = await net.json(
    record.endpoints.credential,
    net.postJson(
      { credential_configuration_id: record.configurationId, proofs: { jwt: [proof] } },
      { Authorization: `Bearer ${accessToken}` },
    ),
  );
  const credential = answer.credentials?.[0]?.credential;
  if (typeof credential !== "string") throw new WalletError("invalid_credential", "no credential in the answer");
  return { credential, notificationId: answer.notification_id };
}

async function notify(record, accessToken, notificationId, event) {
  if (!record.endpoints.notification || !notificationId) return;
  try {
    await fetch(record.endpoints.notification, net.postJson(
      { notification_id: notificationId, event },
      { Authorization: `Bearer ${accessToken}` },
    ));
  } catch {
    // best effort (OpenID4VCI 1.0 §11)
  }
}

async function receive(record, key, accessToken, trust) {
  const { credential, notificationId } = await fetchCredential(record, key, accessToken);
  let parsed;
  try {
    parsed = await check(credential, record.issuer, key, trust);
  } catch (error) {
    await notify(record, accessToken, notificationId, "credential_failure");
    throw error;
  }
  return { credential, parsed, accessToken, notificationId };
}

function recordOf(base, received) {
  const { claims } = received.parsed;
  return {
    ...base,
    credential: received.credential,
    claims,
    updatedAt: Date.now(),
    status: { value: "valid", checkedAt: Date.now() },
  };
}

/** Add the student ID offered by `offerText` (the QR code) with `activationCode`. */
export async function activate(offerText, activationCode) {
  const offer = await resolveOffer(offerText);
  const trust = await trustList();
  if (!trust.entities?.some((e) => e.type === "credential_issuer" && e.id === offer.credential_issuer)) {
    throw new WalletError("untrusted_issuer");
  }
  const found = await endpoints(offer.credential_issuer);
  const grant = offer.grants[PRE_AUTHORIZED];
  const parameters = { grant_type: PRE_AUTHORIZED, "pre-authorized_code": grant["pre-authorized_code"] };
  if (grant.tx_code) parameters.tx_code = activationCode;
  const tokens = await net.json(found.token, net.form(parameters));
  const key = await newDeviceKey();
  const base = {
    issuer: offer.credential_issuer,
    configurationId: (offer.credential_configuration_ids || [])[0],
    endpoints: found,
    refreshToken: tokens.refresh_token || null,
  };
  const received = await receive(base, key, tokens.access_token, trust);
  const record = recordOf(base, received);
  // The new ID and its key replace the old ones together, or not at all (R15: one phone, one ID).
  await store.putAll({ credential: record, "device-key": key });
  await notify(base, received.accessToken, received.notificationId, "credential_accepted");
  return record;
}

/** Fetch the renewed credential with the refresh token, keeping the old one if anything fails. */
export async function renew(record, key) {
  if (!record.refreshToken) throw new WalletError("no_refresh_token");
  const trust = await trustList();
  const tokens = await net.json(
    record.endpoints.token,
    net.form({ grant_type: "refresh_token", refresh_token: record.refreshToken }),
  );
  const base = { ...record, refreshToken: tokens.refresh_token || record.refreshToken };
  const received = await receive(base, key, tokens.access_token, trust);
  const renewed = recordOf(base, received);
  await store.put("credential", renewed);
  await notify(base, received.accessToken, received.notificationId, "credential_accepted");
  return { record: renewed, extended: renewed.claims.exp !== record.claims.exp };
}
