// X.509 and ES256 with node's crypto, shared by the scripts that check x5c headers.
//
// validateChain(x5c, root, now) checks an x5c chain (leaf first) up to `root` as HAIP asks: the
// root is never sent, the leaf is not self-signed and not a CA; every signature, validity period
// and CA flag is checked. It returns what it checked and throws on any failure.
import { X509Certificate, verify as verifySignature } from 'node:crypto';

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

function checkValidity(certificate, now, what) {
  const seconds = (text) => Math.floor(Date.parse(text) / 1000);
  check(seconds(certificate.validFrom) <= now, `${what} is not yet valid (${certificate.validFrom})`);
  check(now <= seconds(certificate.validTo), `${what} has expired (${certificate.validTo})`);
}

export function validateChain(x5c, root, now) {
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

export function es256(key, data, signature) {
  const options = { key, dsaEncoding: 'ieee-p1363' };
  return verifySignature('sha256', Buffer.from(data), options, Buffer.from(signature, 'base64url'));
}
