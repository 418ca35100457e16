// The device key: a P-256 key pair made by WebCrypto with a private key that cannot be exported,
// and the JWTs the wallet signs with it (key proofs for the issuer, key-binding JWTs).

import { SignJWT, exportJWK } from "../vendor/jose-6.2.18.js";

export async function newDeviceKey() {
  const pair = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" },
    false, // the private key can never leave the browser's key store
    ["sign", "verify"],
  );
  const jwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
}

export const now = () => Math.floor(Date.now() / 1000);

/** OpenID4VCI 1.0 §8.2.1.1: the key proof for the credential request. */
export function keyProof(key, audience, nonce) {
  const claims = { aud: audience, iat: now() };
  if (nonce) claims.nonce = nonce;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", typ: "openid4vci-proof+jwt", jwk: key.publicJwk })
    .sign(key.privateKey);
}

export function signKeyBinding(key, claims) {
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "kb+jwt" }).sign(key.privateKey);
}

export function sameKey(a, b) {
  return !!a && !!b && a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y;
}
