import { z } from 'zod';

// The parameters of each check kind. The runner's check engine imports these: one schema per
// kind, strict (an unknown parameter is an error, not silently ignored).

/** A JavaScript regular expression (source only, no slashes or flags); must compile. */
export const regexSourceSchema = z
  .string()
  .min(1)
  .refine(
    (source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    },
    { error: 'expected a valid regular expression' },
  )
  .describe('A JavaScript regular expression (source only, without slashes or flags).');

const objectName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'expected a Kubernetes object name (lower-case RFC 1123)' });
const containerName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a container name (lower-case RFC 1123 label)' });
const namespace = objectName.optional().describe('Namespace of the object; the sandbox default namespace when absent.');

/** A path inside the sandbox's node directory, written as the node sees it: absolute, no `..`. */
export const nodePathSchema = z
  .string()
  .regex(/^\/(?!.*(?:^|\/)\.\.(?:\/|$)).*$/, { error: 'expected an absolute path without ".." segments' });

const podRef = { pod: objectName.describe('Name of the Pod.'), namespace };

export const podExistsParamsSchema = z.strictObject({ ...podRef });

export const podPhaseParamsSchema = z.strictObject({
  ...podRef,
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']),
});

export const podReadyParamsSchema = z.strictObject({ ...podRef });

export const containerCommandExpectationSchema = z
  .strictObject({
    container: containerName,
    argv: z.array(z.string()).min(1).optional().describe('The exact argv: command followed by args.'),
    match: regexSourceSchema.optional().describe('A regex over command and args joined by single spaces.'),
  })
  .refine((value) => (value.argv === undefined) !== (value.match === undefined), {
    error: 'give exactly one of argv or match',
  });

export const containersParamsSchema = z
  .strictObject({
    ...podRef,
    count: z.int().min(1).optional().describe('Exact number of app containers (init containers not counted).'),
    names: z.array(containerName).min(1).optional().describe('Containers that must exist (others may too).'),
    images: z
      .record(containerName, z.string().min(1))
      .optional()
      .describe('Container name -> image, compared with imageMatches: normalised, and without a tag any tag the node can pull matches (busybox accepts busybox:1.36, not busybox:nope).'),
    command: containerCommandExpectationSchema.optional(),
  })
  .refine((v) => v.count !== undefined || v.names !== undefined || v.images !== undefined || v.command !== undefined, {
    error: 'give at least one of count, names, images or command',
  });

export const sharedVolumeParamsSchema = z.strictObject({
  ...podRef,
  volume: objectName.optional().describe('The volume that must be shared; any volume when absent.'),
  minContainers: z.int().min(2).default(2).describe('How many containers must mount it.'),
});

export const volumeTypes = ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI'] as const;

export const volumeMountExpectationSchema = z.strictObject({
  container: containerName,
  mountPath: z.string().startsWith('/', { error: 'expected an absolute mountPath' }),
  readOnly: z.boolean().optional(),
});

export const volumeParamsSchema = z.strictObject({
  ...podRef,
  volume: objectName.describe('Name of the volume in spec.volumes.'),
  type: z.enum(volumeTypes),
  hostPath: nodePathSchema.optional().describe('For type hostPath: the expected spec.volumes[].hostPath.path.'),
  medium: z.enum(['', 'Memory']).optional().describe('For type emptyDir: the expected medium.'),
  mounts: z.array(volumeMountExpectationSchema).min(1).optional(),
});

export const logsParamsSchema = z
  .strictObject({
    ...podRef,
    container: containerName,
    match: regexSourceSchema.optional().describe('A regex that some log line must match.'),
    minLines: z.int().min(1).optional(),
    grows: z
      .strictObject({ windowSeconds: z.int().min(1).max(60) })
      .optional()
      .describe('The log must gain lines within this window.'),
    previous: z.boolean().optional().describe('Read the previous (terminated) instance of the container.'),
  })
  .refine((v) => v.match !== undefined || v.minLines !== undefined || v.grows !== undefined, {
    error: 'give at least one of match, minLines or grows',
  });

export const execParamsSchema = z
  .strictObject({
    ...podRef,
    container: containerName,
    command: z.array(z.string()).min(1).describe('argv run in the container (no shell unless you call one).'),
    expectExitCode: z.int().min(0).max(255).default(0),
    expectOutput: regexSourceSchema.optional().describe('A regex over stdout.'),
  });

export const nodeFileParamsSchema = z.strictObject({
  path: nodePathSchema.describe('Path in the sandbox node directory, as the node sees it (e.g. /var/log/counter/1.log).'),
  exists: z.boolean().default(true),
  match: regexSourceSchema.optional().describe('A regex that some line of the file must match.'),
  minLines: z.int().min(1).optional(),
});

export const jsonPathParamsSchema = z
  .strictObject({
    apiVersion: z.string().min(1).default('v1'),
    kind: z.string().min(1).default('Pod'),
    name: objectName,
    namespace,
    path: z
      .string()
      .regex(/^\{.+\}$/, { error: 'expected a kubectl-style JSONPath in braces, e.g. {.spec.containers[0].image}' }),
    equals: z.string().optional().describe('The result, as kubectl -o jsonpath prints it, must equal this.'),
    matches: regexSourceSchema.optional(),
    exists: z
      .boolean()
      .optional()
      .describe('true: the object exists and the path yields a value; false: the object is missing or the path yields nothing.'),
  })
  .refine((v) => [v.equals, v.matches, v.exists].filter((x) => x !== undefined).length === 1, {
    error: 'give exactly one of equals, matches or exists',
  });

export const eventParamsSchema = z.strictObject({
  involvedName: objectName.describe('Name of the object the event is about.'),
  involvedKind: z.string().min(1).default('Pod'),
  namespace,
  reason: z.string().min(1).describe('e.g. BackOff, Failed, Pulled, Started'),
  type: z.enum(['Normal', 'Warning']).optional(),
});

export const restartCountParamsSchema = z
  .strictObject({
    ...podRef,
    container: containerName,
    min: z.int().min(0).optional(),
    max: z.int().min(0).optional(),
  })
  .refine((v) => v.min !== undefined || v.max !== undefined, { error: 'give min, max or both' })
  .refine((v) => v.min === undefined || v.max === undefined || v.min <= v.max, { error: 'min must not exceed max' });

/** One params schema per check kind: the engine dispatches on the same keys. */
export const checkParamsSchemas = {
  podExists: podExistsParamsSchema,
  podPhase: podPhaseParamsSchema,
  podReady: podReadyParamsSchema,
  containers: containersParamsSchema,
  sharedVolume: sharedVolumeParamsSchema,
  volume: volumeParamsSchema,
  logs: logsParamsSchema,
  exec: execParamsSchema,
  nodeFile: nodeFileParamsSchema,
  jsonPath: jsonPathParamsSchema,
  event: eventParamsSchema,
  restartCount: restartCountParamsSchema,
} as const;

export type CheckKind = keyof typeof checkParamsSchemas;
export const checkKinds = Object.keys(checkParamsSchemas) as CheckKind[];
/** Params of a check kind after parsing (defaults filled in). */
export type CheckParams<K extends CheckKind> = z.output<(typeof checkParamsSchemas)[K]>;
