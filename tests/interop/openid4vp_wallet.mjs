// A wallet built on @openid4vc/openid4vp 0.4.6 (Openid4vpClient) and @sd-jwt/sd-jwt-vc 0.19.0,
// run against a real legitka verifier: OpenID4VP 1.0 with a signed request object fetched by
// request_uri, an x509_hash (or x509_san_dns) client id, DCQL and a direct_post.jwt response.
//
// The library parses the QR code's URI, fetches the request object and calls our callbacks:
// verifyJwt validates the x5c chain to the root the test passes in (x509.mjs) and checks ES256
// with the leaf's key; hash, fetch and getX509CertificateMetadata come from node. The library
// then checks the client id against the leaf (x509_hash: the base64url SHA-256 of its DER).
// `present` builds the SD-JWT+KB with SDJwtVcInstance.present (the disclosures the DCQL query
// names, a KB-JWT signed with the holder's private JWK), the library wraps it in the
// authorization response and encrypts it through encryptJwe, written here: ECDH-ES (direct key
// agreement on P-256, Concat KDF of RFC 7518 §4.6) with A128GCM or A256GCM. The library posts it
// to response_uri. `now` (seconds) is the server's fixed clock: the wallet's clock (setClock), the
// chain's validity and the KB's iat.
//
// ops:
//   resolve {qr_uri, root_pem, now}
//       -> {request, client, jar_header, dcql, version, http} or {failed, http}
//   present {qr_uri, root_pem, now, credential, holder_jwk,
//            nonce?, aud?, tamper?: "disclosure"}
//       -> {request, presentation, disclosed, jwe_header, status, body, http} or {failed, http}
//     nonce and aud replace the request's nonce and client_id in the KB-JWT; "disclosure"
//     changes the value of one disclosed claim and signs a new KB-JWT over the changed
//     presentation (so that only the disclosure is wrong).
import {
  X509Certificate,
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';

import { setGlobalConfig } from '@openid4vc/oauth2';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

import { serve } from './stdio.mjs';
import { check, es256, validateChain } from './x509.mjs';

setGlobalConfig({ allowInsecureUrls: true }); // the test server listens on http://127.0.0.1

const ENCRYPTION_METADATA = {
  authorization_encryption_alg_values_supported: ['ECDH-ES'],
  authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
  authorization_signing_alg_values_supported: ['ES256'],
};

// The wallet's clock is the server's fixed clock: the library checks the request object's iat
// and exp against `new Date()`, with no option to pass a time, so Date itself is set to `now`.
function setClock(now) {
  const RealDate = Date;
  globalThis.Date = class ServerDate extends RealDate {
    constructor(...args) {
      super(...(args.length > 0 ? args : [now * 1000]));
    }

    static now() {
      return now * 1000;
    }
  };
}

function json64(value) {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function uint32(value) {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

function lengthPrefixed(data) {
  return Buffer.concat([uint32(data.length), data]);
}

// Concat KDF (NIST SP 800-56A) as JWA §4.6.2 uses it for ECDH-ES: one SHA-256 round suffices.
function concatKdf(secret, enc, apu, apv, keyBits) {
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(enc, 'ascii')),
    lengthPrefixed(apu),
    lengthPrefixed(apv),
    uint32(keyBits),
  ]);
  return createHash('sha256').update(Buffer.concat([uint32(1), secret, otherInfo])).digest().subarray(0, keyBits / 8);
}

// The library's encryptJwe callback: a compact JWE with ECDH-ES and AES-GCM.
function encryptJwe(encryptor, plaintext) {
  check(encryptor.alg === 'ECDH-ES', `alg ${encryptor.alg} is not expected`);
  const keyBits = { A128GCM: 128, A256GCM: 256 }[encryptor.enc];
  check(keyBits !== undefined, `enc ${encryptor.enc} is not expected`);
  const recipient = encryptor.publicJwk;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const header = { alg: 'ECDH-ES', enc: encryptor.enc, epk: { kty, crv, x, y } };
  if (recipient.kid !== undefined) header.kid = recipient.kid;
  if (encryptor.apu !== undefined) header.apu = encryptor.apu;
  if (encryptor.apv !== undefined) header.apv = encryptor.apv;
  const { kty: rkty, crv: rcrv, x: rx, y: ry } = recipient;
  const secret = diffieHellman({
    privateKey,
    publicKey: createPublicKey({ key: { kty: rkty, crv: rcrv, x: rx, y: ry }, format: 'jwk' }),
  });
  const fromB64 = (value) => (value === undefined ? Buffer.alloc(0) : Buffer.from(value, 'base64url'));
  const key = concatKdf(secret, encryptor.enc, fromB64(encryptor.apu), fromB64(encryptor.apv), keyBits);
  const protectedHeader = json64(header);
  const iv = randomBytes(12);
  const cipher = createCipheriv(`aes-${keyBits}-gcm`, key, iv);
  cipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const jwe = [protectedHeader, '', iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
  return { encryptionJwk: recipient, jwe };
}

function sanNames(certificate) {
  const names = (certificate.subjectAltName ?? '').split(',').map((name) => name.trim());
  const values = (prefix) => names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  return { sanDnsNames: values('DNS:'), sanUriNames: values('URI:') };
}

function callbacks(root, now, http, verified) {
  return {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      http.push([(init?.method ?? 'GET').toUpperCase(), String(input), response.status, response.headers.get('content-type')]);
      return response;
    },
    hash: (data, alg) => {
      check(alg === 'sha-256', `hash ${alg} not expected`);
      return new Uint8Array(createHash('sha256').update(data).digest());
    },
    verifyJwt: async (signer, { header, compact }) => {
      check(signer.method === 'x5c' && header.alg === 'ES256', `unexpected signer ${signer.method} ${header.alg}`);
      const chain = validateChain(signer.x5c, root, now);
      const [data, signature] = [compact.split('.').slice(0, 2).join('.'), compact.split('.')[2]];
      const ok = es256(createPublicKey({ key: chain.leaf_key, format: 'jwk' }), data, signature);
      verified.push({ header, chain });
      return ok ? { verified: true, signerJwk: chain.leaf_key } : { verified: false };
    },
    getX509CertificateMetadata: (certificate) => sanNames(new X509Certificate(Buffer.from(certificate, 'base64'))),
    decryptJwe: () => {
      throw new Error('a wallet decrypts nothing here');
    },
    encryptJwe,
    signJwt: () => {
      throw new Error('the response is encrypted, not signed');
    },
  };
}

function describe(error) {
  const failed = { name: error?.constructor?.name ?? typeof error, message: String(error?.message ?? error) };
  if (error?.errorResponse !== undefined) failed.error_response = error.errorResponse;
  return failed;
}

async function resolveRequest({ qr_uri, root_pem, now }, http) {
  setClock(now);
  const verified = [];
  const client = new Openid4vpClient({ callbacks: callbacks(new X509Certificate(root_pem), now, http, verified) });
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: qr_uri });
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
  return { client, resolved, verified };
}

function summary(resolved, verified) {
  const { prefix, identifier, effective, original, x5c } = resolved.client;
  return {
    request: resolved.authorizationRequestPayload,
    client: { prefix, identifier, effective, original, x5c_length: x5c?.length ?? 0 },
    jar_header: resolved.jar?.jwt?.header ?? null,
    jar_sent_by: resolved.jar?.sendBy ?? null,
    verified: verified.map(({ header, chain }) => ({ typ: header.typ, leaf_subject: chain.leaf_subject, root_subject: chain.root_subject })),
    dcql: resolved.dcql?.query ?? null,
    version: resolved.version,
  };
}

async function resolve(payload) {
  const http = [];
  try {
    const { resolved, verified } = await resolveRequest(payload, http);
    return { ...summary(resolved, verified), http };
  } catch (error) {
    return { failed: describe(error), http };
  }
}

function kbSigner(holderJwk) {
  const key = createPrivateKey({ key: holderJwk, format: 'jwk' });
  return async (data) => sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

// The presentation the DCQL query asks for, made by the library from the issued credential.
async function presentation(instance, credential, query, kb) {
  const [wanted] = query.credentials;
  const frame = Object.fromEntries(wanted.claims.map(({ path }) => [path[0], true]));
  return instance.present(credential, frame, { kb: { payload: kb } });
}

// One disclosure's value changed, then a KB-JWT made by the library over the changed SD-JWT.
async function tamperDisclosure(instance, made, kb) {
  const parts = made.split('~');
  const kbIndex = parts.length - 1;
  const [salt, name, value] = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  const changed = typeof value === 'string' ? `${value}X` : { changed: value };
  parts[1] = json64([salt, name, changed]);
  const body = `${parts.slice(0, kbIndex).join('~')}~`;
  const sdHash = Buffer.from(await digest(body, 'sha-256')).toString('base64url');
  const kbJwt = await instance.createKBJwt({ payload: kb }, sdHash);
  return { presentation: `${body}${kbJwt.encodeJwt()}`, changed: name };
}

async function present(payload) {
  const http = [];
  const { credential, holder_jwk, now, nonce, aud, tamper } = payload;
  try {
    const { client, resolved, verified } = await resolveRequest(payload, http);
    const request = resolved.authorizationRequestPayload;
    const instance = new SDJwtVcInstance({ hasher: digest, kbSigner: kbSigner(holder_jwk), kbSignAlg: 'ES256' });
    const kb = { iat: now, aud: aud ?? request.client_id, nonce: nonce ?? request.nonce };
    let made = await presentation(instance, credential, resolved.dcql.query, kb);
    let changed = null;
    if (tamper === 'disclosure') ({ presentation: made, changed } = await tamperDisclosure(instance, made, kb));
    const disclosed = Object.keys(await instance.getClaims(made));
    const [queryId] = resolved.dcql.query.credentials.map((c) => c.id);
    const response = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: { vp_token: { [queryId]: [made] } },
      jarm: { encryption: { nonce: randomBytes(16).toString('base64url') }, serverMetadata: ENCRYPTION_METADATA },
    });
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: response.authorizationResponsePayload,
      jarm: { responseJwt: response.jarm.responseJwt },
    });
    const text = await submitted.response.text();
    return {
      ...summary(resolved, verified),
      presentation: made,
      changed,
      disclosed,
      response_mode: submitted.responseMode,
      jwe_header: JSON.parse(Buffer.from(response.jarm.responseJwt.split('.')[0], 'base64url').toString('utf8')),
      status: submitted.response.status,
      body: text ? JSON.parse(text) : null,
      http,
    };
  } catch (error) {
    return { failed: describe(error), http };
  }
}

await serve({ resolve, present });
