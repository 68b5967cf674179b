// One long-lived shell per Pod inside its network namespace (busybox in the infra
// container), through which the httpGet and tcpSocket probes run. One exec per probe would
// leave one engine monitor process behind per probe for minutes (Podman keeps exec monitors
// for its exit_command_delay); one shell per Pod keeps that cost flat.

import type Dockerode from 'dockerode';
import { POD_NETNS_BUSYBOX } from '../../images/index.js';
import { demux, type ExecResult } from './engine.js';

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

interface Session {
  stream: NodeJS.ReadWriteStream;
  buffer: string;
  onData: (() => void) | undefined;
  closed: boolean;
}

export class NetnsShell {
  private session: Session | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closed = false;

  constructor(
    private readonly docker: Dockerode,
    private readonly infraId: string,
  ) {}

  /** Runs argv (a busybox applet and its arguments) with a time limit; runs are serialised. */
  run(argv: string[], timeoutSeconds: number): Promise<ExecResult> {
    const task = this.queue.then(() => this.runNow(argv, timeoutSeconds));
    this.queue = task.catch(() => undefined);
    return task;
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  private drop(): void {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.closed = true;
    (session.stream as unknown as { destroy(): void }).destroy();
  }

  private async open(): Promise<Session> {
    if (this.session && !this.session.closed) return this.session;
    const exec = await this.docker.getContainer(this.infraId).exec({ Cmd: [POD_NETNS_BUSYBOX, 'sh'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as NodeJS.ReadWriteStream;
    const { stdout, stderr } = demux(this.docker, stream);
    const session: Session = { stream, buffer: '', onData: undefined, closed: false };
    const append = (chunk: Buffer) => {
      session.buffer += chunk.toString('utf8');
      session.onData?.();
    };
    stdout.on('data', append);
    stderr.on('data', append);
    const end = () => {
      session.closed = true;
      session.onData?.();
      if (this.session === session) this.session = undefined;
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
    this.session = session;
    return session;
  }

  private async runNow(argv: string[], timeoutSeconds: number): Promise<ExecResult> {
    if (this.closed) return { exitCode: -1, output: 'the Pod is being torn down', timedOut: false };
    const session = await this.open();
    const marker = `__kubelab_done_${++this.seq}_`;
    const seconds = Math.max(1, Math.ceil(timeoutSeconds));
    session.buffer = '';
    session.stream.write(`${POD_NETNS_BUSYBOX} timeout ${seconds} ${argv.map(quote).join(' ')} </dev/null 2>&1; echo "${marker}$?"\n`);
    return new Promise<ExecResult>((resolve) => {
      const timer = setTimeout(() => {
        session.onData = undefined;
        // A shell that does not answer is replaced on the next run.
        this.drop();
        resolve({ exitCode: -1, output: session.buffer, timedOut: true });
      }, (seconds + 2) * 1000);
      session.onData = () => {
        const match = new RegExp(`${marker}(\\d+)\\n`).exec(session.buffer);
        if (!match && !session.closed) return;
        clearTimeout(timer);
        session.onData = undefined;
        const output = match ? session.buffer.slice(0, match.index) : session.buffer;
        session.buffer = '';
        resolve(match ? { exitCode: Number(match[1]), output, timedOut: false } : { exitCode: -1, output: output || 'the Pod network namespace shell ended', timedOut: false });
      };
      session.onData();
    });
  }
}
