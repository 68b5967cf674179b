// kind's container labels and names: how kind (and this provider after a restart) finds a
// cluster's node containers on the engine.

export const KIND_LABEL_CLUSTER = 'io.x-k8s.kind.cluster';
export const KIND_LABEL_ROLE = 'io.x-k8s.kind.role';

/** The single control-plane node's container name for cluster `name`, as kind names it. */
export const nodeName = (name: string) => `${name}-control-plane`;

/**
 * Where a node's hostPath volumes are rooted, when not at the node's own `/`: the stand-in's
 * node serves an embedded cluster whose node directory lives on the host (testing/).
 */
export const NODE_ROOT_LABEL = 'io.kubelab.kind.node-root';
