// The few things the wallet reads from an X.509 certificate: who it names (organization and
// common name) and its DNS names. A minimal DER walker (ITU-T X.690): the certificate's
// signature is not checked here; certificates are trusted by being listed in the trust list.

import { base64url } from "../vendor/jose-6.2.18.js";

function read(bytes, offset) {
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + bytes[start + i];
    start += count;
  }
  return { tag, start, end: start + length };
}

function children(bytes, node) {
  const items = [];
  let offset = node.start;
  while (offset < node.end) {
    const item = read(bytes, offset);
    items.push(item);
    offset = item.end;
  }
  return items;
}

function oid(bytes, node) {
  return Array.from(bytes.slice(node.start, node.end), (b) => b.toString(16).padStart(2, "0")).join("");
}

const text = (bytes, node) => new TextDecoder().decode(bytes.slice(node.start, node.end));
const ORGANIZATION = "55040a";
const COMMON_NAME = "550403";
const SUBJECT_ALT_NAME = "551d11";

export function derOf(x5cEntry) {
  return Uint8Array.from(atob(x5cEntry), (c) => c.charCodeAt(0));
}

export function pemOf(x5cEntry) {
  const lines = x5cEntry.match(/.{1,64}/g).join("\n");
  return `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----`;
}

/** `{organization, commonName, dnsNames}` of a base64 DER certificate. */
export function describe(x5cEntry) {
  const bytes = derOf(x5cEntry);
  const certificate = read(bytes, 0);
  const tbs = children(bytes, read(bytes, certificate.start));
  const fields = tbs[0].tag === 0xa0 ? tbs.slice(1) : tbs; // skip the explicit version
  const subject = fields[4];
  const names = {};
  for (const set of children(bytes, subject)) {
    for (const pair of children(bytes, set)) {
      const [type, value] = children(bytes, pair);
      names[oid(bytes, type)] = text(bytes, value);
    }
  }
  const dnsNames = [];
  const extensions = fields.find((field) => field.tag === 0xa3);
  if (extensions) {
    for (const extension of children(bytes, children(bytes, extensions)[0])) {
      const parts = children(bytes, extension);
      if (oid(bytes, parts[0]) !== SUBJECT_ALT_NAME) continue;
      const value = parts[parts.length - 1];
      for (const name of children(bytes, read(bytes, value.start))) {
        if (name.tag === 0x82) dnsNames.push(text(bytes, name));
      }
    }
  }
  return { organization: names[ORGANIZATION] || "", commonName: names[COMMON_NAME] || "", dnsNames };
}

/** base64url(SHA-256(DER)), what an `x509_hash:` client identifier carries. */
export async function hashOf(x5cEntry) {
  const digest = await crypto.subtle.digest("SHA-256", derOf(x5cEntry));
  return base64url.encode(new Uint8Array(digest));
}
