// Every check kind the format defines, by its key. The record type makes a kind added to the
// format without an evaluator here a compile error.

import type { CheckKind } from '@kubelab/exercise-format';
import type { KindEvaluator } from '../check-context.js';
import { containers } from './containers.js';
import { event } from './event.js';
import { exec } from './exec.js';
import { jsonPath } from './json-path.js';
import { logs } from './logs.js';
import { nodeFile } from './node-file.js';
import { podExists } from './pod-exists.js';
import { podPhase } from './pod-phase.js';
import { podReady } from './pod-ready.js';
import { restartCount } from './restart-count.js';
import { sharedVolume } from './shared-volume.js';
import { volume } from './volume.js';

export const evaluators: { [K in CheckKind]: KindEvaluator<K> } = {
  podExists,
  podPhase,
  podReady,
  containers,
  sharedVolume,
  volume,
  logs,
  exec,
  nodeFile,
  jsonPath,
  event,
  restartCount,
};
