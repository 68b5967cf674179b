// Schemas of the other core/v1 kinds served (Namespace, Event, Node, ConfigMap, Secret,
// ServiceAccount, ResourceQuota), with descriptions written for Kubelab.

import { ANY, B, I32, I64, INT_OR_STRING, QUANTITY, S, TIME, arr, en, f, keyed, map, ref, type Definition } from './model.js';

const objectFields = (kind: string, what: string) => ({
  apiVersion: f(S, 'The schema version of this object: "v1".'),
  kind: f(S, `The type of this object: "${kind}".`),
  metadata: f(ref('meta.ObjectMeta'), `Standard object metadata of the ${what}.`),
});

const listDefinition = (kind: string): Definition => ({
  description: `A list of ${kind}s.`,
  required: ['items'],
  fields: {
    apiVersion: f(S, 'The schema version of this object.'),
    items: f(arr(ref(`core.${kind}`)), `The ${kind}s.`),
    kind: f(S, `Always "${kind}List".`),
    metadata: f(ref('meta.ListMeta'), 'Standard list metadata.'),
  },
});

export const coreDefinitions: Record<string, Definition> = {
  'core.Namespace': {
    description: 'A named scope for objects. Names of namespaced objects are unique within one namespace; deleting a namespace deletes everything in it.',
    gvk: { group: '', version: 'v1', kind: 'Namespace' },
    fields: {
      ...objectFields('Namespace', 'namespace'),
      spec: f(ref('core.NamespaceSpec'), 'The desired state of the namespace.'),
      status: f(ref('core.NamespaceStatus'), 'The observed state of the namespace.'),
    },
  },
  'core.NamespaceList': listDefinition('Namespace'),
  'core.NamespaceSpec': {
    description: 'The desired state of a namespace.',
    fields: { finalizers: f(arr(S, { listType: 'atomic' }), 'Cleanup steps that must finish before the namespace is removed.') },
  },
  'core.NamespaceStatus': {
    description: 'The observed state of a namespace.',
    fields: {
      conditions: f(keyed(ANY, 'type'), 'Details of the namespace\'s state, mostly while it is being deleted.'),
      phase: f(en('Active', 'Terminating'), 'Active, or Terminating while its content is being deleted.'),
    },
  },
  'core.Event': {
    description: 'A record of something that happened to an object, such as a Pod being scheduled, an image being pulled or a container failing. Events expire after a while.',
    gvk: { group: '', version: 'v1', kind: 'Event' },
    required: ['metadata', 'involvedObject'],
    fields: {
      action: f(S, 'What was done, or failed, to the object.'),
      apiVersion: f(S, 'The schema version of this object: "v1".'),
      count: f(I32, 'How many times this event happened.'),
      eventTime: f(ref('meta.MicroTime'), 'When the event first happened, with microseconds.'),
      firstTimestamp: f(TIME, 'When the event was first recorded.'),
      involvedObject: f(ref('core.ObjectReference'), 'The object the event is about.'),
      kind: f(S, 'The type of this object: "Event".'),
      lastTimestamp: f(TIME, 'When the event was most recently recorded.'),
      message: f(S, 'What happened, for people.'),
      metadata: f(ref('meta.ObjectMeta'), 'Standard object metadata of the event.'),
      reason: f(S, 'A short CamelCase word for what happened, such as Scheduled, Pulled, Created, Started or BackOff.'),
      related: f(ref('core.ObjectReference'), 'A second object involved, if any.'),
      reportingComponent: f(S, 'The component that reported the event, such as kubelet.'),
      reportingInstance: f(S, 'The instance of that component, such as the node name.'),
      series: f(ANY, 'Data about a series of repeated events.'),
      source: f(ref('core.EventSource'), 'The component that reported the event.'),
      type: f(en('Normal', 'Warning'), 'Normal or Warning.'),
    },
  },
  'core.EventList': listDefinition('Event'),
  'meta.MicroTime': {
    description: 'A point in time with microsecond precision, written as an RFC 3339 string.',
    fields: {},
    scalar: { type: 'string', format: 'date-time' },
  },
  'core.EventSource': {
    description: 'Who reported an event.',
    fields: { component: f(S, 'The component, such as kubelet.'), host: f(S, 'The node it runs on.') },
  },
  'core.ObjectReference': {
    description: 'Points at an object, or a part of it.',
    fields: {
      apiVersion: f(S, 'API version of the object.'),
      fieldPath: f(S, 'A part of the object, such as spec.containers{app} for one container.'),
      kind: f(S, 'Kind of the object.'),
      name: f(S, 'Name of the object.'),
      namespace: f(S, 'Namespace of the object.'),
      resourceVersion: f(S, 'The version of the object the reference was made from.'),
      uid: f(S, 'UID of the object.'),
    },
  },
  'core.Node': {
    description: 'A machine that runs Pods. In Kubelab each sandbox has exactly one node, managed by the platform; it can be read but not changed.',
    gvk: { group: '', version: 'v1', kind: 'Node' },
    fields: {
      ...objectFields('Node', 'node'),
      spec: f(ref('core.NodeSpec'), 'How the node is configured.'),
      status: f(ref('core.NodeStatus'), 'What the node last reported about itself.'),
    },
  },
  'core.NodeList': listDefinition('Node'),
  'core.NodeSpec': {
    description: 'How a node is configured.',
    fields: {
      podCIDR: f(S, 'The range Pod IPs on this node come from.'),
      podCIDRs: f(arr(S, { patchStrategy: 'merge', listType: 'set' }), 'All Pod IP ranges of this node.'),
      providerID: f(S, 'The node\'s id at its infrastructure provider.'),
      taints: f(arr(ref('core.Taint'), { listType: 'atomic' }), 'Taints that keep Pods without a matching toleration away.'),
      unschedulable: f(B, 'When true no new Pods are placed here (`kubectl cordon`).'),
    },
  },
  'core.Taint': {
    description: 'Marks a node so that only Pods tolerating the taint run there.',
    required: ['key', 'effect'],
    fields: {
      effect: f(en('NoExecute', 'NoSchedule', 'PreferNoSchedule'), 'NoSchedule, PreferNoSchedule or NoExecute.'),
      key: f(S, 'The taint key.'),
      timeAdded: f(TIME, 'When a NoExecute taint was added.'),
      value: f(S, 'The taint value.'),
    },
  },
  'core.NodeStatus': {
    description: 'What a node reports about itself.',
    fields: {
      addresses: f(keyed(ref('core.NodeAddress'), 'type'), 'How to reach the node.'),
      allocatable: f(map(QUANTITY), 'Resources available to Pods.'),
      capacity: f(map(QUANTITY), 'The node\'s total resources.'),
      conditions: f(keyed(ref('core.NodeCondition'), 'type'), 'Ready, MemoryPressure, DiskPressure, PIDPressure and others.'),
      daemonEndpoints: f(ref('core.NodeDaemonEndpoints'), 'Ports of the daemons on the node.'),
      images: f(arr(ref('core.ContainerImage'), { listType: 'atomic' }), 'Images present on the node.'),
      nodeInfo: f(ref('core.NodeSystemInfo'), 'Versions of the node\'s software.'),
      phase: f(S, 'Deprecated; not set.'),
    },
  },
  'core.NodeAddress': {
    description: 'One address of a node.',
    required: ['type', 'address'],
    fields: { address: f(S, 'The address.'), type: f(S, 'Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.') },
  },
  'core.NodeCondition': {
    description: 'One aspect of a node\'s health.',
    required: ['type', 'status'],
    fields: {
      lastHeartbeatTime: f(TIME, 'When the node last reported this condition.'),
      lastTransitionTime: f(TIME, 'When the status last changed.'),
      message: f(S, 'Details for people.'),
      reason: f(S, 'A machine-readable reason.'),
      status: f(S, 'True, False or Unknown.'),
      type: f(S, 'Ready, MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable.'),
    },
  },
  'core.NodeDaemonEndpoints': {
    description: 'Ports of the daemons on a node.',
    fields: { kubeletEndpoint: f(ANY, 'The kubelet\'s port.') },
  },
  'core.ContainerImage': {
    description: 'An image present on a node.',
    fields: { names: f(arr(S, { listType: 'atomic' }), 'The image\'s names and digests.'), sizeBytes: f(I64, 'Size in bytes.') },
  },
  'core.NodeSystemInfo': {
    description: 'Versions of a node\'s software.',
    required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'],
    fields: {
      architecture: f(S, 'CPU architecture.'),
      bootID: f(S, 'Id of the current boot.'),
      containerRuntimeVersion: f(S, 'The container runtime, as <name>://<version>.'),
      kernelVersion: f(S, 'Kernel version.'),
      kubeProxyVersion: f(S, 'Deprecated; kube-proxy version.'),
      kubeletVersion: f(S, 'Kubelet version.'),
      machineID: f(S, 'The machine id.'),
      operatingSystem: f(S, 'Operating system family.'),
      osImage: f(S, 'Operating system name and version.'),
      systemUUID: f(S, 'The system UUID.'),
    },
  },
  'core.ConfigMap': {
    description: 'Non-secret configuration as key/value pairs, for Pods to read as environment variables, command arguments or files in a volume.',
    gvk: { group: '', version: 'v1', kind: 'ConfigMap' },
    fields: {
      ...objectFields('ConfigMap', 'config map'),
      binaryData: f(map({ type: 'string', format: 'byte' }), 'Binary values, base64-encoded on the wire. Keys must not repeat those of data.'),
      data: f(map(S), 'Text values. Keys may contain letters, digits, "-", "_" and ".".'),
      immutable: f(B, 'When true the data can no longer be changed; only deleting the object is possible.'),
    },
  },
  'core.ConfigMapList': listDefinition('ConfigMap'),
  'core.Secret': {
    description: 'A small amount of sensitive data, such as a password, a token or a key, for Pods to read as environment variables or files. Values are base64-encoded, which is not encryption.',
    gvk: { group: '', version: 'v1', kind: 'Secret' },
    fields: {
      ...objectFields('Secret', 'secret'),
      data: f(map({ type: 'string', format: 'byte' }), 'The values, base64-encoded.'),
      immutable: f(B, 'When true the data can no longer be changed.'),
      stringData: f(map(S), 'Write-only convenience: plain-text values merged into data when the Secret is stored.'),
      type: f(S, 'How the data is used, such as Opaque (the default), kubernetes.io/tls or kubernetes.io/dockerconfigjson.'),
    },
  },
  'core.SecretList': listDefinition('Secret'),
  'core.ServiceAccount': {
    description: 'An identity for processes that run in Pods. Every namespace has one named "default", used by Pods that name none.',
    gvk: { group: '', version: 'v1', kind: 'ServiceAccount' },
    fields: {
      ...objectFields('ServiceAccount', 'service account'),
      automountServiceAccountToken: f(B, 'Whether Pods using this account get an API token mounted by default.'),
      imagePullSecrets: f(arr(ref('core.LocalObjectReference'), { listType: 'atomic' }), 'Registry credentials added to Pods using this account.'),
      secrets: f(keyed(ref('core.ObjectReference'), 'name'), 'Secrets Pods using this account may use.'),
    },
  },
  'core.ServiceAccountList': listDefinition('ServiceAccount'),
  'core.ResourceQuota': {
    description: 'Limits on what a namespace may hold. In a Kubelab sandbox, "sandbox-quota" in default is the share of the API server the whole sandbox has (objects of each kind, stored bytes); it is read-only.',
    gvk: { group: '', version: 'v1', kind: 'ResourceQuota' },
    fields: {
      ...objectFields('ResourceQuota', 'resource quota'),
      spec: f(ref('core.ResourceQuotaSpec'), 'The limits.'),
      status: f(ref('core.ResourceQuotaStatus'), 'The limits enforced and what is used now.'),
    },
  },
  'core.ResourceQuotaList': listDefinition('ResourceQuota'),
  'core.ResourceQuotaSpec': {
    description: 'The limits of a quota.',
    fields: { hard: f(map(QUANTITY), 'The most of each named resource, such as count/configmaps.') },
  },
  'core.ResourceQuotaStatus': {
    description: 'The limits enforced and the current usage.',
    fields: { hard: f(map(QUANTITY), 'The limits enforced.'), used: f(map(QUANTITY), 'What is used now.') },
  },
  'core.Service': {
    description: 'A stable virtual address and DNS name in front of a set of Pods. Kubelab sandboxes show the API server\'s own "kubernetes" Service; creating Services is not part of this course.',
    gvk: { group: '', version: 'v1', kind: 'Service' },
    fields: {
      ...objectFields('Service', 'service'),
      spec: f(ref('core.ServiceSpec'), 'How the Service is reached and which Pods it sends traffic to.'),
      status: f(ANY, 'The observed state of the Service, such as its load balancer.'),
    },
  },
  'core.ServiceList': listDefinition('Service'),
  'core.ServiceSpec': {
    description: 'The desired state of a Service.',
    fields: {
      clusterIP: f(S, 'The virtual IP inside the cluster; "None" makes a headless Service.'),
      clusterIPs: f(arr(S, { listType: 'atomic' }), 'All virtual IPs of the Service.'),
      internalTrafficPolicy: f(S, 'Cluster or Local.'),
      ipFamilies: f(arr(S, { listType: 'atomic' }), 'IPv4, IPv6 or both.'),
      ipFamilyPolicy: f(S, 'SingleStack, PreferDualStack or RequireDualStack.'),
      ports: f({ type: 'array', items: ref('core.ServicePort'), mergeKey: 'port', patchStrategy: 'merge', listType: 'map', listMapKeys: ['port', 'protocol'] }, 'The ports the Service exposes.'),
      selector: f(map(S), 'Labels of the Pods that receive the traffic.'),
      sessionAffinity: f(S, 'ClientIP or None.'),
      type: f(en('ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'), 'How the Service is exposed: ClusterIP (the default), NodePort, LoadBalancer or ExternalName.'),
    },
  },
  'core.ServicePort': {
    description: 'One port of a Service.',
    required: ['port'],
    fields: {
      name: f(S, 'A name for the port, needed when there are several.'),
      nodePort: f(I32, 'The port on every node, for NodePort and LoadBalancer Services.'),
      port: f(I32, 'The port the Service listens on.'),
      protocol: f(en('SCTP', 'TCP', 'UDP'), 'TCP (the default), UDP or SCTP.'),
      targetPort: f(INT_OR_STRING, 'The port on the Pods, by number or by name; defaults to port.'),
    },
  },
};

