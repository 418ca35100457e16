// Is the ID still valid? Its validity date, and its entry in the issuer's status list (Token
// Status List: a JWT signed by the issuer, 2 bits per ID: 0 valid, 1 invalid, 2 suspended).

import { base64url, decodeJwt, decodeProtectedHeader } from "../vendor/jose-6.2.18.js";
import * as net from "./net.js";
import { WalletError } from "./net.js";
import { now } from "./keys.js";
import { trustList, trustedIssuer, verifyWithCertificate } from "./trust.js";

const VALUES = { 0: "valid", 1: "revoked", 2: "suspended" };

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The status (`valid`, `revoked`, `suspended`) the issuer publishes for `record`. */
export async function published(record) {
  const reference = record.claims.status?.status_list;
  if (!reference) return "valid";
  const token = await net.text(reference.uri, { headers: { Accept: "application/statuslist+jwt" } });
  let header;
  let claims;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw new WalletError("status_unavailable", "the status list cannot be read");
  }
  trustedIssuer(await trustList(), record.issuer, header.x5c);
  await verifyWithCertificate(token, header.x5c, "status_unavailable");
  if (header.typ !== "statuslist+jwt" || claims.sub !== reference.uri || (claims.exp && claims.exp < now())) {
    throw new WalletError("status_unavailable", "not a current status list of this ID");
  }
  const bits = claims.status_list.bits;
  const list = await inflate(base64url.decode(claims.status_list.lst));
  const perByte = 8 / bits;
  const byte = list[Math.floor(reference.idx / perByte)];
  if (byte === undefined) throw new WalletError("status_unavailable", "the index is outside the list");
  const value = (byte >> ((reference.idx % perByte) * bits)) & ((1 << bits) - 1);
  return VALUES[value] || "revoked";
}

/** What the card shows: `{state: valid|expired|revoked|suspended, checked: bool}`. */
export async function check(record) {
  if (record.claims.exp && record.claims.exp < now()) return { value: "expired", checkedAt: Date.now(), online: true };
  try {
    return { value: await published(record), checkedAt: Date.now(), online: true };
  } catch (error) {
    if (error.code === "no_connection" || error.code === "status_unavailable") {
      return { ...(record.status || { value: "valid" }), online: false };
    }
    throw error;
  }
}
