// Decoder for the protobuf request bodies kubectl 1.32+ sends for typed-client writes
// (`kubectl create namespace|configmap|secret`, `kubectl auth can-i|whoami`): the `k8s\0`
// envelope (runtime.Unknown) around a Namespace, ConfigMap, Secret, SelfSubjectAccessReview or
// SelfSubjectReview. Only these kinds and the fields they can carry.

import { StatusError } from '../status-error.js';
import type { KubeObject } from '../k8s-types.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw malformed('truncated varint');
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw malformed('varint too long');
    }
  }
  bytes(): Buffer {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw malformed('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  /** Calls `onField` for each field; skips wire types it is not asked about. */
  fields(onField: (no: number, wire: number, r: Reader) => void): void {
    while (!this.done) {
      const tag = this.varint();
      const no = Math.floor(tag / 8);
      const wire = tag & 7;
      const start = this.pos;
      onField(no, wire, this);
      if (this.pos === start) this.skipValue(wire);
    }
  }
  skipValue(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw malformed(`unsupported wire type ${wire}`);
  }
}

const malformed = (why: string) => new StatusError(400, 'BadRequest', `unable to decode protobuf body: ${why}`);
const str = (r: Reader) => r.bytes().toString('utf8');

function mapEntry(buf: Buffer, value: (r: Reader) => string): [string, string] {
  let key = '';
  let val = '';
  new Reader(buf).fields((no, wire, r) => {
    if (no === 1 && wire === 2) key = str(r);
    else if (no === 2 && wire === 2) val = value(r);
  });
  return [key, val];
}

function time(buf: Buffer): string {
  let seconds = 0;
  new Reader(buf).fields((no, wire, r) => {
    if (no === 1 && wire === 0) seconds = r.varint();
  });
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function objectMeta(buf: Buffer): KubeObject['metadata'] {
  const m: KubeObject['metadata'] = {};
  new Reader(buf).fields((no, wire, r) => {
    if (wire !== 2 && ![7, 10].includes(no)) return;
    switch (no) {
      case 1: m.name = str(r); break;
      case 2: m.generateName = str(r); break;
      case 3: m.namespace = str(r); break;
      case 5: m.uid = str(r); break;
      case 6: m.resourceVersion = str(r); break;
      case 7: m.generation = r.varint(); break;
      case 8: { const t = time(r.bytes()); if (t !== '1970-01-01T00:00:00Z') m.creationTimestamp = t; break; }
      case 11: { const [k, v] = mapEntry(r.bytes(), str); (m.labels ??= {})[k] = v; break; }
      case 12: { const [k, v] = mapEntry(r.bytes(), str); (m.annotations ??= {})[k] = v; break; }
      case 14: (m.finalizers ??= []).push(str(r)); break;
    }
  });
  return m;
}

type Decoded = KubeObject & Record<string, unknown>;

function namespace(buf: Buffer): Decoded {
  const o: Decoded = { apiVersion: 'v1', kind: 'Namespace', metadata: {} };
  new Reader(buf).fields((no, wire, r) => {
    if (wire !== 2) return;
    if (no === 1) o.metadata = objectMeta(r.bytes());
    else if (no === 2) {
      const finalizers: string[] = [];
      new Reader(r.bytes()).fields((n, w, rr) => {
        if (n === 1 && w === 2) finalizers.push(str(rr));
      });
      if (finalizers.length) o['spec'] = { finalizers };
    }
  });
  return o;
}

function configMap(buf: Buffer): Decoded {
  const o: Decoded = { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} };
  new Reader(buf).fields((no, wire, r) => {
    if (no === 1 && wire === 2) o.metadata = objectMeta(r.bytes());
    else if (no === 2 && wire === 2) {
      const [k, v] = mapEntry(r.bytes(), str);
      ((o['data'] ??= {}) as Record<string, string>)[k] = v;
    } else if (no === 3 && wire === 2) {
      const [k, v] = mapEntry(r.bytes(), (rr) => rr.bytes().toString('base64'));
      ((o['binaryData'] ??= {}) as Record<string, string>)[k] = v;
    } else if (no === 4 && wire === 0) o['immutable'] = r.varint() !== 0;
  });
  return o;
}

function secret(buf: Buffer): Decoded {
  const o: Decoded = { apiVersion: 'v1', kind: 'Secret', metadata: {} };
  new Reader(buf).fields((no, wire, r) => {
    if (no === 1 && wire === 2) o.metadata = objectMeta(r.bytes());
    else if (no === 2 && wire === 2) {
      const [k, v] = mapEntry(r.bytes(), (rr) => rr.bytes().toString('base64'));
      ((o['data'] ??= {}) as Record<string, string>)[k] = v;
    } else if (no === 3 && wire === 2) o['type'] = str(r);
    else if (no === 4 && wire === 2) {
      const [k, v] = mapEntry(r.bytes(), str);
      ((o['stringData'] ??= {}) as Record<string, string>)[k] = v;
    } else if (no === 5 && wire === 0) o['immutable'] = r.varint() !== 0;
  });
  return o;
}

function stringFields(buf: Buffer, names: Record<number, string>): Record<string, string> {
  const out: Record<string, string> = {};
  new Reader(buf).fields((no, wire, r) => {
    const name = names[no];
    if (name && wire === 2) out[name] = str(r);
  });
  return out;
}

const RESOURCE_ATTRIBUTES = { 1: 'namespace', 2: 'verb', 3: 'group', 4: 'version', 5: 'resource', 6: 'subresource', 7: 'name' };
const NON_RESOURCE_ATTRIBUTES = { 1: 'path', 2: 'verb' };

function selfSubjectAccessReview(buf: Buffer): Decoded {
  const o: Decoded = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {} };
  new Reader(buf).fields((no, wire, r) => {
    if (wire !== 2) return;
    if (no === 1) o.metadata = objectMeta(r.bytes());
    else if (no === 2) {
      const spec: Record<string, unknown> = {};
      new Reader(r.bytes()).fields((n, w, rr) => {
        if (w !== 2) return;
        if (n === 1) spec['resourceAttributes'] = stringFields(rr.bytes(), RESOURCE_ATTRIBUTES);
        else if (n === 2) spec['nonResourceAttributes'] = stringFields(rr.bytes(), NON_RESOURCE_ATTRIBUTES);
      });
      o['spec'] = spec;
    }
  });
  return o;
}

const selfSubjectReview = (version: string) => (buf: Buffer): Decoded => {
  const o: Decoded = { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview', metadata: {} };
  new Reader(buf).fields((no, wire, r) => {
    if (no === 1 && wire === 2) o.metadata = objectMeta(r.bytes());
  });
  return o;
};

const DECODERS: Record<string, (buf: Buffer) => Decoded> = {
  'v1/Namespace': namespace,
  'v1/ConfigMap': configMap,
  'v1/Secret': secret,
  'authorization.k8s.io/v1/SelfSubjectAccessReview': selfSubjectAccessReview,
  'authentication.k8s.io/v1/SelfSubjectReview': selfSubjectReview('v1'),
  'authentication.k8s.io/v1beta1/SelfSubjectReview': selfSubjectReview('v1beta1'),
};

/** Decodes a `k8s\0`-framed protobuf body into the JSON shape of the object. */
export function decodeProtobufObject(body: Buffer): KubeObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw malformed('missing the k8s envelope');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  new Reader(body.subarray(4)).fields((no, wire, r) => {
    if (wire !== 2) return;
    if (no === 1) {
      new Reader(r.bytes()).fields((n, w, rr) => {
        if (w !== 2) return;
        if (n === 1) apiVersion = str(rr);
        else if (n === 2) kind = str(rr);
      });
    } else if (no === 2) raw = r.bytes();
  });
  const decode = DECODERS[`${apiVersion}/${kind}`];
  if (!decode || !raw)
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (protobuf bodies are understood for v1 Namespace, ConfigMap, Secret and the self reviews; got ${apiVersion || '?'} ${kind || '?'})`);
  return decode(raw);
}
