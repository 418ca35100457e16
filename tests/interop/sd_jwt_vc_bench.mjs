// Verification speed of @sd-jwt/sd-jwt-vc 0.19.0 and @sd-jwt/core 0.19.0, for
// benchmarks/verification.py (timed inside node: the process start is not counted).
//
// The same presentation is verified `per_round` times in each of `rounds` timed rounds (after one
// warm-up round), as the library's users would: the issuer's key from x5c with the chain
// validated to the root (x509.mjs, node's X.509), ES256 with node's crypto, the KB-JWT checked
// against cnf.jwk with the expected nonce.
//
//   vc:   SDJwtVcInstance.verify: also the Status List Token, handed over from memory by
//         statusListFetcher (no HTTP), whose signature the library checks and whose list it
//         inflates on every verification (it keeps no cache);
//   core: SDJwtInstance.verify (@sd-jwt/core): signature, disclosures and KB-JWT, no status.
//
// op bench {presentation, status_token, root_pem, now, nonce, per_round, vc_per_round, rounds}
//   (vc_per_round: fewer, as the 2 000 000-entry list takes the library about half a second)
//   -> {vc: {seconds: [...], per_round}, core: {...}, payload}
import { X509Certificate, createPublicKey } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { SDJwtInstance } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

import { base64urlToJson, serve } from './stdio.mjs';
import { check, es256, validateChain } from './x509.mjs';

function instances(root, now, statusToken) {
  const verifier = async (data, signature) => {
    const [header] = data.split('.', 1).map(base64urlToJson);
    check(header.alg === 'ES256', `unexpected alg ${header.alg}`);
    const chain = validateChain(header.x5c, root, now);
    return es256(createPublicKey({ key: chain.leaf_key, format: 'jwk' }), data, signature);
  };
  const kbVerifier = async (data, signature, payload) => {
    check(payload.cnf?.jwk, 'the credential has no cnf.jwk');
    return es256(createPublicKey({ key: payload.cnf.jwk, format: 'jwk' }), data, signature);
  };
  return {
    vc: new SDJwtVcInstance({
      hasher: digest,
      verifier,
      kbVerifier,
      statusListFetcher: async () => statusToken,
      statusValidator: async (status) => check(status === 0, `status ${status}`),
    }),
    core: new SDJwtInstance({ hasher: digest, verifier, kbVerifier }),
  };
}

async function bench({ presentation, status_token, root_pem, now, nonce, per_round, vc_per_round, rounds }) {
  const root = new X509Certificate(root_pem);
  const made = instances(root, now, status_token);
  const options = { currentDate: now, keyBindingNonce: nonce, requireKeyBindings: true };
  const first = await made.vc.verify(presentation, options);
  check(first.kb?.payload?.nonce === nonce, 'the KB-JWT was not checked');
  await made.core.verify(presentation, options);
  const results = {};
  for (const name of ['vc', 'core']) {
    const count = name === 'vc' ? vc_per_round : per_round;
    const seconds = [];
    for (let round = 0; round < rounds + 1; round += 1) {
      const start = performance.now();
      for (let n = 0; n < count; n += 1) {
        await made[name].verify(presentation, options);
      }
      if (round > 0) seconds.push((performance.now() - start) / 1000);
    }
    results[name] = { seconds, per_round: count };
  }
  return { ...results, payload: first.payload, node: process.version };
}

await serve({ bench });
