// Web previews: a learner opens what a port of one of their Pods serves, in a browser tab.
//
// Each preview has an origin of its own (`http://<preview id>.preview.localhost:<port>` by
// default, RUNNER_PREVIEW_URL in production), so a page a learner wrote can never read the
// runner's, the web app's or another preview's cookies or storage. The web app asks for a
// one-use ticket (service token) and sends the browser to `/.kubelab/open?ticket=…` on that
// origin; redeeming it sets a host-only, HttpOnly cookie holding the preview's secret, and
// every later request must carry it. A link that leaks after use opens nothing.
// Requests reach the Pod through the sandbox's own API server (pods/portforward), one
// connection per request.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../log.js';
import type { SandboxService } from '../sandboxes/sandbox-service.js';
import { Tickets } from '../server/tickets.js';
import { connectPodPort, type PodPort } from './port-forward-client.js';

export interface PreviewGrant extends PodPort {
  sandboxId: string;
  previewId: string;
}

interface Preview extends PreviewGrant {
  owner: string | undefined;
  secretHash: Buffer;
  secret: string;
}

export interface PreviewGatewayOptions {
  sandboxes: SandboxService;
  logger: Logger;
  /** The preview origin template, `{id}` standing for the preview id in the host. */
  urlTemplate: () => string;
  ticketTtlMs: number;
  /** Requests in flight per sandbox (each is one connection into the Pod). */
  maxInFlight?: number;
  /** Request bodies larger than this are refused (413). */
  bodyLimitBytes?: number;
  /** How long the Pod may take to start answering a request. */
  responseTimeoutMs?: number;
}

const COOKIE = 'kubelab_preview';
const OPEN_PATH = '/.kubelab/open';
const ID_PATTERN = /^[a-z0-9]{24}$/;
const MAX_PREVIEWS_PER_SANDBOX = 32;
/** Hop-by-hop headers (RFC 9110 §7.6.1) and what the runner sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

const sha256 = (text: string) => createHash('sha256').update(text).digest();
const newId = () => {
  // 24 characters of [a-z0-9]: a DNS label that says nothing about its sandbox.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(24)].map((b) => alphabet[b % 36]).join('');
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class PreviewGateway {
  private readonly previews = new Map<string, Preview>();
  private readonly tickets: Tickets<PreviewGrant>;
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly options: PreviewGatewayOptions) {
    this.tickets = new Tickets<PreviewGrant>(options.ticketTtlMs);
  }

  /** A one-use URL that opens the preview of `target` in `sandboxId` (the same preview origin each time). */
  issue(sandboxId: string, owner: string | undefined, target: PodPort): { url: string; expiresAt: Date } {
    let preview = [...this.previews.values()].find(
      (p) => p.sandboxId === sandboxId && p.namespace === target.namespace && p.pod === target.pod && p.port === target.port,
    );
    if (!preview) {
      const mine = [...this.previews.values()].filter((p) => p.sandboxId === sandboxId);
      if (mine.length >= MAX_PREVIEWS_PER_SANDBOX) this.previews.delete(mine[0]!.previewId);
      const secret = randomBytes(32).toString('base64url');
      preview = { ...target, sandboxId, owner, previewId: newId(), secret, secretHash: sha256(secret) };
      this.previews.set(preview.previewId, preview);
    }
    const { ticket, expiresAt } = this.tickets.issue({ sandboxId, previewId: preview.previewId, namespace: target.namespace, pod: target.pod, port: target.port });
    return { url: `${this.origin(preview.previewId)}${OPEN_PATH}?ticket=${ticket}`, expiresAt };
  }

  /** The sandbox ended: its previews and tickets go with it. */
  revoke(sandboxId: string): void {
    this.tickets.revoke(sandboxId);
    for (const [id, preview] of this.previews) if (preview.sandboxId === sandboxId) this.previews.delete(id);
  }

  /** The preview id a request's Host names, or undefined when it is not a preview request. */
  private previewIdOf(req: IncomingMessage): string | undefined {
    const host = (req.headers.host ?? '').toLowerCase();
    const [prefix, suffix] = this.hostParts();
    if (!host.startsWith(prefix) || !host.endsWith(suffix)) return undefined;
    const id = host.slice(prefix.length, host.length - suffix.length);
    return ID_PATTERN.test(id) ? id : undefined;
  }

  /** True when the request's Host is a preview origin. */
  owns(req: IncomingMessage): boolean {
    return this.previewIdOf(req) !== undefined;
  }

  /** Serves the request when its Host is a preview origin; false otherwise. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const previewId = this.previewIdOf(req);
    if (!previewId) return false;
    await this.handle(previewId, req, res);
    return true;
  }

  private async handle(previewId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://preview');
    if (url.pathname === OPEN_PATH) return this.open(previewId, url, res);
    const preview = this.previews.get(previewId);
    if (!preview || !this.hasSecret(req, preview)) {
      return page(res, 403, 'This preview is private', 'Open it from your exercise page: a preview link works only in the browser that opened it.', '这个预览是私有的：请从你的练习页面打开。预览链接只在打开它的浏览器中有效。');
    }
    try {
      this.options.sandboxes.ready(preview.sandboxId, preview.owner);
    } catch {
      return page(res, 410, 'This sandbox has ended', 'Start a sandbox on the exercise page and open the preview again.', '这个沙箱已经结束。请在练习页面启动沙箱后重新打开预览。');
    }
    const count = this.inFlight.get(preview.sandboxId) ?? 0;
    if (count >= (this.options.maxInFlight ?? 8)) {
      res.setHeader('retry-after', '1');
      return page(res, 503, 'Too many preview requests at once', 'Wait a moment and reload.', '同时进行的预览请求太多，请稍后刷新。');
    }
    this.inFlight.set(preview.sandboxId, count + 1);
    try {
      await this.proxy(preview, req, res);
    } finally {
      const left = (this.inFlight.get(preview.sandboxId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(preview.sandboxId, left);
      else this.inFlight.delete(preview.sandboxId);
    }
  }

  private open(previewId: string, url: URL, res: ServerResponse): void {
    const redeemed = this.tickets.redeem(url.searchParams.get('ticket') ?? '');
    const preview = this.previews.get(previewId);
    if (!redeemed.ok || redeemed.grant.previewId !== previewId || !preview) {
      return page(res, 403, 'This preview link was already used or has expired', 'Open the preview again from your exercise page.', '这个预览链接已被使用或已过期。请从练习页面重新打开预览。');
    }
    const secure = this.options.urlTemplate().startsWith('https:') ? '; Secure' : '';
    res.writeHead(303, {
      location: '/',
      'set-cookie': `${COOKIE}=${preview.secret}; Path=/; HttpOnly; SameSite=Lax${secure}`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-length': '0',
    });
    res.end();
  }

  private hasSecret(req: IncomingMessage, preview: Preview): boolean {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name !== COOKIE) continue;
      const offered = sha256(rest.join('='));
      if (timingSafeEqual(offered, preview.secretHash)) return true;
    }
    return false;
  }

  private async proxy(preview: Preview, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const limit = this.options.bodyLimitBytes ?? 8 << 20;
    if (Number(req.headers['content-length'] ?? 0) > limit) return page(res, 413, 'The request is too large for a preview', `At most ${limit} bytes.`, `预览请求最大 ${limit} 字节。`);
    let connection: Duplex;
    try {
      connection = await connectPodPort((await this.options.sandboxes.kubeClients(preview.sandboxId)).config, preview);
    } catch (error) {
      return this.unreachable(preview, res, error);
    }
    const upstream = httpRequest({
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req.headers, preview.port),
      createConnection: () => connection as never,
      // Browsers accept what a learner's quick server sends (bare LF line ends from a CGI
      // script, say): so does the preview. One request per connection, to the learner's own
      // Pod, leaves nothing to smuggle into.
      insecureHTTPParser: true,
      timeout: this.options.responseTimeoutMs ?? 30_000,
    });
    upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${(this.options.responseTimeoutMs ?? 30_000) / 1000} s`)));
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      upstream.once('response', resolve);
      upstream.once('error', reject);
    });
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) upstream.destroy(new Error('request body too large'));
    });
    req.pipe(upstream);
    let response: IncomingMessage;
    try {
      response = await answered;
    } catch (error) {
      connection.destroy();
      return this.unreachable(preview, res, error);
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    res.writeHead(response.statusCode ?? 502, headers);
    await pipeline(response, res).catch(() => connection.destroy());
  }

  private unreachable(preview: Preview, res: ServerResponse, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.options.logger.info('preview_unreachable', { sandbox: preview.sandboxId, pod: preview.pod, port: preview.port, reason });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const where = `${preview.namespace === 'default' ? '' : `${preview.namespace}/`}${preview.pod}`;
    page(
      res,
      502,
      `Nothing answers on port ${preview.port} in Pod ${where}`,
      `Check that a container of the Pod listens on port ${preview.port}, then reload. (${reason})`,
      `Pod ${where} 的 ${preview.port} 端口没有响应：请确认 Pod 中有容器在该端口监听，然后刷新。`,
    );
  }

  private origin(previewId: string): string {
    return this.options.urlTemplate().replace('{id}', previewId).replace(/\/$/, '');
  }

  /** The Host header before and after the id, e.g. ['', '.preview.localhost:4100']. */
  private hostParts(): [string, string] {
    const host = new URL(this.options.urlTemplate().replace('{id}', 'x-id-x')).host;
    const [before, after] = host.split('x-id-x') as [string, string];
    return [before, after];
  }
}

function forwardedHeaders(incoming: IncomingHttpHeaders, port: number): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'host') continue;
    if (name === 'cookie') {
      // The preview's own secret stays with the runner; the Pod sees the rest.
      const rest = String(value)
        .split(';')
        .map((p) => p.trim())
        .filter((p) => p && !p.startsWith(`${COOKIE}=`));
      if (rest.length) headers.cookie = rest.join('; ');
      continue;
    }
    headers[name] = value;
  }
  headers.host = `localhost:${port}`;
  headers.connection = 'close';
  return headers;
}

function page(res: ServerResponse, status: number, title: string, text: string, zh: string): void {
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escapeHtml(title)}</title><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p><p lang="zh-CN">${escapeHtml(zh)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

