// A wallet built on @openid4vc/openid4vci 0.4.6 (Openid4vciClient) and @openid4vc/oauth2 0.4.6,
// run against a real legitka issuer: the pre-authorized code flow of OpenID4VCI 1.0.
//
// The device key is a P-256 key from node's crypto; the library's callbacks (fetch, hash,
// generateRandom, signJwt) are written here. Every HTTP exchange is recorded in `http` as
// [method, url, status]. Library errors are not thrown but returned as `failed` (see describe),
// so that the Python test can assert on what the library surfaced. `now` (seconds) is the
// server's fixed clock: it becomes the key proof's iat.
//
// The library's token request is a form with grant_type, pre-authorized_code, tx_code and also
// user_pin (the same value, for draft-11 issuers) and resource (RFC 8707, the credential issuer).
//
// ops:
//   activate {qr_uri, tx_code, now}  -> {offer, metadata, token, c_nonce, proof, credential_count,
//                                        credential, notification_id, notification_status,
//                                        holder_jwk, http}
//                                       or {failed, step, offer, http}
//   resolve  {qr_uri}                -> {offer, pre_authorized_code, http}
//   token    {credential_issuer, pre_authorized_code, tx_code}
//                                    -> {token, http} or {failed, step, http}
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

import { Oauth2Client, clientAuthenticationAnonymous } from '@openid4vc/oauth2';
import { Openid4vciClient, setGlobalConfig } from '@openid4vc/openid4vci';

import { base64urlToJson, serve } from './stdio.mjs';

setGlobalConfig({ allowInsecureUrls: true }); // the test server listens on http://127.0.0.1

const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

function deviceKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, publicJwk: { kty, crv, x, y } };
}

function base64url(value) {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function callbacks(key, http) {
  return {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      http.push([init?.method ?? 'GET', String(input), response.status]);
      return response;
    },
    hash: (data, alg) => {
      if (alg !== 'sha-256') throw new Error(`hash ${alg} not expected`);
      return new Uint8Array(createHash('sha256').update(data).digest());
    },
    generateRandom: (length) => new Uint8Array(randomBytes(length)),
    signJwt: async (signer, { header, payload }) => {
      if (signer.method !== 'jwk' || header.alg !== 'ES256') {
        throw new Error(`only ES256 with a jwk signer is expected, got ${signer.method} ${header.alg}`);
      }
      const input = `${base64url(header)}.${base64url(payload)}`;
      const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
      return { jwt: `${input}.${signature.toString('base64url')}`, signerJwk: key.publicJwk };
    },
    clientAuthentication: clientAuthenticationAnonymous(),
  };
}

// What a library error tells the wallet: the OAuth error response when it parsed one.
function describe(error) {
  const failed = { name: error?.constructor?.name ?? typeof error, message: String(error?.message ?? error) };
  if (error?.errorResponse !== undefined) failed.error_response = error.errorResponse;
  if (error?.response?.status !== undefined) failed.status = error.response.status;
  if (error?.textResponse !== undefined) failed.text_response = error.textResponse;
  return failed;
}

function summary(issuerMetadata) {
  const [server] = issuerMetadata.authorizationServers;
  return {
    version: issuerMetadata.originalDraftVersion,
    credential_issuer: issuerMetadata.credentialIssuer.credential_issuer,
    credential_endpoint: issuerMetadata.credentialIssuer.credential_endpoint,
    nonce_endpoint: issuerMetadata.credentialIssuer.nonce_endpoint,
    notification_endpoint: issuerMetadata.credentialIssuer.notification_endpoint,
    configuration_ids: Object.keys(issuerMetadata.credentialIssuer.credential_configurations_supported),
    known_formats: Object.values(issuerMetadata.knownCredentialConfigurations).map((c) => c.format),
    authorization_server: server.issuer,
    token_endpoint: server.token_endpoint,
  };
}

async function activate({ qr_uri, tx_code, now }) {
  const http = [];
  const key = deviceKey();
  const client = new Openid4vciClient({ callbacks: callbacks(key, http) });
  let step = 'offer';
  let offer;
  try {
    offer = await client.resolveCredentialOffer(qr_uri);
    step = 'metadata';
    const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
    step = 'token';
    const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer: offer,
      issuerMetadata,
      txCode: tx_code,
    });
    step = 'nonce';
    const { c_nonce } = await client.requestNonce({ issuerMetadata });
    step = 'proof';
    const [configurationId] = offer.credential_configuration_ids;
    const proof = await client.createCredentialRequestJwtProof({
      issuerMetadata,
      credentialConfigurationId: configurationId,
      signer: { method: 'jwk', alg: 'ES256', publicJwk: key.publicJwk },
      nonce: c_nonce,
      issuedAt: new Date(now * 1000),
    });
    step = 'credential';
    const answer = await client.retrieveCredentials({
      issuerMetadata,
      accessToken: accessTokenResponse.access_token,
      credentialConfigurationId: configurationId,
      proofs: { jwt: [proof.jwt] },
    });
    if (!answer.ok) {
      const body = await answer.response.text();
      return { failed: { name: 'CredentialResponseNotOk', status: answer.response.status, body }, step, offer, http };
    }
    const { credentials, notification_id } = answer.credentialResponse;
    step = 'notification';
    const notified = await client.sendNotification({
      issuerMetadata,
      accessToken: accessTokenResponse.access_token,
      notification: { notificationId: notification_id, event: 'credential_accepted' },
    });
    const [proofHeader, proofPayload] = proof.jwt.split('.');
    return {
      offer,
      metadata: summary(issuerMetadata),
      token: accessTokenResponse,
      c_nonce,
      proof: { header: base64urlToJson(proofHeader), payload: base64urlToJson(proofPayload) },
      credential_count: credentials.length,
      credential: credentials[0].credential,
      notification_id,
      notification_status: notified.response.status,
      holder_jwk: key.publicJwk,
      http,
    };
  } catch (error) {
    return { failed: describe(error), step, offer, http };
  }
}

async function resolve({ qr_uri }) {
  const http = [];
  const client = new Openid4vciClient({ callbacks: callbacks(deviceKey(), http) });
  const offer = await client.resolveCredentialOffer(qr_uri);
  return { offer, pre_authorized_code: offer.grants?.[PRE_AUTHORIZED_GRANT]?.['pre-authorized_code'], http };
}

// The token request alone, with a pre-authorized code the test kept: Oauth2Client's own
// retrievePreAuthorizedCodeAccessToken against the authorization server the metadata names.
async function token({ credential_issuer, pre_authorized_code, tx_code }) {
  const http = [];
  const calls = callbacks(deviceKey(), http);
  const issuerMetadata = await new Openid4vciClient({ callbacks: calls }).resolveIssuerMetadata(credential_issuer);
  try {
    const { accessTokenResponse } = await new Oauth2Client({ callbacks: calls }).retrievePreAuthorizedCodeAccessToken({
      authorizationServerMetadata: issuerMetadata.authorizationServers[0],
      preAuthorizedCode: pre_authorized_code,
      txCode: tx_code,
      resource: credential_issuer,
    });
    return { token: accessTokenResponse, http };
  } catch (error) {
    return { failed: describe(error), step: 'token', http };
  }
}

await serve({ activate, resolve, token });
