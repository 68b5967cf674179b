// The commands of a Pods course that need a container to run (logs, exec, attach, cp,
// port-forward, debug, deadlines), each with what real kubectl must print. They run on the
// real kubelet with real containers on Podman, for every kubectl version (real-kubelet.test.ts).

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CaseFailure, fails, ok, show, type Case } from './case.js';

export const POD_CASES: Case[] = [
  {
    id: 'run + wait Ready',
    run: async ({ k }) => {
      ok(await k.run(['run', 'web', '--image=busybox:1.36', '--', 'sh', '-c', 'echo started; exec sleep 3600']), 'pod/web created');
      ok(await k.run(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']), 'pod/web condition met');
      ok(await k.run(['get', 'pods', '-o', 'wide']), /^web\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+kubelab-node\s/m);
    },
  },
  {
    id: 'describe (kubelet events)',
    run: async ({ k }) => void ok(await k.run(['describe', 'pod', 'web']), /Normal\s+Scheduled\s+.*default-scheduler/, /Normal\s+Started\s+\S+\s+kubelet\s+Started container web/),
  },
  {
    id: 'logs',
    run: async ({ k }) => {
      ok(await k.run(['logs', 'web']), /^started\n$/);
      ok(await k.run(['logs', 'web', '--tail=1']), /^started\n$/);
      fails(await k.run(['logs', 'web', '-c', 'nope']), 'container nope is not valid for pod web');
    },
  },
  {
    id: 'exec',
    run: async ({ k }) => {
      ok(await k.run(['exec', 'web', '--', 'sh', '-c', 'echo $((6*7))']), /^42\n$/);
      ok(await k.run(['exec', '-i', 'web', '--', 'cat'], { stdin: 'through stdin\n' }), /^through stdin\n$/);
      const r = await k.run(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
      if (r.code !== 3 || !r.stderr.includes('command terminated with exit code 3')) throw new CaseFailure(show(r));
      fails(await k.run(['exec', 'web', '-c', 'nope', '--', 'true']), 'container nope is not valid for pod web');
    },
  },
  {
    id: 'logs: stdout and stderr',
    run: async ({ k }) => {
      ok(await k.run(['run', 'outerr', '--image=busybox:1.36', '--restart=Never', '--', 'sh', '-c', 'echo to-stdout; echo to-stderr >&2']), 'pod/outerr created');
      ok(await k.run(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/outerr', '--timeout=60s']), 'pod/outerr condition met');
      ok(await k.run(['logs', 'outerr']), /^to-stdout$/m, /^to-stderr$/m);
      // A finished container's log ends, so a follow does too.
      ok(await k.run(['logs', '-f', 'outerr']), /^to-stdout$/m, /^to-stderr$/m);
      ok(await k.run(['delete', 'pod', 'outerr', '--wait=false']));
    },
  },
  {
    id: '/etc/hosts as the kubelet writes it',
    run: async ({ k }) => {
      const ip = ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).stdout;
      const hosts = ok(await k.run(['exec', 'web', '--', 'cat', '/etc/hosts'])).stdout;
      if (!hosts.startsWith('# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n') || !hosts.endsWith(`\n${ip}\tweb\n`)) throw new CaseFailure(`/etc/hosts: ${JSON.stringify(hosts)}`);
      ok(await k.run(['exec', 'web', '--', 'cat', '/etc/resolv.conf']), /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\nnameserver 10\.96\.0\.10\noptions ndots:5\n$/);
    },
  },
  {
    id: 'debug (ephemeral container)',
    run: async ({ k }) => {
      const r = await k.run(['debug', 'web', '--image=busybox:1.36', '-c', 'dbg', '--', 'sh', '-c', 'echo debugging; exec sleep 600']);
      if (r.code !== 0) throw new CaseFailure(show(r));
      ok(await k.run(['wait', '--for=jsonpath={.status.ephemeralContainerStatuses[0].started}=true', 'pod/web', '--timeout=60s']), 'pod/web condition met');
      ok(await k.run(['logs', 'web', '-c', 'dbg']), /^debugging\n$/);
      ok(await k.run(['exec', 'web', '-c', 'dbg', '--', 'hostname']), /^web\n$/);
      ok(await k.run(['describe', 'pod', 'web']), /^Ephemeral Containers:\n\s+dbg:\n/m, /Started container dbg/);
      fails(await k.run(['debug', 'web', '--image=busybox:1.36', '-c', 'web', '--', 'true']), 'spec.ephemeralContainers[1].name: Duplicate value: "web"');
    },
  },
  {
    id: 'debug -i --target',
    run: async ({ k }) => {
      // The target's main process (sleep, exec'd by its shell) is PID 1 of the namespace the debug shell joined.
      ok(await k.run(['debug', '-i', 'web', '--image=busybox:1.36', '--target=web', '-c', 'shell', '--', 'sh'], { stdin: 'ps -o pid,args; exit\n', timeoutMs: 60_000 }), /^\s*1 sleep 3600$/m, /^\s*\d+ sh$/m);
    },
  },
  {
    id: 'activeDeadlineSeconds',
    run: async ({ k }) => {
      ok(await k.run(['run', 'dl', '--image=busybox:1.36', '--restart=Never', '--overrides={"spec":{"activeDeadlineSeconds":3,"terminationGracePeriodSeconds":0}}', '--', 'sleep', '3600']), 'pod/dl created');
      ok(await k.run(['wait', '--for=jsonpath={.status.reason}=DeadlineExceeded', 'pod/dl', '--timeout=60s']), 'pod/dl condition met');
      ok(await k.run(['get', 'pod', 'dl', '-o', 'jsonpath={.status.phase} {.status.message}']), /^Failed Pod was active on the node longer than the specified deadline$/);
      fails(await k.run(['patch', 'pod', 'dl', '-p', '{"spec":{"activeDeadlineSeconds":4}}']), 'spec.activeDeadlineSeconds: Invalid value: 4: must be less than or equal to previous value');
    },
  },
  {
    id: 'attach -i',
    run: async ({ k }) => {
      // The container's main process is `cat`: what kubectl sends to stdin comes back on stdout,
      // and closing stdin ends it, so the Pod completes.
      ok(await k.run(['run', 'att', '--image=busybox:1.36', '--stdin', '--attach=false', '--restart=Never', '--', 'cat']), 'pod/att created');
      ok(await k.run(['wait', '--for=condition=Ready', 'pod/att', '--timeout=60s']));
      ok(await k.run(['attach', '-i', 'att'], { stdin: 'to the main process\n', timeoutMs: 30_000 }), 'to the main process');
    },
  },
  {
    id: 'run -i --rm',
    run: async ({ k }) => {
      ok(await k.run(['run', 'once', '-i', '--rm', '--image=busybox:1.36', '--restart=Never', '--', 'cat'], { stdin: 'round trip\n', timeoutMs: 60_000 }), 'round trip', 'pod "once" deleted');
      fails(await k.run(['get', 'pod', 'once']), 'Error from server (NotFound): pods "once" not found');
    },
  },
  {
    id: 'run -it --rm',
    run: async ({ k }) => {
      // Without a terminal kubectl says so and goes on without one, as it does on a real cluster.
      // The container still has a TTY, where closing stdin is no end of input: the process ends
      // after one line instead (`cat` waited for ever: the kill after 60 s was all that ended it).
      const r = ok(await k.run(['run', 'tty', '-it', '--rm', '--image=busybox:1.36', '--restart=Never', '--', 'head', '-n', '1'], { stdin: 'typed\n', timeoutMs: 60_000 }), 'typed', 'pod "tty" deleted');
      if (!r.stderr.includes('Unable to use a TTY - input is not a terminal')) throw new CaseFailure(show(r));
    },
  },
  {
    id: 'cp',
    run: async ({ k, dir }) => {
      const local = path.join(dir, 'up.txt');
      writeFileSync(local, 'real copy\n');
      ok(await k.run(['cp', local, 'web:/tmp/up.txt']));
      ok(await k.run(['exec', 'web', '--', 'cat', '/tmp/up.txt']), 'real copy');
      const back = path.join(dir, 'down.txt');
      ok(await k.run(['cp', 'web:/tmp/up.txt', back]));
      if (readFileSync(back, 'utf8') !== 'real copy\n') throw new CaseFailure('downloaded file differs');
    },
  },
  {
    id: 'port-forward',
    run: async ({ k }) => {
      ok(await k.run(['run', 'www', '--image=busybox:1.36', '--', 'sh', '-c', 'mkdir -p /www && echo served > /www/index.html && exec httpd -f -p 8080 -h /www']), 'pod/www created');
      ok(await k.run(['wait', '--for=condition=Ready', 'pod/www', '--timeout=60s']));
      const got = await k.portForwardFetch('pod/www', 8080);
      if (!got.startsWith('200 served')) throw new CaseFailure(`port-forward fetch: ${got}`);
    },
  },
  {
    id: 'delete --now / wait --for=delete',
    run: async ({ k }) => {
      ok(await k.run(['delete', 'pod', 'web', '--now', '--timeout=30s']), 'pod "web" deleted');
      ok(await k.run(['delete', 'pod', 'www', '--wait=false', '--grace-period=1']), 'pod "www" deleted');
      const w = await k.run(['wait', '--for=delete', 'pod/www', '--timeout=30s']);
      if (w.code !== 0) throw new CaseFailure(show(w));
      fails(await k.run(['get', 'pod', 'web']), 'Error from server (NotFound): pods "web" not found');
    },
  },
];
