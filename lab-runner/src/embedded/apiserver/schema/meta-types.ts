// Schemas of meta/v1 and the wire scalars, with descriptions written for Kubelab.

import { ANY, B, I64, S, TIME, arr, en, f, keyed, map, ref, type Definition } from './model.js';

export const metaDefinitions: Record<string, Definition> = {
  Quantity: {
    description:
      'An amount written as a number with an optional suffix: binary (Ki, Mi, Gi, Ti), decimal (k, M, G, T) or milli (m). For example "500m" CPU is half a core and "64Mi" memory is 64 mebibytes.',
    fields: {},
    scalar: { type: 'string' },
  },
  IntOrString: {
    description: 'Either a whole number or a string, for example a port given as 8080 or by its name "http".',
    fields: {},
    scalar: { intOrString: true },
  },
  'meta.Time': {
    description: 'A point in time, written on the wire as an RFC 3339 string in UTC with second precision.',
    fields: {},
    scalar: { type: 'string', format: 'date-time' },
  },
  'meta.ObjectMeta': {
    description:
      'Metadata that every stored object carries: its identity (name, namespace, uid), its labels and annotations, and bookkeeping that the server maintains.',
    fields: {
      annotations: f(map(S), 'Free-form key/value notes for tools and people. Unlike labels they cannot be used to select objects.'),
      creationTimestamp: f(TIME, 'When the server stored this object for the first time. Set by the server; read-only.'),
      deletionGracePeriodSeconds: f(I64, 'How many seconds the object was given to shut down once deletion was requested. Set by the server; read-only.'),
      deletionTimestamp: f(TIME, 'Set by the server when deletion was requested; the object disappears once its finalizers and its graceful shutdown are done. Read-only.'),
      finalizers: f(arr(S, { patchStrategy: 'merge', listType: 'set' }), 'Names of cleanup steps that must finish (and remove their entry) before the object is really deleted.'),
      generateName: f(S, 'When no name is given, the server makes a unique one by appending random characters to this prefix.'),
      generation: f(I64, 'A counter of changes to the desired state. Set by the server; read-only.'),
      labels: f(map(S), 'Key/value pairs used to organise and select objects, for example with `kubectl get pods -l app=web`.'),
      managedFields: f(arr(ref('meta.ManagedFieldsEntry')), 'Which field manager set which fields, used by server-side apply to detect conflicts. Maintained by the server.'),
      name: f(S, 'The object\'s name, unique among objects of the same kind in its namespace. Most kinds need a DNS subdomain (lower-case letters, digits, "-" and "."). It cannot be changed later.'),
      namespace: f(S, 'The namespace the object lives in. An empty value means "default" for namespaced kinds. It cannot be changed later.'),
      ownerReferences: f(keyed(ref('meta.OwnerReference'), 'uid'), 'Objects this one belongs to. When every owner is gone, the garbage collector deletes this object.'),
      resourceVersion: f(S, 'An opaque version string that changes on every write. Clients send it back to detect concurrent changes and to start watches. Read-only.'),
      selfLink: f(S, 'Deprecated and no longer set.'),
      uid: f(S, 'A unique id the server gives the object when it is created; a re-created object with the same name gets a new one. Read-only.'),
    },
  },
  'meta.OwnerReference': {
    description: 'Points at the object that owns this one.',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    fields: {
      apiVersion: f(S, 'API version of the owner.'),
      blockOwnerDeletion: f(B, 'With foreground deletion, the owner is not removed before this object is.'),
      controller: f(B, 'True when the owner is the managing controller. At most one owner can be.'),
      kind: f(S, 'Kind of the owner.'),
      name: f(S, 'Name of the owner.'),
      uid: f(S, 'UID of the owner.'),
    },
  },
  'meta.ManagedFieldsEntry': {
    description: 'One field manager\'s claim on a set of fields of the object.',
    fields: {
      apiVersion: f(S, 'The API version the field set is expressed in.'),
      fieldsType: f(S, 'The format of fieldsV1; always "FieldsV1".'),
      fieldsV1: f(ANY, 'The set of fields, as a tree of "f:<field>" and "k:<key>" entries.'),
      manager: f(S, 'Name of the client that manages these fields, e.g. "kubectl" or "kubectl-client-side-apply".'),
      operation: f(en('Apply', 'Update'), 'Whether the fields were set by server-side apply or by a normal write.'),
      subresource: f(S, 'The subresource the fields were written through, such as "status"; empty for the main resource.'),
      time: f(TIME, 'When these fields were last changed by this manager.'),
    },
  },
  'meta.ListMeta': {
    description: 'Metadata of a list response.',
    fields: {
      continue: f(S, 'A token to fetch the next page; empty when the list is complete.'),
      remainingItemCount: f(I64, 'How many more items a paged list has, when known.'),
      resourceVersion: f(S, 'The version of the data the list reflects; start a watch from here to see later changes.'),
      selfLink: f(S, 'Deprecated and no longer set.'),
    },
  },
  'meta.Status': {
    description: 'The result of a request that does not return an object, most often an error.',
    fields: {
      apiVersion: f(S, 'The schema version of this object.'),
      code: f({ type: 'integer', format: 'int32' }, 'The HTTP status code of the outcome.'),
      details: f(ref('meta.StatusDetails'), 'More about the failure, such as the object concerned and the individual causes.'),
      kind: f(S, 'Always "Status".'),
      message: f(S, 'A description of the outcome meant for people.'),
      metadata: f(ref('meta.ListMeta'), 'Standard list metadata.'),
      reason: f(S, 'A machine-readable word for the failure, such as NotFound or AlreadyExists.'),
      status: f(S, '"Success" or "Failure".'),
    },
  },
  'meta.StatusDetails': {
    description: 'Extra detail about a failed request.',
    fields: {
      causes: f(arr(ref('meta.StatusCause')), 'The individual problems, for example one per invalid field.'),
      group: f(S, 'API group of the object concerned.'),
      kind: f(S, 'Kind of the object concerned.'),
      name: f(S, 'Name of the object concerned.'),
      retryAfterSeconds: f({ type: 'integer', format: 'int32' }, 'How long to wait before retrying, when the request may succeed later.'),
      uid: f(S, 'UID of the object concerned.'),
    },
  },
  'meta.StatusCause': {
    description: 'One reason a request failed.',
    fields: {
      field: f(S, 'The path of the field at fault, such as "spec.containers[0].name".'),
      message: f(S, 'What is wrong, for people.'),
      reason: f(S, 'A machine-readable word for the problem.'),
    },
  },
  'meta.DeleteOptions': {
    description: 'Options of a DELETE request.',
    fields: {
      apiVersion: f(S, 'The schema version of this object.'),
      dryRun: f(arr(S), 'With "All", the request is checked but nothing is deleted.'),
      gracePeriodSeconds: f(I64, 'Seconds the object gets to shut down; 0 deletes it at once.'),
      kind: f(S, 'Always "DeleteOptions".'),
      orphanDependents: f(B, 'Deprecated; use propagationPolicy.'),
      preconditions: f(ref('meta.Preconditions'), 'Delete only if the object still matches these.'),
      propagationPolicy: f(en('Orphan', 'Background', 'Foreground'), 'What happens to objects owned by this one.'),
    },
  },
  'meta.Preconditions': {
    description: 'Conditions an object must meet for a delete to go ahead.',
    fields: {
      resourceVersion: f(S, 'The object must still have this resourceVersion.'),
      uid: f(S, 'The object must still have this uid.'),
    },
  },
};

export const coordinationDefinitions: Record<string, Definition> = {
  'coord.Lease': {
    description: 'A lease held by one component and renewed regularly. Each node has one in kube-node-lease: its heartbeat. In Kubelab the node\'s lease is read-only.',
    gvk: { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' },
    fields: {
      apiVersion: f(S, 'The schema version of this object: "coordination.k8s.io/v1".'),
      kind: f(S, 'Always "Lease".'),
      metadata: f(ref('meta.ObjectMeta'), 'Standard object metadata.'),
      spec: f(ref('coord.LeaseSpec'), 'Who holds the lease and when it was last renewed.'),
    },
  },
  'coord.LeaseSpec': {
    description: 'The state of a lease.',
    fields: {
      acquireTime: f(ref('meta.MicroTime'), 'When the current holder took the lease.'),
      holderIdentity: f(S, 'Who holds the lease.'),
      leaseDurationSeconds: f({ type: 'integer', format: 'int32' }, 'How long others wait after the last renewal before they may take the lease.'),
      leaseTransitions: f({ type: 'integer', format: 'int32' }, 'How many times the lease changed hands.'),
      renewTime: f(ref('meta.MicroTime'), 'When the holder last renewed the lease.'),
    },
  },
  'coord.LeaseList': {
    description: 'A list of Leases.',
    required: ['items'],
    fields: {
      apiVersion: f(S, 'The schema version of this object.'),
      items: f(arr(ref('coord.Lease')), 'The Leases.'),
      kind: f(S, 'Always "LeaseList".'),
      metadata: f(ref('meta.ListMeta'), 'Standard list metadata.'),
    },
  },
};

export const authnDefinitions: Record<string, Definition> = {
  'authn.SelfSubjectReview': {
    description: 'Asks the server who the caller is, as it authenticated the request. Answered at once and never stored; this is what `kubectl auth whoami` sends.',
    gvk: { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview' },
    fields: {
      apiVersion: f(S, 'The schema version of this object: "authentication.k8s.io/v1".'),
      kind: f(S, 'Always "SelfSubjectReview".'),
      metadata: f(ref('meta.ObjectMeta'), 'Standard object metadata; unused by this review.'),
      status: f(ref('authn.SelfSubjectReviewStatus'), 'The server\'s answer.'),
    },
  },
  'authn.SelfSubjectReviewStatus': {
    description: 'Who the caller is.',
    fields: { userInfo: f(ref('authn.UserInfo'), 'The authenticated user.') },
  },
  'authn.UserInfo': {
    description: 'An authenticated user.',
    fields: {
      extra: f(map(arr(S)), 'Further attributes the authenticator provided.'),
      groups: f(arr(S, { listType: 'atomic' }), 'The groups the user belongs to.'),
      uid: f(S, 'A unique id of the user.'),
      username: f(S, 'The user\'s name.'),
    },
  },
};

export const authzDefinitions: Record<string, Definition> = {
  'authz.SelfSubjectAccessReview': {
    description: 'Asks the server whether the caller may perform an action. Answered at once and never stored; this is what `kubectl auth can-i` sends.',
    gvk: { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview' },
    required: ['spec'],
    fields: {
      apiVersion: f(S, 'The schema version of this object: "authorization.k8s.io/v1".'),
      kind: f(S, 'Always "SelfSubjectAccessReview".'),
      metadata: f(ref('meta.ObjectMeta'), 'Standard object metadata; unused by this review.'),
      spec: f(ref('authz.SelfSubjectAccessReviewSpec'), 'The action being asked about.'),
      status: f(ref('authz.SubjectAccessReviewStatus'), 'The server\'s answer.'),
    },
  },
  'authz.SelfSubjectAccessReviewSpec': {
    description: 'The action to check: either an API request on a resource or a request to a plain URL path. Exactly one must be set.',
    fields: {
      nonResourceAttributes: f(ref('authz.NonResourceAttributes'), 'A request to a URL path that is not a resource, such as /healthz.'),
      resourceAttributes: f(ref('authz.ResourceAttributes'), 'A request on an API resource.'),
    },
  },
  'authz.ResourceAttributes': {
    description: 'Describes an API request on a resource.',
    fields: {
      group: f(S, 'The API group; empty for the core group.'),
      name: f(S, 'The object name; empty means all objects.'),
      namespace: f(S, 'The namespace; empty means all namespaces for namespaced resources.'),
      resource: f(S, 'The resource, such as "pods"; "*" means all.'),
      subresource: f(S, 'The subresource, such as "log" or "exec".'),
      verb: f(S, 'The verb, such as get, list, watch, create, update, patch or delete; "*" means all.'),
      version: f(S, 'The API version; "*" means all.'),
    },
  },
  'authz.NonResourceAttributes': {
    description: 'Describes a request to a URL path that is not a resource.',
    fields: {
      path: f(S, 'The URL path.'),
      verb: f(S, 'The HTTP verb in lower case.'),
    },
  },
  'authz.SubjectAccessReviewStatus': {
    description: 'The answer to an access review.',
    required: ['allowed'],
    fields: {
      allowed: f(B, 'Whether the action is allowed.'),
      denied: f(B, 'Whether the action is explicitly denied.'),
      evaluationError: f(S, 'Set when the answer could not be fully worked out.'),
      reason: f(S, 'Why the action is allowed or denied.'),
    },
  },
};
