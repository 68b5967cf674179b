// What the embedded provider (src/providers/embedded) uses: one process hosting many
// virtual clusters, each an API server identity plus a kubelet.

export interface EmbeddedCluster {
  readonly id: string;
  /** Bearer token that selects this cluster on the shared TLS listener. */
  readonly token: string;
  /** Unix socket speaking plain HTTP for this cluster only (the socket is the identity); bind-mounted into the toolbox. */
  readonly socketPath: string;
  /** The node's filesystem root for hostPath volumes and node-directory checks. */
  readonly nodeDir: string;
  /** A kubeconfig for host-side clients: https://127.0.0.1:<port>, the self-generated CA, this cluster's token. */
  kubeconfig(): string;
}

export interface EmbeddedClusterHostOptions {
  /** Durable state (objects, resourceVersions, CA) lives here; a restarted host serves the same clusters. */
  stateDir: string;
  /** TLS listener port on 127.0.0.1; 0 picks a free one. */
  port: number;
}

export interface EmbeddedClusterHost {
  /** Loads the clusters in stateDir, starts their kubelets (which adopt running containers) and the listener. */
  start(): Promise<void>;
  /** Stops serving; containers keep running for the next start. Safe twice. */
  stop(): Promise<void>;
  readonly port: number;
  createCluster(id: string): Promise<EmbeddedCluster>;
  getCluster(id: string): EmbeddedCluster | undefined;
  listClusters(): EmbeddedCluster[];
  /** Deletes the cluster: its Pods' containers, node directory, sockets and state. Idempotent. */
  deleteCluster(id: string): Promise<void>;
}
