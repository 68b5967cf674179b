// The commands of a Pods course that check what the API server prints, each with what real
// kubectl must show. They run on the stand-in kubelet (stand-in-kubelet.ts), which reports
// every Pod Running and Ready at once with fixed addresses: a real kubelet would make these
// answers depend on timing. It restarts a container whose image changes (set image, edit, patch
// and apply change images here, so READY, RESTARTS and STATUS would race the next command),
// rewrites a status the test patched (status subresource) on its next sync, assigns Pod IPs in
// start order (get -o wide expects 10.244.0.7) and reports Running only after the containers
// start (get -w and --watch-only would see a varying number of rows). Every case that needs a
// container to run (logs, exec, attach, cp, port-forward, debug, deadlines) is in pod-cases.ts
// and runs on the real kubelet.

import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CaseFailure, fails, ok, show, type Case, type CaseContext } from './case.js';

function podYaml(name: string, image: string, labels: Record<string, string> = { app: name }, extraSpec = '', container = name): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    ...Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`),
    'spec:',
    '  containers:',
    `  - name: ${container}`,
    `    image: ${image}`,
    ...(extraSpec ? [extraSpec] : []),
    '',
  ].join('\n');
}

function file(ctx: CaseContext, name: string, content: string): string {
  const p = path.join(ctx.dir, name);
  writeFileSync(p, content);
  return p;
}

async function readyPod(ctx: CaseContext, name: string): Promise<void> {
  ok(await ctx.k.run(['run', name, '--image=busybox:1.36', '--', 'sleep', '3600']), `pod/${name} created`);
  ok(await ctx.k.run(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=20s']), `pod/${name} condition met`);
}

export const API_CASES: Case[] = [
  { id: 'version', run: async ({ k }) => void ok(await k.run(['version']), /Server Version: (v1\.33\.1|version\.Info\{.*GitVersion:"v1\.33\.1")/) },
  {
    id: 'api-resources',
    run: async ({ k }) => {
      const r = ok(await k.run(['api-resources']), /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND/m, /^pods\s+po\s+v1\s+true\s+Pod$/m, /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview$/m);
      if (/pods\/log/.test(r.stdout)) throw new CaseFailure('subresources must not be listed');
    },
  },
  {
    id: 'get nodes',
    run: async ({ k }) => {
      ok(await k.run(['get', 'nodes']), /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/m, /^kubelab-node\s+Ready\s+<none>\s+\S+\s+v1\.33\.1$/m);
      fails(await k.run(['delete', 'node', 'kubelab-node']), 'Error from server (Forbidden): nodes "kubelab-node" is forbidden');
      ok(await k.run(['describe', 'node', 'kubelab-node']), /^Lease:\n\s+HolderIdentity:\s+kubelab-node$/m, /^\s+Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status$/m, /^\s+Kubelet Version:\s+v1\.33\.1$/m);
    },
  },
  {
    id: 'cluster-info / get svc',
    run: async ({ k }) => {
      ok(await k.run(['cluster-info']), /Kubernetes control plane.* is running at .*https:\/\/127\.0\.0\.1:\d+/);
      ok(await k.run(['get', 'svc']), /^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\S+$/m);
    },
  },
  {
    id: 'get ns',
    run: async ({ k }) => void ok(await k.run(['get', 'ns']), /^NAME\s+STATUS\s+AGE$/m, /^default\s+Active/m, /^kube-system\s+Active/m, /^kube-public\s+Active/m, /^kube-node-lease\s+Active/m),
  },
  {
    id: 'create namespace',
    run: async ({ k }) => {
      ok(await k.run(['create', 'namespace', 'lab']), 'namespace/lab created');
      ok(await k.run(['get', 'ns', 'lab', '-o', 'jsonpath={.metadata.labels.kubernetes\\.io/metadata\\.name} {.status.phase}']), 'lab Active');
      ok(await k.run(['get', 'sa', '-n', 'lab']), /^default\s+0\s+/m);
      fails(await k.run(['create', 'namespace', 'lab']), 'Error from server (AlreadyExists): namespaces "lab" already exists');
    },
  },
  {
    id: 'create configmap',
    run: async ({ k }) => {
      ok(await k.run(['create', 'configmap', 'cfg', '-n', 'lab', '--from-literal=color=blue', '--from-literal=size=3']), 'configmap/cfg created');
      ok(await k.run(['get', 'cm', 'cfg', '-n', 'lab', '-o', 'jsonpath={.data.color}']), 'blue');
      ok(await k.run(['get', 'cm', '-n', 'lab']), /^cfg\s+2\s+\S+$/m);
    },
  },
  {
    id: 'create secret',
    run: async ({ k }) => {
      ok(await k.run(['create', 'secret', 'generic', 'pw', '-n', 'lab', '--from-literal=password=s3cret']), 'secret/pw created');
      ok(await k.run(['get', 'secret', 'pw', '-n', 'lab', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cret').toString('base64'));
      ok(await k.run(['get', 'secrets', '-n', 'lab']), /^pw\s+Opaque\s+1\s+\S+$/m);
    },
  },
  {
    id: 'run',
    run: async (ctx) => {
      await readyPod(ctx, 'web');
      fails(await ctx.k.run(['run', 'web', '--image=busybox']), 'Error from server (AlreadyExists): pods "web" already exists');
    },
  },
  {
    id: 'get (table)',
    run: async ({ k }) => void ok(await k.run(['get', 'pods']), /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m, /^web\s+1\/1\s+Running\s+0\s+\d+s$/m),
  },
  {
    id: 'get -o wide',
    run: async ({ k }) =>
      void ok(await k.run(['get', 'pods', '-o', 'wide']), /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m, /^web\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.0\.7\s+kubelab-node\s+<none>\s+<none>$/m),
  },
  {
    id: 'get -o yaml',
    run: async ({ k }) => {
      const r = ok(await k.run(['get', 'pod', 'web', '-o', 'yaml']), 'restartPolicy: Always', 'dnsPolicy: ClusterFirst', 'imagePullPolicy: IfNotPresent', 'qosClass: BestEffort', 'nodeName: kubelab-node', 'tolerationSeconds: 300', 'serviceAccountName: default', 'terminationMessagePath: /dev/termination-log', 'schedulerName: default-scheduler', 'enableServiceLinks: true', 'terminationGracePeriodSeconds: 30', /uid: [0-9a-f-]{36}/, /creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
      if (r.stdout.includes('managedFields')) throw new CaseFailure('managedFields must be hidden by default');
    },
  },
  {
    id: 'get -o json',
    run: async ({ k }) => {
      const r = ok(await k.run(['get', 'pod', 'web', '-o', 'json']));
      const pod = JSON.parse(r.stdout) as { kind: string; status: { phase: string; conditions: { type: string }[] } };
      if (pod.kind !== 'Pod' || pod.status.phase !== 'Running' || !pod.status.conditions.some((c) => c.type === 'PodScheduled')) throw new CaseFailure(r.stdout.slice(0, 300));
    },
  },
  { id: 'get -o name', run: async ({ k }) => void ok(await k.run(['get', 'pods', '-o', 'name']), /^pod\/web$/m) },
  { id: 'get -o jsonpath', run: async ({ k }) => void ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase} {.spec.containers[0].image}']), 'Running busybox:1.36') },
  { id: 'get -o go-template', run: async ({ k }) => void ok(await k.run(['get', 'pod', 'web', '-o', 'go-template={{.metadata.name}}:{{.spec.nodeName}}']), 'web:kubelab-node') },
  {
    id: 'get -o custom-columns',
    run: async ({ k }) => void ok(await k.run(['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image']), /^NAME\s+IMAGE$/m, /^web\s+busybox:1\.36$/m),
  },
  { id: 'get --show-labels', run: async ({ k }) => void ok(await k.run(['get', 'pods', '--show-labels']), /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+LABELS$/m, /^web\s+.*run=web$/m) },
  { id: 'get -L', run: async ({ k }) => void ok(await k.run(['get', 'pods', '-L', 'run']), /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+RUN$/m, /^web\s+.*\s+web$/m) },
  { id: 'get -A', run: async ({ k }) => void ok(await k.run(['get', 'pods', '-A']), /^NAMESPACE\s+NAME\s+READY/m, /^default\s+web\s+1\/1\s+Running/m) },
  {
    id: 'get -l / field selector',
    run: async ({ k }) => {
      ok(await k.run(['get', 'pods', '-l', 'run=web', '-o', 'name']), /^pod\/web$/m);
      const none = await k.run(['get', 'pods', '-l', 'run=nope']);
      if (!/No resources found in default namespace\./.test(none.stderr)) throw new CaseFailure(show(none));
      ok(await k.run(['get', 'pods', '--field-selector', 'status.phase=Running', '-o', 'name']), 'pod/web');
    },
  },
  {
    id: 'get -w',
    run: async ({ k }) => {
      const r = await k.run(['get', 'pods', '-w'], {
        until: (out) => out.split('\n').filter((l) => /^web\s+1\/1\s+Running/.test(l)).length >= 2,
        startWhen: /^web\s/m,
        onStart: async () => void (await k.run(['label', 'pod', 'web', 'watched=1'])),
        timeoutMs: 30_000,
      });
      const rows = r.stdout.split('\n').filter((l) => /^web\s+1\/1\s+Running/.test(l));
      if (rows.length < 2 || !/^NAME\s+READY/.test(r.stdout)) throw new CaseFailure(show(r));
    },
  },
  {
    id: 'get --watch-only',
    run: async ({ k }) => {
      // --watch-only prints nothing before the first change, so nothing on stdout says the watch
      // is in place; -v=6 logs its response on stderr. The Pod is created only then: created
      // earlier (kubectl starts slowly on a loaded machine), it and its status change could both
      // precede kubectl's list and never show.
      const r = await k.run(['get', 'pods', '--watch-only', '-v=6'], {
        until: /^watched\s+\d\/1/m,
        startWhenStderr: /[?&]watch=true[^\n]*200 OK/,
        onStart: async () => void (await k.run(['run', 'watched', '--image=busybox:1.36', '--', 'sleep', '60'])),
        timeoutMs: 30_000,
      });
      if (!/^watched\s+\d\/1\s+\w+/m.test(r.stdout) || /^web\s/m.test(r.stdout)) throw new CaseFailure(show(r));
    },
  },
  {
    id: 'describe (with events)',
    run: async ({ k }) =>
      void ok(
        await k.run(['describe', 'pod', 'web']),
        /^Name:\s+web$/m,
        /^Namespace:\s+default$/m,
        /^Node:\s+kubelab-node\/172\.18\.0\.2$/m,
        /^Status:\s+Running$/m,
        /^QoS Class:\s+BestEffort$/m,
        /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/web to kubelab-node/,
        /Normal\s+Started\s+\S+\s+kubelet\s+Started container web/,
      ),
  },
  {
    id: 'apply (new/unchanged/changed)',
    run: async (ctx) => {
      const f = file(ctx, 'app.yaml', podYaml('app', 'busybox:1.36'));
      ok(await ctx.k.run(['apply', '-f', f]), 'pod/app created');
      ok(await ctx.k.run(['apply', '-f', f]), 'pod/app unchanged');
      file(ctx, 'app.yaml', podYaml('app', 'busybox:1.35', { app: 'app', tier: 'web' }));
      ok(await ctx.k.run(['apply', '-f', f]), 'pod/app configured');
      ok(await ctx.k.run(['get', 'pod', 'app', '-o', 'jsonpath={.spec.containers[0].image} {.metadata.labels.tier}']), 'busybox:1.35 web');
    },
  },
  {
    id: 'apply --server-side',
    run: async (ctx) => {
      const f = file(ctx, 'ssa.yaml', podYaml('ssa', 'busybox:1.36', { app: 'ssa' }));
      ok(await ctx.k.run(['apply', '--server-side', '-f', f]), 'pod/ssa serverside-applied');
      file(ctx, 'ssa.yaml', podYaml('ssa', 'busybox:1.35', { app: 'ssa', owner: 'me' }));
      ok(await ctx.k.run(['apply', '--server-side', '-f', f]), 'pod/ssa serverside-applied');
      ok(await ctx.k.run(['get', 'pod', 'ssa', '-o', 'jsonpath={.spec.containers[0].image} {.metadata.labels.owner}']), 'busybox:1.35 me');
      ok(await ctx.k.run(['get', 'pod', 'ssa', '-o', 'yaml', '--show-managed-fields']), 'manager: kubectl', 'operation: Apply', 'f:owner: {}');
      ok(await ctx.k.run(['set', 'image', 'pod/ssa', 'ssa=busybox:1.36']), 'pod/ssa image updated');
      file(ctx, 'ssa.yaml', podYaml('ssa', 'busybox:1.35', { app: 'ssa', owner: 'you' }));
      fails(await ctx.k.run(['apply', '--server-side', '-f', f]), 'Apply failed with 1 conflict: conflict with "kubectl-set"', '.spec.containers[name="ssa"].image');
      ok(await ctx.k.run(['apply', '--server-side', '--force-conflicts', '-f', f]), 'pod/ssa serverside-applied');
      // Switching from client-side to server-side apply takes the fields over without conflicts.
      const m = file(ctx, 'mig.yaml', podYaml('mig', 'busybox:1.36'));
      ok(await ctx.k.run(['apply', '-f', m]), 'pod/mig created');
      file(ctx, 'mig.yaml', podYaml('mig', 'busybox:1.35'));
      ok(await ctx.k.run(['apply', '--server-side', '-f', m]), 'pod/mig serverside-applied');
      ok(await ctx.k.run(['get', 'pod', 'mig', '-o', 'jsonpath={.spec.containers[0].image}']), 'busybox:1.35');
    },
  },
  {
    id: 'create -f (and duplicate)',
    run: async (ctx) => {
      const f = file(ctx, 'created.yaml', podYaml('created', 'busybox:1.36'));
      ok(await ctx.k.run(['create', '-f', f]), 'pod/created created');
      fails(await ctx.k.run(['create', '-f', f]), `Error from server (AlreadyExists): error when creating "${f}": pods "created" already exists`);
    },
  },
  {
    id: 'validation errors',
    run: async (ctx) => {
      const bad = file(ctx, 'bad.yaml', podYaml('Bad_Name', 'busybox', { app: 'bad' }, '', 'app'));
      fails(await ctx.k.run(['create', '-f', bad]), 'The Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of');
      const dup = file(ctx, 'dup.yaml', podYaml('dup', 'busybox', { app: 'dup' }, '  - name: dup\n    image: busybox'));
      fails(await ctx.k.run(['create', '-f', dup]), 'spec.containers[1].name: Duplicate value: "dup"');
      const vol = file(ctx, 'vol.yaml', podYaml('vol', 'busybox', { app: 'vol' }, '    volumeMounts:\n    - name: data\n      mountPath: /data'));
      fails(await ctx.k.run(['create', '-f', vol]), 'spec.containers[0].volumeMounts[0].name: Not found: "data"');
      const unknown = file(ctx, 'unknown.yaml', podYaml('unknown', 'busybox').replace('spec:', 'spec:\n  containerz: []'));
      fails(await ctx.k.run(['create', '-f', unknown]), 'Error from server (BadRequest): error when creating', 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containerz"');
      const warned = await ctx.k.run(['create', '--validate=warn', '-f', unknown]);
      ok(warned, 'pod/unknown created');
      if (!warned.stderr.includes('Warning: unknown field "spec.containerz"')) throw new CaseFailure(show(warned));
      fails(await ctx.k.run(['patch', 'pod', 'web', '-p', '{"spec":{"restartPolicy":"Never"}}']), 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`');
    },
  },
  {
    id: 'replace',
    run: async (ctx) => {
      const got = ok(await ctx.k.run(['get', 'pod', 'app', '-o', 'yaml']));
      const f = file(ctx, 'replace.yaml', got.stdout.replace(/image: busybox:1\.35/, 'image: busybox:1.36'));
      ok(await ctx.k.run(['replace', '-f', f]), 'pod/app replaced');
      ok(await ctx.k.run(['get', 'pod', 'app', '-o', 'jsonpath={.spec.containers[0].image}']), 'busybox:1.36');
      fails(await ctx.k.run(['replace', '-f', f]), 'Error from server (Conflict)', 'the object has been modified');
    },
  },
  {
    id: 'edit (scripted EDITOR)',
    run: async (ctx) => {
      const editor = file(ctx, 'editor.sh', '#!/bin/sh\nsed -i "s/image: busybox:1.36/image: busybox:1.35/" "$1"\n');
      chmodSync(editor, 0o755);
      ok(await ctx.k.run(['edit', 'pod', 'web'], { env: { EDITOR: editor, KUBE_EDITOR: editor } }), 'pod/web edited');
      ok(await ctx.k.run(['get', 'pod', 'web', '-o', 'jsonpath={.spec.containers[0].image}']), 'busybox:1.35');
    },
  },
  {
    id: 'patch (strategic/merge/json)',
    run: async ({ k }) => {
      ok(await k.run(['patch', 'pod', 'web', '-p', '{"spec":{"containers":[{"name":"web","image":"busybox:1.36"}]}}']), 'pod/web patched');
      ok(await k.run(['patch', 'pod', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"merged":"yes"}}}']), 'pod/web patched');
      ok(await k.run(['patch', 'pod', 'web', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/jsonp","value":"yes"}]']), 'pod/web patched');
      ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.spec.containers[0].image} {.metadata.labels.merged} {.metadata.labels.jsonp}']), 'busybox:1.36 yes yes');
      ok(await k.run(['patch', 'pod', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"merged":"yes"}}}']), 'pod/web patched (no change)');
    },
  },
  {
    id: 'label / annotate',
    run: async ({ k }) => {
      ok(await k.run(['label', 'pod', 'web', 'env=dev']), 'pod/web labeled');
      fails(await k.run(['label', 'pod', 'web', 'env=prod']), "'env' already has a value (dev), and --overwrite is false");
      ok(await k.run(['label', 'pod', 'web', 'env=prod', '--overwrite']), 'pod/web labeled');
      ok(await k.run(['label', 'pod', 'web', 'env-']), 'pod/web unlabeled');
      // kubectl 1.27 itself prints "annotate" here.
      ok(await k.run(['annotate', 'pod', 'web', 'note=hello']), /pod\/web annotated?/);
      ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.annotations.note}|{.metadata.labels.env}|']), 'hello||');
    },
  },
  {
    id: 'label / annotate --dry-run',
    run: async ({ k }) => {
      ok(await k.run(['label', 'pod', 'web', 'dry=run', '--dry-run=server']), 'pod/web labeled (server dry run)');
      ok(await k.run(['label', 'pod', 'web', 'dry=run', '--dry-run=client']), 'pod/web labeled (dry run)');
      ok(await k.run(['annotate', 'pod', 'web', 'dry=run', '--dry-run=server']), /pod\/web annotated? \(server dry run\)/);
      ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.labels.dry}|{.metadata.annotations.dry}|']), /^\|\|$/);
    },
  },
  {
    id: 'patch with a stale resourceVersion',
    run: async ({ k }) => {
      fails(
        await k.run(['patch', 'pod', 'web', '--type=merge', '-p', '{"metadata":{"resourceVersion":"1","labels":{"stale":"yes"}}}']),
        'Error from server (Conflict): Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
      );
      ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.labels.stale}|']), /^\|$/);
    },
  },
  {
    id: 'last-applied-configuration',
    run: async (ctx) => {
      const annotation = 'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}';
      ok(await ctx.k.run(['create', '-f', file(ctx, 'lac-create.yaml', podYaml('lac-create', 'busybox:1.36'))]), 'pod/lac-create created');
      ok(await ctx.k.run(['get', 'pod', 'lac-create', '-o', annotation]), /^$/);
      ok(await ctx.k.run(['create', '--save-config', '-f', file(ctx, 'lac-saved.yaml', podYaml('lac-saved', 'busybox:1.36'))]), 'pod/lac-saved created');
      ok(await ctx.k.run(['get', 'pod', 'lac-saved', '-o', annotation]), /"name":"lac-saved"/);
      ok(await ctx.k.run(['apply', '-f', file(ctx, 'lac-applied.yaml', podYaml('lac-applied', 'busybox:1.36'))]), 'pod/lac-applied created');
      ok(await ctx.k.run(['apply', 'view-last-applied', 'pod/lac-applied']), /^ {2}name: lac-applied$/m);
      // Without the annotation kubectl prints nothing and exits 0 (its error is dropped client-side).
      ok(await ctx.k.run(['apply', 'view-last-applied', 'pod/lac-create']), /^$/);
      // apply on an object created without it warns, then records it.
      const adopted = ok(await ctx.k.run(['apply', '-f', file(ctx, 'lac-create.yaml', podYaml('lac-create', 'busybox:1.36', { app: 'lac-create', applied: 'later' }))]), 'pod/lac-create configured');
      if (!adopted.stderr.includes('is missing the kubectl.kubernetes.io/last-applied-configuration annotation')) throw new CaseFailure(show(adopted));
      ok(await ctx.k.run(['get', 'pod', 'lac-create', '-o', annotation]), /"applied":"later"/);
      ok(await ctx.k.run(['delete', 'pod', 'lac-create', 'lac-saved', 'lac-applied', '--wait=false']));
    },
  },
  {
    id: 'QoS class (init containers count)',
    run: async (ctx) => {
      const resources = (cpu: string) => `    resources:\n      requests: {cpu: ${cpu}, memory: 16Mi}\n      limits: {cpu: ${cpu}, memory: 16Mi}`;
      const withInit = (name: string, init: string, app: string) =>
        podYaml(name, 'busybox:1.36', { app: name }, app).replace('spec:\n', `spec:\n  initContainers:\n  - name: init\n    image: busybox:1.36\n${init ? `${init}\n` : ''}`);
      const qos = async (name: string, init: string, app: string) => {
        ok(await ctx.k.run(['create', '-f', file(ctx, `${name}.yaml`, withInit(name, init, app))]), `pod/${name} created`);
        return ok(await ctx.k.run(['get', 'pod', name, '-o', 'jsonpath={.status.qosClass}'])).stdout;
      };
      const seen = [await qos('qos-init-only', resources('10m'), ''), await qos('qos-app-only', '', resources('10m')), await qos('qos-both', resources('10m'), resources('20m')), await qos('qos-none', '', '')];
      if (seen.join(' ') !== 'Burstable Burstable Guaranteed BestEffort') throw new CaseFailure(`QoS classes: ${seen.join(' ')}`);
      ok(await ctx.k.run(['delete', 'pod', 'qos-init-only', 'qos-app-only', 'qos-both', 'qos-none', '--wait=false']));
    },
  },
  {
    id: 'status subresource (get, merge patch, update)',
    run: async (ctx) => {
      const { k } = ctx;
      const got = JSON.parse(ok(await k.run(['get', '--raw', '/api/v1/namespaces/default/pods/web/status'])).stdout) as { kind: string; status: { phase: string } };
      if (got.kind !== 'Pod' || got.status.phase !== 'Running') throw new CaseFailure(`GET status: ${JSON.stringify(got).slice(0, 200)}`);
      ok(await k.run(['patch', 'pod', 'web', '--subresource=status', '--type=merge', '-p', '{"status":{"message":"Patched by e2e test","reason":"E2E"}}']), 'pod/web patched');
      ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.status.message}|{.status.reason}']), /^Patched by e2e test\|E2E$/);
      // A status write never changes the spec.
      ok(await k.run(['patch', 'pod', 'web', '--subresource=status', '--type=merge', '-p', '{"spec":{"activeDeadlineSeconds":5},"status":{"reason":"Again"}}']), 'pod/web patched');
      ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.spec.activeDeadlineSeconds}|{.status.reason}']), /^\|Again$/);
      const current = JSON.parse(ok(await k.run(['get', 'pod', 'web', '-o', 'json'])).stdout) as { status: Record<string, unknown> };
      current.status['message'] = 'Updated by e2e test';
      ok(await k.run(['replace', '--raw', '/api/v1/namespaces/default/pods/web/status', '-f', file(ctx, 'status.json', JSON.stringify(current))]));
      ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.status.message}']), /^Updated by e2e test$/);
    },
  },
  {
    id: 'set image',
    run: async ({ k }) => {
      ok(await k.run(['set', 'image', 'pod/web', 'web=busybox:1.35']), 'pod/web image updated');
      ok(await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.spec.containers[0].image}']), 'busybox:1.35');
    },
  },
  {
    id: 'explain',
    run: async ({ k }) => {
      ok(await k.run(['explain', 'pod.spec.volumes']), /FIELD:\s+volumes <\[\]Volume>/, 'Storage the containers of the Pod can mount', 'emptyDir\t<EmptyDirVolumeSource>');
      ok(await k.run(['explain', 'pod.spec.restartPolicy']), 'What the kubelet does when a container exits');
    },
  },
  {
    id: 'explain --recursive',
    run: async ({ k }) => void ok(await k.run(['explain', 'pod', '--recursive']), /^\s+containers\t<\[\]Container> -required-$/m, /^\s+volumeMounts\t<\[\]VolumeMount>$/m, /^\s+mountPath\t<string> -required-$/m),
  },
  {
    id: 'auth can-i / whoami',
    run: async ({ k }) => {
      ok(await k.run(['auth', 'whoami']), /^Username\s+kubelab$/m);
      ok(await k.run(['auth', 'can-i', 'create', 'pods']), /^yes$/m);
      const no = await k.run(['auth', 'can-i', 'delete', 'nodes']);
      if (no.code !== 1 || !/^no$/m.test(no.stdout)) throw new CaseFailure(show(no));
    },
  },
  {
    id: 'events',
    run: async ({ k }) => {
      ok(await k.run(['events']), /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m, /Normal\s+Scheduled\s+Pod\/web\s+Successfully assigned default\/web to kubelab-node/);
      ok(await k.run(['get', 'events']), /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m, /Normal\s+Started\s+pod\/web\s+Started container web/);
      ok(await k.run(['get', 'events', '--field-selector', 'involvedObject.name=web,reason=Killing']), /^$|No resources/m);
    },
  },
  {
    id: 'delete (every form)',
    run: async (ctx) => {
      const { k } = ctx;
      ok(await k.run(['delete', 'pod', 'created']), 'pod "created" deleted');
      ok(await k.run(['delete', '-f', path.join(ctx.dir, 'app.yaml')]), 'pod "app" deleted');
      const forced = ok(await k.run(['delete', 'pod', 'unknown', '--grace-period=0', '--force']), 'pod "unknown" force deleted');
      if (!forced.stderr.includes('Warning: Immediate deletion does not wait for confirmation')) throw new CaseFailure(show(forced));
      ok(await k.run(['delete', 'pod', 'ssa', '--now']), 'pod "ssa" deleted');
      ok(await k.run(['run', 'l1', '--image=busybox:1.36', '-l', 'batch=x']), 'pod/l1 created');
      ok(await k.run(['run', 'l2', '--image=busybox:1.36', '-l', 'batch=x']), 'pod/l2 created');
      ok(await k.run(['delete', 'pods', '-l', 'batch=x']), 'pod "l1" deleted', 'pod "l2" deleted');
      fails(await k.run(['delete', 'pod', 'nope']), 'Error from server (NotFound): pods "nope" not found');
      ok(await k.run(['delete', 'pods', '--all', '-n', 'lab']), /No resources found|deleted/);
    },
  },
  {
    id: 'wait --for=delete',
    run: async ({ k }) => {
      ok(await k.run(['delete', 'pod', 'watched', '--wait=false']), 'pod "watched" deleted');
      const r = await k.run(['wait', '--for=delete', 'pod/watched', '--timeout=20s']);
      if (r.code !== 0) throw new CaseFailure(show(r));
    },
  },
  {
    id: 'delete namespace',
    run: async ({ k }) => {
      ok(await k.run(['run', 'inlab', '-n', 'lab', '--image=busybox:1.36']), 'pod/inlab created');
      ok(await k.run(['delete', 'namespace', 'lab', '--timeout=30s']), 'namespace "lab" deleted');
      // kubectl looks the namespace up after a 404, and reports that, as against a real cluster.
      fails(await k.run(['get', 'cm', 'cfg', '-n', 'lab']), 'Error from server (NotFound): namespaces "lab" not found');
      fails(await k.run(['get', 'ns', 'lab']), 'Error from server (NotFound): namespaces "lab" not found');
      fails(await k.run(['delete', 'namespace', 'default']), 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted');
    },
  },
];
