// The runners this web app places sandboxes on (RUNNER_URLS), each recorded as a Runner row
// from its own health and capacity answers. A runner that stops answering is marked down and its
// live sandboxes lost; one that answers again is up, and the lost sandboxes it still holds are
// found again (lost-sandboxes.ts). Every call for a sandbox goes to the runner that holds it.
import type { Runner, Sandbox } from '@prisma/client';
import type { Db } from '../db';
import type { RunnerEndpoint } from '../env';
import { RunnerClient, RunnerClientError } from './client';
import { findLostSandboxesAgain, markSandboxesLost } from './lost-sandboxes';

/** A configured runner with its row id and its client. */
export interface RegisteredRunner {
  id: string;
  url: string;
  client: RunnerClient;
}

export class RunnerRegistry {
  private readonly clients: Map<string, RunnerClient>;
  private registered: Promise<RegisteredRunner[]> | undefined;
  private readonly checking = new Map<string, Promise<Runner>>();
  private lastCheckAll = 0;

  constructor(
    readonly endpoints: RunnerEndpoint[],
    /** A runner's record older than this is asked again before placement relies on it. */
    private readonly checkIntervalMs: number,
  ) {
    if (endpoints.length === 0) throw new Error('no runner is configured (RUNNER_URLS or RUNNER_URL)');
    this.clients = new Map(
      endpoints.map((e) => {
        if (!e.token) throw new Error('RUNNER_TOKEN is not set: the web app cannot reach the lab runner');
        return [e.url, new RunnerClient({ baseUrl: e.url, token: e.token })];
      }),
    );
  }

  /**
   * Every configured runner with its row, written on first use (a new URL gets a row, state "down"
   * until it answers). Sandbox rows from before several runners name no runner: they were made on
   * the one runner there was, which is taken to be the first configured.
   */
  runners(db: Db): Promise<RegisteredRunner[]> {
    this.registered ??= (async () => {
      const rows = [];
      for (const { url } of this.endpoints) rows.push(await db.runner.upsert({ where: { url }, create: { url }, update: {} }));
      await db.sandbox.updateMany({ where: { hostRunnerId: null }, data: { hostRunnerId: rows[0]!.id } });
      return rows.map((row) => ({ id: row.id, url: row.url, client: this.clientOf(row.url) }));
    })().catch((error: unknown) => {
      this.registered = undefined;
      throw error;
    });
    return this.registered;
  }

  /** The runner holding the row's sandbox. */
  async hostOf(db: Db, row: Pick<Sandbox, 'hostRunnerId'>): Promise<RegisteredRunner> {
    const all = await this.runners(db);
    // A row loaded before registration named no runner yet: it is on the first (see runners()).
    const host = row.hostRunnerId ? all.find((r) => r.id === row.hostRunnerId) : all[0];
    if (host) return host;
    // A runner removed from RUNNER_URLS: its sandboxes are unreachable from here.
    throw new RunnerClientError('sandbox_lost', 410, 'the runner that held this sandbox is no longer configured');
  }

  /**
   * Asks one runner for its health and capacity and records the answer. Going down marks its live
   * sandboxes lost; answering finds its lost sandboxes again. Concurrent checks of one runner share one.
   */
  check(db: Db, runner: RegisteredRunner): Promise<Runner> {
    let pending = this.checking.get(runner.id);
    if (!pending) {
      pending = this.checkNow(db, runner).finally(() => this.checking.delete(runner.id));
      this.checking.set(runner.id, pending);
    }
    return pending;
  }

  /** Checks every runner; the rows in configuration order. */
  async checkAll(db: Db): Promise<Runner[]> {
    this.lastCheckAll = Date.now();
    const all = await this.runners(db);
    return Promise.all(all.map((r) => this.check(db, r)));
  }

  /** The runners' rows, asked again first when the last round is older than the check interval. */
  async current(db: Db): Promise<Runner[]> {
    if (Date.now() - this.lastCheckAll >= this.checkIntervalMs) return this.checkAll(db);
    const ids = (await this.runners(db)).map((r) => r.id);
    const rows = await db.runner.findMany({ where: { id: { in: ids } } });
    return ids.flatMap((id) => rows.filter((r) => r.id === id));
  }

  /**
   * Runs `call` on the runner holding the row's sandbox. When that runner does not answer and a
   * health check confirms it is down, the sandbox is lost: `sandbox_lost` (410), not a retry loop.
   */
  async onHost<T>(db: Db, row: Pick<Sandbox, 'hostRunnerId' | 'state'>, call: (client: RunnerClient) => Promise<T>): Promise<T> {
    const host = await this.hostOf(db, row);
    if (row.state === 'lost' && (await this.check(db, host)).state !== 'up') throw lostError();
    try {
      return await call(host.client);
    } catch (error) {
      if (!(error instanceof RunnerClientError) || error.code !== 'runner_unreachable') throw error;
      if ((await this.check(db, host)).state === 'down') throw lostError({ cause: error });
      throw error;
    }
  }

  /** The owner's sandboxes on every runner that answers (one that does not is left out, not an error). */
  async listEverywhere(db: Db, owner: string): Promise<Awaited<ReturnType<RunnerClient['listSandboxes']>>> {
    const lists = await Promise.all(
      (await this.runners(db)).map((r) =>
        r.client.listSandboxes(owner).catch((error: unknown) => {
          if (error instanceof RunnerClientError && error.code === 'runner_unreachable') return [];
          throw error;
        }),
      ),
    );
    return lists.flat();
  }

  /** Lowers a runner's recorded free slots after a placement, so placements between checks spread. */
  async tookSlot(db: Db, runnerId: string): Promise<void> {
    await db.runner.updateMany({ where: { id: runnerId, freeSlots: { gt: 0 } }, data: { freeSlots: { decrement: 1 } } });
  }

  clientOf(url: string): RunnerClient {
    const client = this.clients.get(url);
    if (!client) throw new Error(`${url} is not a configured runner`);
    return client;
  }

  private async checkNow(db: Db, runner: RegisteredRunner): Promise<Runner> {
    const checkedAt = new Date();
    try {
      const capacity = await runner.client.capacity();
      const row = await db.runner.update({
        where: { id: runner.id },
        data: {
          state: 'up',
          lastHealth: 'ok',
          provider: capacity.provider,
          capacity: capacity.maxSandboxes,
          freeSlots: capacity.free,
          lastSeenAt: checkedAt,
          checkedAt,
        },
      });
      // A runner that answers health but fails mid-way here keeps its sandboxes lost until the next round.
      await findLostSandboxesAgain(db, runner).catch((error: unknown) => {
        if (!(error instanceof RunnerClientError)) throw error;
      });
      return row;
    } catch (error) {
      if (!(error instanceof RunnerClientError)) throw error;
      const row = await db.runner.update({ where: { id: runner.id }, data: { state: 'down', lastHealth: error.code, freeSlots: 0, checkedAt } });
      await markSandboxesLost(db, runner.id);
      return row;
    }
  }
}

export function lostError(options?: { cause?: unknown }): RunnerClientError {
  return new RunnerClientError('sandbox_lost', 410, 'the runner holding this sandbox stopped answering: start a new sandbox (your progress is kept)', options);
}
