// A verifier of SD-JWT VCs built on @sd-jwt/sd-jwt-vc 0.19.0 (SDJwtVcInstance) with
// @sd-jwt/crypto-nodejs 0.19.0 for hashing, and X.509 from node's crypto.X509Certificate.
//
// The issuer's key comes from the x5c header, whose chain is validated here to the root CA the
// test passes in (HAIP: the root is never in x5c, the leaf is not self-signed; every signature,
// validity period and CA flag is checked). The same verifier checks the status list token, which
// the library fetches over HTTP with its own default fetcher; the status it reads is recorded by
// our statusValidator, which rejects anything but 0 (VALID) as the library's default one does.
// The key-binding JWT is checked against cnf.jwk of the credential.
//
// ops:
//   verify {root_pem, now, cases: [{sd_jwt, required_claim_keys?, key_binding_nonce?, type_metadata?,
//                                   root_pem?}]}
//       -> {results: [{verified, payload, header, kb, type_metadata, error, chains, statuses,
//                      fetched}]}
//   decode {sd_jwt} -> {claims, disclosures: [{key, value}]}
import { X509Certificate, createPublicKey, verify as verifySignature } from 'node:crypto';

import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

import { base64urlToJson, serve } from './stdio.mjs';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function checkValidity(certificate, now, what) {
  const seconds = (text) => Math.floor(Date.parse(text) / 1000);
  check(seconds(certificate.validFrom) <= now, `${what} is not yet valid (${certificate.validFrom})`);
  check(now <= seconds(certificate.validTo), `${what} has expired (${certificate.validTo})`);
}

// The x5c chain (leaf first) up to `root`; returns what was checked, throws on any failure.
function validateChain(x5c, root, now) {
  check(Array.isArray(x5c) && x5c.length > 0, 'the JWT has no x5c header');
  const chain = x5c.map((der) => new X509Certificate(Buffer.from(der, 'base64')));
  const [leaf] = chain;
  check(!chain.some((c) => c.fingerprint256 === root.fingerprint256), 'x5c contains the root CA (HAIP)');
  check(!(leaf.checkIssued(leaf) && leaf.verify(leaf.publicKey)), 'the x5c leaf is self-signed (HAIP)');
  check(!leaf.ca, 'the x5c leaf is a CA certificate');
  const issuers = [...chain.slice(1), root];
  chain.forEach((certificate, index) => {
    const issuer = issuers[index];
    check(issuer.ca, `${issuer.subject} is not a CA`);
    check(certificate.checkIssued(issuer), `${certificate.subject} is not issued by ${issuer.subject}`);
    check(certificate.verify(issuer.publicKey), `the signature on ${certificate.subject} does not verify`);
    checkValidity(certificate, now, `certificate ${certificate.subject}`);
  });
  checkValidity(root, now, 'the root CA');
  return {
    length: chain.length,
    leaf_subject: leaf.subject,
    leaf_issuer: leaf.issuer,
    root_subject: root.subject,
    leaf_self_signed: leaf.checkIssued(leaf),
    leaf_key: leaf.publicKey.export({ format: 'jwk' }),
  };
}

function es256(key, data, signature) {
  const options = { key, dsaEncoding: 'ieee-p1363' };
  return verifySignature('sha256', Buffer.from(data), options, Buffer.from(signature, 'base64url'));
}

async function verifyCase(options, trusted, now) {
  const { sd_jwt, required_claim_keys, key_binding_nonce, type_metadata, root_pem } = options;
  const root = root_pem ? new X509Certificate(root_pem) : trusted;
  const chains = [];
  const statuses = [];
  const fetched = [];
  const realFetch = globalThis.fetch;
  // The library's own fetchers use the global fetch: record what they asked for and got.
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    fetched.push({
      url: String(input),
      accept: init?.headers?.Accept ?? null,
      status: response.status,
      content_type: response.headers.get('content-type'),
    });
    return response;
  };
  const instance = new SDJwtVcInstance({
    hasher: digest,
    // Issuer-signed JWTs: the credential and the status list token.
    verifier: async (data, signature) => {
      const [header, payload] = data.split('.').map(base64urlToJson);
      check(header.alg === 'ES256', `unexpected alg ${header.alg}`);
      const chain = validateChain(header.x5c, root, now);
      // The library checks neither typ nor, for a status list token, that sub is its URI.
      chains.push({ typ: header.typ, sub: payload.sub ?? null, ...chain });
      return es256(createPublicKey({ key: chain.leaf_key, format: 'jwk' }), data, signature);
    },
    kbVerifier: async (data, signature, payload) => {
      check(payload.cnf?.jwk, 'the credential has no cnf.jwk');
      return es256(createPublicKey({ key: payload.cnf.jwk, format: 'jwk' }), data, signature);
    },
    statusValidator: async (status) => {
      statuses.push(status);
      if (status !== 0) throw new Error(`the credential's status is ${status}, not 0 (VALID)`);
    },
    // The library then fetches the Type Metadata at the vct URL and validates its format.
    loadTypeMetadataFormat: Boolean(type_metadata),
  });
  try {
    const result = await instance.verify(sd_jwt, {
      currentDate: now,
      requiredClaimKeys: required_claim_keys,
      keyBindingNonce: key_binding_nonce,
    });
    return {
      verified: true,
      payload: result.payload,
      header: result.header,
      kb: result.kb ?? null,
      type_metadata: result.typeMetadata?.mergedTypeMetadata ?? null,
      chains,
      statuses,
      fetched,
    };
  } catch (error) {
    return { verified: false, error: String(error?.message ?? error), chains, statuses, fetched };
  } finally {
    globalThis.fetch = realFetch;
  }
}

await serve({
  verify: async ({ root_pem, now, cases }) => {
    const root = new X509Certificate(root_pem);
    const results = [];
    for (const one of cases) {
      results.push(await verifyCase(one, root, now));
    }
    return { results };
  },

  decode: async ({ sd_jwt }) => {
    const instance = new SDJwtVcInstance({ hasher: digest });
    const decoded = await instance.decode(sd_jwt);
    return {
      claims: await instance.getClaims(sd_jwt),
      disclosures: decoded.disclosures.map((d) => ({ key: d.key, value: d.value })),
    };
  },
});
