// Per-kind rules applied around every write: defaults on create, validation, what an update
// keeps from the stored object, and the values field selectors match.

import type { ConfigMap, Event, KubeObject, Pod, Secret } from '../k8s-types.js';
import { badRequest } from '../status-error.js';
import { checkDnsLabel, forbidden, invalid, required, type FieldError } from './field-errors.js';
import { admissionErrors } from '../kubelet/admission.js';
import { applyPodDefaults, podFields, validateObjectMeta, validatePodCreate, validatePodUpdate } from './pods.js';
import { CONFIGMAPS, EVENTS, NAMESPACES, NODES, PODS, SECRETS, SERVICEACCOUNTS, SERVICES, type ResourceInfo } from './resources.js';

export interface Strategy {
  info: ResourceInfo;
  prepareCreate(obj: KubeObject): void;
  validateCreate(obj: KubeObject): FieldError[];
  /** Admission after validation: reasons the object may not be created here (answered 403 Forbidden). */
  admit?(obj: KubeObject): string[];
  /** Makes `next` keep what a main-resource update may not change (e.g. status). */
  prepareUpdate(next: KubeObject, prev: KubeObject): void;
  validateUpdate(next: KubeObject, prev: KubeObject): FieldError[];
  fields(obj: KubeObject): Record<string, string>;
}

type Obj = Record<string, unknown>;
const metaFields = (o: KubeObject): Record<string, string> => ({ 'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '' });

const keepStatus = (next: KubeObject, prev: KubeObject) => {
  const p = prev as unknown as Obj;
  const n = next as unknown as Obj;
  if (p['status'] === undefined) delete n['status'];
  else n['status'] = structuredClone(p['status']);
};

const podStrategy: Strategy = {
  info: PODS,
  prepareCreate(obj) {
    applyPodDefaults(obj as Pod);
  },
  validateCreate(obj) {
    return [...validateObjectMeta(obj.metadata, true), ...validatePodCreate((obj as Pod).spec)];
  },
  // The node's policy (Pod Security Standard "baseline", supported volume kinds) is enforced at
  // admission, so kubectl shows the reason at once instead of a Pod that never starts.
  admit: (obj) => admissionErrors(obj as Pod),
  prepareUpdate: keepStatus,
  validateUpdate(next, prev) {
    return [...validateObjectMeta(next.metadata, true), ...validatePodUpdate(next as Pod, prev as Pod)];
  },
  fields: (o) => podFields(o as Pod),
};

const namespaceStrategy: Strategy = {
  info: NAMESPACES,
  prepareCreate(obj) {
    const ns = obj as unknown as { metadata: KubeObject['metadata']; spec?: { finalizers?: string[] }; status?: unknown };
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
    ns.spec = { finalizers: ['kubernetes'] };
    ns.status = { phase: 'Active' };
  },
  validateCreate: (obj) => validateObjectMeta(obj.metadata, false, checkDnsLabel),
  prepareUpdate(next, prev) {
    keepStatus(next, prev);
    (next as unknown as Obj)['spec'] = structuredClone((prev as unknown as Obj)['spec']);
    next.metadata.labels = { ...(next.metadata.labels ?? {}), 'kubernetes.io/metadata.name': next.metadata.name ?? '' };
  },
  validateUpdate: (next) => validateObjectMeta(next.metadata, false, checkDnsLabel),
  fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'status.phase': (o as unknown as { status?: { phase?: string } }).status?.phase ?? '' }),
};

function validateEvent(obj: KubeObject): FieldError[] {
  const e = obj as Event;
  const errs = validateObjectMeta(obj.metadata, true);
  if (!e.involvedObject) errs.push(required('involvedObject'));
  else if (e.involvedObject.namespace && e.involvedObject.namespace !== obj.metadata.namespace)
    errs.push(invalid('involvedObject.namespace', e.involvedObject.namespace, 'does not match event.namespace'));
  return errs;
}

const eventStrategy: Strategy = {
  info: EVENTS,
  prepareCreate() {},
  validateCreate: validateEvent,
  prepareUpdate() {},
  validateUpdate: validateEvent,
  fields(o) {
    const e = o as Event;
    return {
      ...metaFields(o),
      'involvedObject.kind': e.involvedObject?.kind ?? '',
      'involvedObject.namespace': e.involvedObject?.namespace ?? '',
      'involvedObject.name': e.involvedObject?.name ?? '',
      'involvedObject.uid': e.involvedObject?.uid ?? '',
      'involvedObject.apiVersion': e.involvedObject?.apiVersion ?? '',
      'involvedObject.resourceVersion': e.involvedObject?.resourceVersion ?? '',
      'involvedObject.fieldPath': e.involvedObject?.fieldPath ?? '',
      reason: e.reason ?? '',
      reportingComponent: e.reportingComponent ?? '',
      source: e.source?.component ?? '',
      type: e.type ?? '',
    };
  },
};

const nodeStrategy: Strategy = {
  info: NODES,
  prepareCreate() {},
  validateCreate: (obj) => validateObjectMeta(obj.metadata, false),
  prepareUpdate() {},
  validateUpdate: () => [],
  fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'spec.unschedulable': String((o as unknown as { spec?: { unschedulable?: boolean } }).spec?.unschedulable ?? false) }),
};

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
function checkDataKeys(field: string, data: Record<string, string> | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(data ?? {})) {
    if (!CONFIG_KEY.test(k) || k.length > 253)
      errs.push(
        invalid(
          `${field}[${k}]`,
          k,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ),
      );
  }
  return errs;
}

function immutableData(next: { data?: unknown; binaryData?: unknown; immutable?: boolean }, prev: { data?: unknown; binaryData?: unknown; immutable?: boolean }): FieldError[] {
  if (!prev.immutable) return [];
  const errs: FieldError[] = [];
  if (!next.immutable) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  if (JSON.stringify(next.data ?? {}) !== JSON.stringify(prev.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  if ('binaryData' in prev || 'binaryData' in next) {
    if (JSON.stringify(next.binaryData ?? {}) !== JSON.stringify(prev.binaryData ?? {})) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

const configMapStrategy: Strategy = {
  info: CONFIGMAPS,
  prepareCreate() {},
  validateCreate(obj) {
    const cm = obj as ConfigMap;
    const errs = [...validateObjectMeta(obj.metadata, true), ...checkDataKeys('data', cm.data), ...checkDataKeys('binaryData', cm.binaryData)];
    for (const k of Object.keys(cm.binaryData ?? {})) if (cm.data && k in cm.data) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    return errs;
  },
  prepareUpdate() {},
  validateUpdate(next, prev) {
    return [...configMapStrategy.validateCreate(next), ...immutableData(next as ConfigMap, prev as ConfigMap)];
  },
  fields: metaFields,
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Folds stringData into data (base64) and checks data is valid base64, as the decoder would. */
function normaliseSecret(s: Secret): void {
  for (const [k, v] of Object.entries(s.data ?? {})) {
    if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) {
      const at = typeof v === 'string' ? Math.max(0, [...v].findIndex((ch) => !/[A-Za-z0-9+/=]/.test(ch))) : 0;
      throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at}`, { kind: 'Secret', name: `${k}` });
    }
  }
  if (s.stringData) {
    s.data = { ...(s.data ?? {}) };
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete s.stringData;
  }
}

const secretStrategy: Strategy = {
  info: SECRETS,
  prepareCreate(obj) {
    const s = obj as Secret;
    s.type ||= 'Opaque';
    normaliseSecret(s);
  },
  validateCreate(obj) {
    return [...validateObjectMeta(obj.metadata, true), ...checkDataKeys('data', (obj as Secret).data)];
  },
  prepareUpdate(next) {
    const s = next as Secret;
    s.type ||= 'Opaque';
    normaliseSecret(s);
  },
  validateUpdate(next, prev) {
    const errs = secretStrategy.validateCreate(next);
    const n = next as Secret;
    const p = prev as Secret;
    if ((n.type ?? 'Opaque') !== (p.type ?? 'Opaque')) errs.push(invalid('type', n.type, 'field is immutable'));
    return [...errs, ...immutableData(n, p)];
  },
  fields: (o) => ({ ...metaFields(o), type: (o as Secret).type ?? '' }),
};

const serviceAccountStrategy: Strategy = {
  info: SERVICEACCOUNTS,
  prepareCreate() {},
  validateCreate: (obj) => validateObjectMeta(obj.metadata, true),
  prepareUpdate() {},
  validateUpdate: (next) => validateObjectMeta(next.metadata, true),
  fields: metaFields,
};

const serviceStrategy: Strategy = {
  info: SERVICES,
  prepareCreate() {},
  validateCreate: (obj) => validateObjectMeta(obj.metadata, true, checkDnsLabel),
  prepareUpdate: keepStatus,
  validateUpdate: () => [],
  fields(o) {
    const spec = (o as unknown as { spec?: { clusterIP?: string; type?: string } }).spec;
    return { ...metaFields(o), 'spec.clusterIP': spec?.clusterIP ?? '', 'spec.type': spec?.type ?? '' };
  },
};

export const strategies: Record<string, Strategy> = {
  services: serviceStrategy,
  pods: podStrategy,
  namespaces: namespaceStrategy,
  events: eventStrategy,
  nodes: nodeStrategy,
  configmaps: configMapStrategy,
  secrets: secretStrategy,
  serviceaccounts: serviceAccountStrategy,
};

