// Per-sandbox relay sockets that the toolboxes see. Each toolbox bind-mounts a directory
// holding only its relay socket (`<dir>/<id>/api.sock`), and the runner pipes every
// connection to that cluster's own API socket. Why not mount the cluster's socket itself: a
// bind-mounted socket file keeps its old inode when the host re-creates the socket after a
// restart, and the cluster's directory holds its token and store, which a learner must not
// see. A directory mount sees the re-created relay socket; the directory holds nothing else.

import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const UNIX_PATH_MAX = 100;

export class SocketRelays {
  private readonly servers = new Map<string, { server: net.Server; sockets: Set<net.Socket> }>();

  constructor(private readonly baseDir: string) {}

  /** The directory to bind-mount at /run/kubelab for sandbox `id`. */
  dirFor(id: string): string {
    const preferred = path.join(this.baseDir, id);
    if (Buffer.byteLength(path.join(preferred, 'api.sock')) <= UNIX_PATH_MAX) return preferred;
    const digest = createHash('sha256').update(preferred).digest('hex').slice(0, 16);
    return path.join(os.tmpdir(), 'kubelab-relays', digest);
  }

  /** Starts (or restarts) the relay of sandbox `id` to `target`; resolves to the directory to mount. */
  async open(id: string, target: string): Promise<string> {
    await this.close(id);
    const dir = this.dirFor(id);
    // The relays' parent is the runner's alone (0700): the socket itself must be connectable by
    // the toolbox's root, an unprivileged host uid under a user namespace, so it is 0666.
    mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    chmodSync(path.dirname(dir), 0o700);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const socketPath = path.join(dir, 'api.sock');
    rmSync(socketPath, { force: true });
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const upstream = net.connect(target);
      sockets.add(client).add(upstream);
      const done = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', done).on('close', done);
      upstream.on('error', done).on('close', done);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        chmodSync(socketPath, 0o666);
        resolve();
      });
    });
    this.servers.set(id, { server, sockets });
    return dir;
  }

  /** Stops the relay; its directory stays for a restarted runner unless `remove`. */
  async close(id: string, remove = false): Promise<void> {
    const entry = this.servers.get(id);
    this.servers.delete(id);
    if (entry) {
      for (const socket of entry.sockets) socket.destroy();
      await new Promise<void>((resolve) => entry.server.close(() => resolve()));
    }
    if (remove) rmSync(this.dirFor(id), { recursive: true, force: true });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((id) => this.close(id)));
  }

  has(id: string): boolean {
    return this.servers.has(id);
  }
}
