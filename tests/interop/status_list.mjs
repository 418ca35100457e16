// Token Status List through @sd-jwt/jwt-status-list 0.19.0 (and ES256 from @sd-jwt/crypto-nodejs).
//
// ops:
//   decode      {lists: [{bits, lst, indexes}]}         -> {results: [{size, bits, statuses}]}
//   encode      {lists: [{size, bits, entries}]}        -> {results: [{status_list}]}
//   read_token  {jwt, jwk, indexes}                     -> {signature_valid, header, claims, size, bits, statuses}
//   sign_token  {size, bits, entries, sub, iat, exp, ttl} -> {jwt, jwk}
import { ES256 } from '@sd-jwt/crypto-nodejs';
import { StatusList, createHeaderAndPayload, getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';

import { base64urlToJson, serve } from './stdio.mjs';

function build(size, bits, entries) {
  const list = new StatusList(new Array(size).fill(0), bits);
  for (const [index, value] of entries) {
    list.setStatus(index, value);
  }
  return list;
}

function read(list, indexes) {
  return {
    size: list.statusList.length,
    bits: list.getBitsPerStatus(),
    statuses: indexes.map((index) => list.getStatus(index)),
  };
}

await serve({
  decode: async ({ lists }) => ({
    results: lists.map(({ bits, lst, indexes }) => read(StatusList.decompressStatusList(lst, bits), indexes)),
  }),

  encode: async ({ lists }) => ({
    results: lists.map(({ size, bits, entries }) => {
      const { payload } = createHeaderAndPayload(
        build(size, bits, entries),
        { sub: 'https://interop.example/status-lists/1', iat: 1 },
        { alg: 'ES256', typ: 'statuslist+jwt' },
      );
      return { status_list: payload.status_list };
    }),
  }),

  read_token: async ({ jwt, jwk, indexes }) => {
    const [header, payload, signature] = jwt.split('.');
    const verify = await ES256.getVerifier(jwk);
    return {
      signature_valid: await verify(`${header}.${payload}`, signature),
      header: base64urlToJson(header),
      claims: base64urlToJson(payload),
      ...read(getListFromStatusListJWT(jwt), indexes),
    };
  },

  sign_token: async ({ size, bits, entries, sub, iat, exp, ttl }) => {
    const { publicKey, privateKey } = await ES256.generateKeyPair();
    const sign = await ES256.getSigner(privateKey);
    const { header, payload } = createHeaderAndPayload(
      build(size, bits, entries),
      { sub, iat, exp, ttl },
      { alg: 'ES256', typ: 'statuslist+jwt' },
    );
    const encode = (value) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    const signingInput = `${encode(header)}.${encode(payload)}`;
    return { jwt: `${signingInput}.${await sign(signingInput)}`, jwk: publicKey };
  },
});
