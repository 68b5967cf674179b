import { describe, expect, it } from 'vitest';
import { ExerciseFormatError, parseExercise } from '@kubelab/exercise-format/index';

// A valid exercise; tests break it one line at a time and assert where the error points.
const validLines = [
  'id: shared-volume-counter', //                           1
  'title:', //                                              2
  '  zh-CN: 计数器', //                                      3
  '  en: The counter Pod', //                               4
  'description:', //                                        5
  '  zh-CN: 两个容器共享一个卷。', //                          6
  '  en: Two containers share one volume.', //              7
  'difficulty: beginner', //                                8
  'estimatedMinutes: 10', //                                9
  'tasks:', //                                              10
  '  zh-CN: 创建 Pod。', //                                  11
  '  en: Create the Pod.', //                               12
  'checks:', //                                             13
  '  - id: pod-exists', //                                  14
  '    kind: podExists', //                                 15
  '    title: { zh-CN: Pod 存在, en: The Pod exists }', //   16
  '    params: { pod: counter }', //                        17
  '    failureMessage: { zh-CN: "看到：{observed}", en: "Observed: {observed}" }', // 18
  '    hints: [{ zh-CN: 看看 kubectl get pods, en: Look at kubectl get pods }]', // 19
  '  - id: sidecar-logs', //                                20
  '    kind: logs', //                                      21
  '    title: { zh-CN: 日志, en: Logs }', //                22
  '    params:', //                                         23
  '      pod: counter', //                                  24
  '      container: count-log', //                          25
  '      match: "^\\\\d+: "', //                             26
  '    failureMessage: { zh-CN: "{container}：{observed}", en: "{container}: {observed}" }', // 27
  '    hints: [{ zh-CN: 提示, en: A hint }]', //            28
  'solution:', //                                           29
  '  commands:', //                                         30
  '    - kubectl apply -f counter.yaml', //                 31
  '  explanation: { zh-CN: 解释, en: Why }', //             32
];
const file = 'exercises/pods/shared-volume/shared-volume-counter.yaml';

function errorOf(lines: string[]): ExerciseFormatError {
  try {
    parseExercise(lines.join('\n'), file);
  } catch (error) {
    if (error instanceof ExerciseFormatError) return error;
    throw error;
  }
  throw new Error('expected the exercise to be rejected');
}

const replaceLine = (line: number, text: string) => validLines.map((l, i) => (i === line - 1 ? text : l));

describe('parseExercise', () => {
  it('accepts a valid exercise and fills defaults', () => {
    const exercise = parseExercise(validLines.join('\n'), file);
    expect(exercise.id).toBe('shared-volume-counter');
    expect(exercise.setup).toEqual({ files: {}, manifests: [], commands: [] });
    const [first, second] = exercise.checks;
    expect(first).toMatchObject({ kind: 'podExists', points: 1, mustFailBeforeSolution: true, timeoutSeconds: 30 });
    expect(second?.kind === 'logs' && second.params.match).toBe('^\\d+: ');
  });

  it('names file, line and column of a YAML syntax error', () => {
    const error = errorOf(replaceLine(17, '    params: { pod: counter'));
    expect(error.code).toBe('EXERCISE_FORMAT_INVALID');
    expect(error.message).toMatch(new RegExp(`^${file}:1[78]:\\d+: YAML syntax: `));
  });

  it('names the field of a wrong type and what was found', () => {
    const error = errorOf(replaceLine(25, '      container: 3'));
    expect(error.message).toBe(`${file}:25:18: checks[1].params.container: expected a string, found an integer (3)`);
    expect(error.problems).toEqual([
      { file, line: 25, column: 18, path: 'checks[1].params.container', message: 'expected a string, found an integer (3)' },
    ]);
  });

  it('points at an unknown field by its key', () => {
    const error = errorOf([...validLines.slice(0, 8), 'estimatedMinute: 10', ...validLines.slice(9)]);
    expect(error.message).toContain(`${file}:9:1: estimatedMinute: unknown field "estimatedMinute"`);
    expect(error.message).toContain(`estimatedMinutes: missing required field (expected a number)`);
  });

  it('rejects unknown params of a check kind', () => {
    const error = errorOf(replaceLine(17, '    params: { pod: counter, containr: count }'));
    expect(error.message).toBe(`${file}:17:29: checks[0].params.containr: unknown field "containr"`);
  });

  it('reports a missing locale', () => {
    const error = errorOf(validLines.filter((_, i) => i !== 11));
    expect(error.message).toBe(`${file}:11:3: tasks.en: missing the en text`);
  });

  it('lists the allowed kinds for an unknown kind', () => {
    const error = errorOf(replaceLine(21, '    kind: log'));
    expect(error.message).toMatch(new RegExp(`^${file}:21:11: checks\\[1\\]\\.kind: expected one of podExists, .*restartCount, found a string \\("log"\\)$`));
  });

  it('rejects an invalid regex, an unknown placeholder and a duplicate check id', () => {
    const lines = replaceLine(26, '      match: "(("');
    lines[26] = '    failureMessage: { zh-CN: "{observed}", en: "{seen}" }';
    lines[19] = '  - id: pod-exists';
    const messages = errorOf(lines).message.split('\n');
    expect(messages).toEqual([
      `${file}:20:9: checks[1].id: duplicate check id "pod-exists"`,
      `${file}:26:14: checks[1].params.match: expected a valid regular expression`,
      `${file}:27:48: checks[1].failureMessage.en: unknown placeholder {seen}; allowed: {observed}, {pod}, {container}, {match}`,
    ]);
  });

  it('reports an empty file', () => {
    expect(errorOf(['# nothing here']).message).toBe(`${file}:1:1: the file is empty`);
  });

  it('validates manifests given as YAML text', () => {
    const lines = [...validLines, 'setup:', '  manifests:', '    - |', '      kind: Pod', '      metadata: { name: x }'];
    expect(errorOf(lines).message).toBe(`${file}:35:7: setup.manifests[0]: manifest document 1 needs apiVersion, kind and metadata.name`);
  });

  it('locates problems inside a manifest given as an object', () => {
    const lines = [...validLines, 'setup:', '  manifests:', '    - apiVersion: v1', '      kind: Pod', '      metadata: {}'];
    expect(errorOf(lines).message).toBe(`${file}:37:17: setup.manifests[0].metadata.name: missing required field (expected a string)`);
  });
});
