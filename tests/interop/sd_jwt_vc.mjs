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
import { X509Certificate, createPublicKey } from 'node:crypto';

import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

import { base64urlToJson, serve } from './stdio.mjs';
import { check, es256, validateChain } from './x509.mjs';

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
