// The host's TLS identity: a private CA (its certificate goes into every kubeconfig) and a
// serving certificate for 127.0.0.1/localhost signed by it. Kept in a directory so a
// restarted host presents the same CA and existing kubeconfigs keep working.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createCertificatePem, loadPrivateKey, newKeyPair, publicKeyOf } from './x509.js';

export interface TlsIdentity {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

const CA_NAME = 'kubelab-embedded-ca';

export function createTlsIdentity(): TlsIdentity {
  const ca = newKeyPair();
  const caCertPem = createCertificatePem({
    commonName: CA_NAME,
    organization: 'Kubelab',
    isCA: true,
    validDays: 3650,
    publicKey: ca.publicKey,
    privateKey: ca.privateKey,
  });
  const leaf = newKeyPair();
  const certPem = createCertificatePem({
    commonName: 'kube-apiserver',
    isCA: false,
    ipAddresses: ['127.0.0.1'],
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    validDays: 3650,
    publicKey: leaf.publicKey,
    privateKey: leaf.privateKey,
    issuer: { commonName: CA_NAME, organization: 'Kubelab', privateKey: ca.privateKey },
  });
  return { caCertPem, certPem, keyPem: leaf.privateKeyPem };
}

/** Loads the identity from `dir`, creating it on first use or when the certificate is about to expire. */
export function loadOrCreateTlsIdentity(dir: string): TlsIdentity {
  const files = { ca: join(dir, 'ca.crt'), cert: join(dir, 'apiserver.crt'), key: join(dir, 'apiserver.key') };
  if (existsSync(files.ca) && existsSync(files.cert) && existsSync(files.key)) {
    const identity = {
      caCertPem: readFileSync(files.ca, 'utf8'),
      certPem: readFileSync(files.cert, 'utf8'),
      keyPem: readFileSync(files.key, 'utf8'),
    };
    const validTo = Date.parse(new X509Certificate(identity.certPem).validTo);
    publicKeyOf(loadPrivateKey(identity.keyPem)); // throws on a corrupt key
    if (validTo - Date.now() > 7 * 86400_000) return identity;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const identity = createTlsIdentity();
  writeFileSync(files.ca, identity.caCertPem, { mode: 0o644 });
  writeFileSync(files.cert, identity.certPem, { mode: 0o644 });
  writeFileSync(files.key, identity.keyPem, { mode: 0o600 });
  return identity;
}
