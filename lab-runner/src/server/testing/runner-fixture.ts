// A whole runner on port 0 for integration tests and the bench: real embedded provider,
// the real engine DOCKER_HOST names (Podman by default), a state directory and sandbox id prefix of its own, and a leak check that
// lists whatever is left on the engine and on disk for this runner's sandboxes.

import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import WebSocket from 'ws';
import { loadConfig } from '../../config.js';
import { removalStage } from '../../embedded/kubelet/userns-holders.js';
import { engineSocket } from '../../engine-check.js';
import { createLogger, silentLogger, type Logger } from '../../log.js';
import { createEmbeddedProvider } from '../../providers/embedded/index.js';
import { startRunner, type Runner, type RunnerParts } from '../runner-app.js';

export const DOCKER_SOCKET = engineSocket();
export const ALLOWED_ORIGIN = 'http://localhost:3000';

export interface FixtureOptions {
  env?: Record<string, string>;
  parts?: Omit<RunnerParts, 'provider' | 'idPrefix'>;
  /** Reuse the state (and prefix) of an earlier fixture: a restarted runner. */
  reuse?: { stateDir: string; prefix: string };
  logger?: Logger;
}

export interface ApiReply {
  status: number;
  json: any;
}

export class RunnerFixture {
  readonly token = `fixture-token-${randomUUID()}`;
  runner!: Runner;
  stateDir!: string;
  prefix!: string;

  static async start(options: FixtureOptions = {}): Promise<RunnerFixture> {
    const fixture = new RunnerFixture();
    fixture.stateDir = options.reuse?.stateDir ?? (await mkdtemp(path.join(tmpdir(), 'kubelab-runner-')));
    fixture.prefix = options.reuse?.prefix ?? `t${randomUUID().slice(0, 6)}-`;
    const config = loadConfig({
      // Unused by the runner; present so this is a ProcessEnv under Next's types too (see runner-child.ts).
      NODE_ENV: process.env.NODE_ENV,
      RUNNER_TOKEN: fixture.token,
      RUNNER_PORT: '0',
      RUNNER_STATE_DIR: fixture.stateDir,
      RUNNER_WARM_POOL_SIZE: '0',
      RUNNER_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
      RUNNER_SANDBOX_PREFIX: fixture.prefix,
      RUNNER_SHUTDOWN_DRAIN_MS: '2000',
      DOCKER_HOST: `unix://${DOCKER_SOCKET}`,
      ...options.env,
    });
    const logger = options.logger ?? (process.env.KUBELAB_TEST_LOGS ? createLogger({ level: 'debug' }) : silentLogger);
    const provider = createEmbeddedProvider({ ...config, idPrefix: fixture.prefix, labels: { 'io.kubelab.test-run': fixture.prefix } }, logger);
    fixture.runner = await startRunner(config, logger, { ...options.parts, provider, idPrefix: fixture.prefix });
    return fixture;
  }

  get url(): string {
    return this.runner.url;
  }

  async api(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiReply> {
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  /** The Prometheus text of /metrics, fetched with the runner token. */
  async metrics(): Promise<string> {
    const reply = await this.api('GET', '/metrics');
    if (reply.status !== 200) throw new Error(`/metrics answered ${reply.status}`);
    return String(reply.json);
  }

  async createSandbox(owner: string, exercise: unknown): Promise<any> {
    const reply = await this.api('POST', '/v1/sandboxes', { owner, exercise });
    if (reply.status !== 201) throw new Error(`create answered ${reply.status}: ${JSON.stringify(reply.json)}`);
    return reply.json;
  }

  async shellUrl(id: string, terminal = 'main'): Promise<string> {
    const reply = await this.api('POST', `/v1/sandboxes/${id}/shell-tickets`, { terminal });
    if (reply.status !== 201) throw new Error(`shell-tickets answered ${reply.status}: ${JSON.stringify(reply.json)}`);
    return reply.json.url as string;
  }

  /** Containers, cluster state and relays still present for this runner's sandboxes. */
  leftovers(): Promise<string[]> {
    return leftovers(this.prefix, this.stateDir);
  }

  /** Stops the runner; sandboxes stay (a restart test starts another fixture on the same state). */
  async stop(): Promise<void> {
    await this.runner.stop();
  }

  /** Stops the runner and removes everything this fixture's sandboxes left. */
  async destroy(): Promise<void> {
    await this.runner.stop();
    await removeContainers(this.prefix);
    await rm(this.stateDir, { recursive: true, force: true });
  }
}

/** Containers, cluster state and relays present for sandboxes with ids starting with `prefix`. */
export async function leftovers(prefix: string, stateDir: string): Promise<string[]> {
  const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
  const containers = await docker.listContainers({ all: true, filters: { label: ['io.kubelab.managed=true'] } });
  const found = containers
    .filter((c) => (c.Labels['io.kubelab.sandbox'] ?? c.Labels['io.kubelab.cluster'] ?? '').startsWith(prefix))
    .map((c) => `container ${c.Names[0] ?? c.Id} of ${c.Labels['io.kubelab.sandbox'] ?? c.Labels['io.kubelab.cluster']}`);
  for (const dir of ['host/clusters', 'relays', 'sandboxes']) {
    const full = path.join(stateDir, dir);
    if (existsSync(full)) for (const name of readdirSync(full)) if (name.startsWith(prefix)) found.push(`${dir}/${name}`);
  }
  return found;
}

/** Force-removes every container of sandboxes with ids starting with `prefix` (on the engine at `socketPath`). */
export async function removeContainers(prefix: string, socketPath = DOCKER_SOCKET): Promise<void> {
  const docker = new Dockerode({ socketPath });
  const containers = await docker.listContainers({ all: true, filters: { label: ['io.kubelab.managed=true'] } });
  const mine = containers.filter((c) => (c.Labels['io.kubelab.sandbox'] ?? c.Labels['io.kubelab.cluster'] ?? '').startsWith(prefix));
  // Infra containers, then user-namespace holders, last: the engine refuses to remove one that others still join.
  for (const group of [0, 1, 2].map((n) => mine.filter((c) => removalStage(c.Labels) === n))) {
    await Promise.all(group.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
}

/** Terminals opened by this test file and not closed yet (closeTerminals ends them). */
const openTerminals = new Set<TerminalClient>();

/**
 * Closes every terminal still open, so a test that failed half-way leaves no shell behind for
 * the next one (call it in afterEach). When the test failed, the end of each terminal's output
 * is printed: a wait that never matched is ended here and says nothing itself.
 */
export async function closeTerminals(context?: { task: { name: string; result?: { state?: string } } }): Promise<void> {
  const open = [...openTerminals];
  if (context?.task.result?.state === 'fail') {
    for (const t of open) process.stderr.write(`[${context.task.name}] terminal still open, its last output: ${JSON.stringify(t.text.slice(-1000))}\n`);
  }
  await Promise.all(open.map((t) => t.close()));
}

/**
 * The bash prompt of the toolbox at the end of the output: the shell is ready for the next
 * command (PS1 ends in "$ "). After a command line that wrapped at the terminal's width,
 * readline follows the next prompt with an erase-to-end-of-line (ESC [K): still the prompt.
 */
const PROMPT_AT_END = /\$ (?:\x1b\[[0-9;?]*[A-Za-z])*$/;

/**
 * A WebSocket terminal client that collects output and waits for patterns. A wait has no
 * budget of its own: it ends when the pattern shows, when the terminal closes, or when the
 * test ends (its timeout is the budget, and closeTerminals ends the wait).
 */
export class TerminalClient {
  text = '';
  readonly controls: any[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) this.text += data.toString('utf8');
      else this.controls.push(JSON.parse(data.toString('utf8')));
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => {
        openTerminals.delete(this);
        resolve((this.closeCode = code));
      }),
    );
  }

  static async open(url: string, options: { origin?: string } = {}): Promise<TerminalClient> {
    const ws = new WebSocket(url, { ...(options.origin ? { origin: options.origin } : {}) });
    const client = new TerminalClient(ws);
    openTerminals.add(client);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade answered ${res.statusCode}`), { status: res.statusCode })));
      });
    } catch (error) {
      openTerminals.delete(client);
      ws.terminate();
      throw error;
    }
    return client;
  }

  /** The HTTP status an upgrade is refused with. */
  static async refusal(url: string, options: { origin?: string } = {}): Promise<number> {
    try {
      const client = await TerminalClient.open(url, options);
      await client.close();
      return 101;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === undefined) throw error;
      return status;
    }
  }

  type(text: string): void {
    this.ws.send(Buffer.from(text), { binary: true });
  }

  control(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Waits until `pattern` shows in the output after offset `from`; `timeoutMs` only where a test means a bound. */
  async waitFor(pattern: RegExp, timeoutMs = Infinity, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text.slice(from))) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in terminal output: ${JSON.stringify(this.text.slice(-600))}`);
      if (this.closeCode !== undefined) throw new Error(`terminal closed (${this.closeCode}) before ${pattern}: ${JSON.stringify(this.text.slice(-600))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.text;
  }

  /** Waits until the shell shows its prompt after offset `from`: the previous command is done. */
  async waitForPrompt(from = 0): Promise<void> {
    await this.waitFor(PROMPT_AT_END, Infinity, from);
  }

  /**
   * Types a command line and waits until the shell is ready for the next one (its prompt shows
   * again after the command's output); resolves with that output (the echo included).
   */
  async run(command: string): Promise<string> {
    // Typed while an earlier command still runs, the line would be echoed by the TTY at once
    // and that command's prompt would look like this one's.
    await this.waitForPrompt();
    const from = this.text.length;
    this.type(command.endsWith('\n') || command.endsWith('\r') ? command : `${command}\r`);
    // The echo of the first line ends in a line break; the prompt after it is the next one.
    await this.waitFor(/\r\n/, Infinity, from);
    await this.waitForPrompt(this.text.indexOf('\r\n', from) + 2);
    return this.text.slice(from);
  }

  /**
   * Runs `stty size` until the TTY reports `rows cols`. A resize reaches the TTY some time after
   * the control message (an engine call, and resizes are spaced out), and keystrokes do not
   * wait for it; each `stty size` runs once the shell is ready for it, and a size that never
   * arrives, or the wrong last size, still fails (at the test's timeout, with the last size seen).
   */
  async waitForSize(rows: number, cols: number): Promise<void> {
    const answer = /[\r\n](\d+) (\d+)\r\n/;
    let seen = '';
    for (;;) {
      const output = await this.run('stty size').catch((error: Error) => {
        throw new Error(`${error.message}; the last size seen was ${seen || 'none'}, waiting for ${rows} ${cols}`);
      });
      const [, seenRows, seenCols] = answer.exec(output) ?? [];
      if (seenRows === undefined) throw new Error(`stty size answered no size: ${JSON.stringify(output)}`);
      seen = `${seenRows} ${seenCols}`;
      if (Number(seenRows) === rows && Number(seenCols) === cols) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async waitForControl(predicate: (message: any) => boolean, timeoutMs = Infinity): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.controls.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching control message; got ${JSON.stringify(this.controls).slice(0, 600)}`);
      if (this.closeCode !== undefined) throw new Error(`terminal closed (${this.closeCode}) before the control message; got ${JSON.stringify(this.controls).slice(0, 600)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): Promise<number> {
    if (this.closeCode === undefined) this.ws.close();
    return this.closed;
  }
}

/** A small draft exercise: setup with a node file, a manifest and a command; checks that the solution satisfies. */
export const DRAFT_EXERCISE = {
  id: 'fixture-two-containers',
  title: { 'zh-CN': '两个容器', en: 'Two containers' },
  description: { 'zh-CN': '测试用练习。', en: 'An exercise for tests.' },
  difficulty: 'beginner',
  estimatedMinutes: 5,
  setup: {
    files: { '/etc/kubelab/greeting': 'hello from setup\n' },
    manifests: ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: lab\n'],
    commands: ['kubectl create namespace prepared'],
  },
  tasks: { 'zh-CN': '创建 Pod web。', en: 'Create the Pod web.' },
  checks: [
    {
      id: 'web-exists',
      kind: 'podExists',
      params: { pod: 'web' },
      title: { 'zh-CN': 'Pod web 存在', en: 'The Pod web exists' },
      failureMessage: { 'zh-CN': '还没有 {pod}：{observed}', en: 'No {pod} yet: {observed}' },
      hints: [{ 'zh-CN': '用 kubectl run。', en: 'Use kubectl run.' }],
    },
    {
      id: 'web-two',
      kind: 'containers',
      params: { pod: 'web', count: 2 },
      points: 2,
      title: { 'zh-CN': 'web 有两个容器', en: 'web has two containers' },
      failureMessage: { 'zh-CN': '{observed}', en: '{observed}' },
      hints: [{ 'zh-CN': '写一个清单。', en: 'Write a manifest.' }],
    },
    {
      id: 'greeting-kept',
      kind: 'nodeFile',
      params: { path: '/etc/kubelab/greeting', match: '^hello' },
      mustFailBeforeSolution: false,
      title: { 'zh-CN': '问候文件还在', en: 'The greeting file is still there' },
      failureMessage: { 'zh-CN': '{observed}', en: '{observed}' },
      hints: [{ 'zh-CN': '别删它。', en: 'Do not delete it.' }],
    },
  ],
  solution: {
    commands: [
      "kubectl apply -f - <<'YAML'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: a\n    image: busybox\n    args: [sleep, '3600']\n  - name: b\n    image: busybox\n    args: [sleep, '3600']\nYAML",
    ],
    explanation: { 'zh-CN': '两个容器。', en: 'Two containers.' },
  },
};

/** The solution's Pod, as a learner would type it into the shell. */
export const SOLUTION_COMMAND = `${DRAFT_EXERCISE.solution.commands[0]}\n`;
