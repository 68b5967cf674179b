// Minimal X.509 v3 certificate writer (DER, ECDSA P-256 / SHA-256), enough for a private CA
// and one serving certificate for 127.0.0.1. Written by hand because Node can verify but not
// issue certificates, the runner must not shell out to openssl to start, and the maintained
// libraries weighed do not fit (README.md beside this file, "Certificates").

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

const tlv = (tag: number, content: Buffer): Buffer => {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
};

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const octets = (b: Buffer) => tlv(0x04, b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if ((v[0] ?? 0) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let n = Math.floor(p / 128); n > 0; n = Math.floor(n / 128)) stack.unshift((n & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const name = (cn: string, org?: string) =>
  seq(...(org ? [set(seq(oid('2.5.4.10'), utf8(org)))] : []), set(seq(oid('2.5.4.3'), utf8(cn))));

const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

export interface CertificateRequest {
  commonName: string;
  organization?: string;
  isCA: boolean;
  /** Subject alternative names: IPv4 literals and DNS names. */
  ipAddresses?: string[];
  dnsNames?: string[];
  validDays: number;
  publicKey: KeyObject;
  issuer?: { commonName: string; organization?: string; privateKey: KeyObject };
  /** Self-signed when no issuer is given. */
  privateKey: KeyObject;
}

export function createCertificatePem(req: CertificateRequest): string {
  const now = Date.now();
  const spki = req.publicKey.export({ type: 'spki', format: 'der' });
  const exts: Buffer[] = [
    extension('2.5.29.19', true, req.isCA ? seq(bool(true)) : seq()),
    // keyUsage: CA = digitalSignature|keyCertSign|cRLSign, leaf = digitalSignature|keyEncipherment
    extension('2.5.29.15', true, req.isCA ? bitString(Buffer.from([0x86]), 1) : bitString(Buffer.from([0xa0]), 5)),
  ];
  if (!req.isCA) {
    exts.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))));
    const sans = [
      ...(req.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, 'ascii'))),
      ...(req.ipAddresses ?? []).map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
    ];
    exts.push(extension('2.5.29.17', false, seq(...sans)));
  }
  const issuer = req.issuer ?? { commonName: req.commonName, organization: req.organization, privateKey: req.privateKey };
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name(issuer.commonName, issuer.organization),
    seq(time(new Date(now - 3600_000)), time(new Date(now + req.validDays * 86400_000))),
    name(req.commonName, req.organization),
    Buffer.from(spki),
    explicit(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, issuer.privateKey);
  const der = seq(tbs, ECDSA_SHA256, bitString(signature));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export function newKeyPair(): { privateKeyPem: string; privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export const loadPrivateKey = (pem: string) => createPrivateKey(pem);
export const publicKeyOf = (key: KeyObject) => createPublicKey(key);
