// The watch verb: the initial ADDED events (or a replay from a resourceVersion still in the
// history, else the 410 Expired ERROR event), then the changes that match the selectors, until
// timeoutSeconds or the client leaves. Each watch holds one of the sandbox's watch slots.

import type { KubeObject } from '../../k8s-types.js';
import { badRequest } from '../../status-error.js';
import type { WatchEventType } from '../cluster.js';
import { includeObject, metadataOnly, wantsMetadata, wantsTable } from '../negotiation.js';
import { listOptions } from '../request-options.js';
import { ResourceExpiredError } from '../store.js';
import { table } from '../tables.js';
import type { VerbRequest } from './verb-request.js';

const MAX_WATCH_BUFFER = 16 * 1024 * 1024;

export function serveWatch(r: VerbRequest): void {
  const { cluster, req, res, q, info, ns } = r;
  const opts = listOptions(q, info, ns);
  const asTable = wantsTable(req);
  const asMeta = wantsMetadata(req);
  const include = includeObject(q);
  const rvParam = q.get('resourceVersion') ?? '';
  let since: number | undefined;
  if (rvParam !== '' && rvParam !== '0') {
    since = Number(rvParam);
    if (!Number.isInteger(since) || since < 0) throw badRequest(`invalid resource version: ${rvParam}`);
  }
  const render = (o: KubeObject) => (asTable ? table(info.name, [o], include, { resourceVersion: o.metadata.resourceVersion }) : asMeta ? metadataOnly(o) : o);
  // One of the sandbox's watch slots, held until the stream ends (429 when none is free).
  const release = cluster.shares.openWatch();
  res.on('close', release);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (type: WatchEventType | 'ERROR' | 'BOOKMARK', object: unknown) => {
    if (res.destroyed || res.writableEnded) return;
    // A client that stopped reading is cut off (it re-lists and re-watches) instead of buffering without bound.
    if (res.writableLength > MAX_WATCH_BUFFER) {
      res.destroy();
      return;
    }
    res.write(JSON.stringify({ type, object }) + '\n');
  };
  // Keys of objects the client currently sees as matching, so selector changes become ADDED/DELETED.
  // A watch resuming at `since` starts from what matched then, not now: the changes replayed
  // below (made between the client's list and this watch) are judged against that.
  const visible = new Set<string>();
  const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  const then = since === undefined ? new Map<string, KubeObject | null | undefined>() : cluster.store.statesAt(info.name, since);
  for (const o of cluster.list(info.name, opts).items) {
    const key = keyOf(o);
    if (then.get(key) === undefined) visible.add(key);
    if (since === undefined) send('ADDED', render(o));
  }
  for (const [key, was] of then) {
    if (was === null) visible.delete(key);
    else if (was) {
      if (cluster.matches(info.name, was, opts)) visible.add(key);
      else visible.delete(key);
    }
  }
  const onChange = (type: WatchEventType, o: KubeObject) => {
    const key = keyOf(o);
    const match = cluster.matches(info.name, o, opts);
    if (type === 'DELETED') {
      if (visible.delete(key) || match) send('DELETED', render(o));
      return;
    }
    if (match) {
      send(visible.has(key) && type !== 'ADDED' ? 'MODIFIED' : 'ADDED', render(o));
      visible.add(key);
    } else if (visible.delete(key)) send('DELETED', render(o));
  };
  let unsubscribe: () => void = () => {};
  try {
    unsubscribe = cluster.store.watch({ resource: info.name, onChange: (c) => onChange(c.type, c.object) }, since);
  } catch (e) {
    if (e instanceof ResourceExpiredError) {
      send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: 'Expired', code: 410 });
      res.end();
      return;
    }
    throw e;
  }
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    release();
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timeout = Number(q.get('timeoutSeconds') ?? '0');
  // Without timeoutSeconds the real server ends watches after a random 30–60 minutes.
  const ms = timeout > 0 ? timeout * 1000 : (1800 + Math.random() * 1800) * 1000;
  timer = setTimeout(finish, ms);
  req.on('close', finish);
  res.on('close', finish);
}
