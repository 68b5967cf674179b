import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExerciseFormatError, indexExercises, loadCourse, loadCourses, loadExerciseFile } from '@kubelab/exercise-format/index';

const exerciseYaml = (id: string) => `id: ${id}
title: { zh-CN: 标题, en: Title }
description: { zh-CN: 描述, en: Description }
difficulty: beginner
estimatedMinutes: 5
tasks: { zh-CN: 任务, en: Task }
checks:
  - id: exists
    kind: podExists
    title: { zh-CN: 存在, en: Exists }
    params: { pod: web }
    failureMessage: { zh-CN: "{observed}", en: "{observed}" }
    hints: [{ zh-CN: 提示, en: Hint }]
solution:
  commands: [kubectl run web --image=busybox -- sleep 3600]
  explanation: { zh-CN: 解释, en: Explanation }
`;

const svg = '<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>t</title></svg>\n';

let root: string;
async function put(path: string, text: string) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

async function writeCourse() {
  await put('pods/course.yaml', 'id: pods\ntitle: { zh-CN: Pod, en: Pods }\ndescription: { zh-CN: 课程, en: Course }\nlessons:\n  - why-pods\n  - volumes\n');
  await put('pods/why-pods/lesson.yaml', 'id: why-pods\ntitle: { zh-CN: 为什么, en: Why }\norder: 1\nexercises:\n  - first-pod\n');
  await put('pods/why-pods/lesson.zh-CN.md', '# 为什么\n\n![Pod 结构](pod.svg)\n*图 1：Pod*\n');
  await put('pods/why-pods/lesson.en.md', '# Why\n\n![Pod anatomy](pod.svg "Figure 1: a Pod")\n');
  await put('pods/why-pods/pod.svg', svg);
  await put('pods/why-pods/first-pod.yaml', exerciseYaml('first-pod'));
  await put('pods/volumes/lesson.yaml', 'id: volumes\ntitle: { zh-CN: 卷, en: Volumes }\norder: 2\nexercises:\n  - counter\n');
  await put('pods/volumes/lesson.zh-CN.md', '# 卷\n');
  await put('pods/volumes/lesson.en.md', '# Volumes\n');
  await put('pods/volumes/counter.yaml', exerciseYaml('counter'));
}

async function loadError(load: () => Promise<unknown>): Promise<ExerciseFormatError> {
  try {
    await load();
  } catch (error) {
    if (error instanceof ExerciseFormatError) return error;
    throw error;
  }
  throw new Error('expected the content to be rejected');
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubelab-format-'));
  await writeCourse();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadCourse', () => {
  it('loads lessons in order with their texts, figures and exercises', async () => {
    const course = await loadCourse(join(root, 'pods'));
    expect(course.lessons.map((l) => l.spec.id)).toEqual(['why-pods', 'volumes']);
    const [first] = course.lessons;
    expect(first?.markdown.en).toContain('# Why');
    expect(first?.figures.en).toEqual([{ src: 'pod.svg', alt: 'Pod anatomy', caption: 'Figure 1: a Pod', line: 3, column: 1 }]);
    expect(first?.figures['zh-CN'][0]?.caption).toBe('图 1：Pod');
    expect(first?.exercises.map((e) => e.spec.id)).toEqual(['first-pod']);
    expect(indexExercises([course]).get('counter')?.lessonId).toBe('volumes');
    expect(course.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes the hash of exactly the exercise that changed', async () => {
    const before = indexExercises([await loadCourse(join(root, 'pods'))]);
    await put('pods/volumes/counter.yaml', exerciseYaml('counter').replace('estimatedMinutes: 5', 'estimatedMinutes: 6'));
    const after = indexExercises([await loadCourse(join(root, 'pods'))]);
    expect(after.get('counter')?.hash).not.toBe(before.get('counter')?.hash);
    expect(after.get('first-pod')?.hash).toBe(before.get('first-pod')?.hash);
  });

  it('reports a lesson text missing in one locale', async () => {
    await rm(join(root, 'pods/volumes/lesson.en.md'));
    const error = await loadError(() => loadCourse(join(root, 'pods')));
    expect(error.code).toBe('COURSE_CONTENT_INVALID');
    expect(error.message).toBe(`${join(root, 'pods/volumes/lesson.en.md')}: missing: the en text of lesson "volumes"`);
  });

  it('reports an exercise listed by a lesson but missing, at its line in lesson.yaml', async () => {
    await rm(join(root, 'pods/volumes/counter.yaml'));
    const error = await loadError(() => loadCourse(join(root, 'pods')));
    expect(error.message).toBe(`${join(root, 'pods/volumes/lesson.yaml')}:5:5: exercises[0]: no exercise file counter.yaml in ${join(root, 'pods/volumes')}`);
  });

  it('reports an exercise file that no lesson lists', async () => {
    await put('pods/volumes/orphan.yaml', exerciseYaml('orphan'));
    const error = await loadError(() => loadCourse(join(root, 'pods')));
    expect(error.message).toBe(`${join(root, 'pods/volumes/orphan.yaml')}: exercise "orphan" is not listed in ${join(root, 'pods/volumes/lesson.yaml')}`);
  });

  it('reports a duplicate exercise id at the id of the second file', async () => {
    await put('pods/volumes/counter.yaml', exerciseYaml('first-pod'));
    const error = await loadError(() => loadCourse(join(root, 'pods')));
    expect(error.problems).toContainEqual({
      file: join(root, 'pods/volumes/counter.yaml'),
      line: 1,
      column: 5,
      path: 'id',
      message: `duplicate exercise id "first-pod" (also in ${join(root, 'pods/why-pods/first-pod.yaml')})`,
    });
  });

  it('reports a duplicate within one course once, also when loading all courses', async () => {
    await put('pods/volumes/counter.yaml', exerciseYaml('first-pod'));
    const error = await loadError(() => loadCourses(root));
    expect(error.problems.filter((p) => p.message.startsWith('duplicate exercise id'))).toHaveLength(1);
  });

  it('reports duplicate exercise ids across courses', async () => {
    await put('other/course.yaml', 'id: other\ntitle: { zh-CN: 其他, en: Other }\ndescription: { zh-CN: 课程, en: Course }\nlessons: [intro]\n');
    await put('other/intro/lesson.yaml', 'id: intro\ntitle: { zh-CN: 介绍, en: Intro }\norder: 1\nexercises: [first-pod]\n');
    await put('other/intro/lesson.zh-CN.md', '# 介绍\n');
    await put('other/intro/lesson.en.md', '# Intro\n');
    await put('other/intro/first-pod.yaml', exerciseYaml('first-pod'));
    const error = await loadError(() => loadCourses(root));
    expect(error.message).toContain(`${join(root, 'pods/why-pods/first-pod.yaml')}:1:5: id: duplicate exercise id "first-pod" (also in ${join(root, 'other/intro/first-pod.yaml')})`);
  });

  it('reports a figure without alt text and a figure that does not exist', async () => {
    await put('pods/why-pods/lesson.en.md', '# Why\n\n![](pod.svg)\n\nText ![Split](split.svg)\n');
    const error = await loadError(() => loadCourse(join(root, 'pods')));
    const file = join(root, 'pods/why-pods/lesson.en.md');
    expect(error.message.split('\n')).toEqual([`${file}:3:1: image "pod.svg" has no alt text`, `${file}:5:6: image "split.svg" not found`]);
  });

  it('reports a lesson whose order disagrees with the course', async () => {
    await put('pods/volumes/lesson.yaml', 'id: volumes\ntitle: { zh-CN: 卷, en: Volumes }\norder: 3\nexercises:\n  - counter\n');
    const error = await loadError(() => loadCourse(join(root, 'pods')));
    expect(error.message).toBe(`${join(root, 'pods/volumes/lesson.yaml')}:3:8: order: is 3 but the course lists this lesson at position 2`);
  });

  it('passes on the format errors of an exercise file with its path', async () => {
    await put('pods/volumes/counter.yaml', exerciseYaml('counter').replace('params: { pod: web }', 'params: { pod: 7 }'));
    const error = await loadError(() => loadCourse(join(root, 'pods')));
    expect(error.code).toBe('EXERCISE_FORMAT_INVALID');
    expect(error.message).toBe(`${join(root, 'pods/volumes/counter.yaml')}:11:20: checks[0].params.pod: expected a string, found an integer (7)`);
  });
});

describe('loadExerciseFile', () => {
  it('loads one file and names a missing one', async () => {
    expect((await loadExerciseFile(join(root, 'pods/volumes/counter.yaml'))).id).toBe('counter');
    const error = await loadError(() => loadExerciseFile(join(root, 'pods/volumes/nope.yaml')));
    expect(error.message).toBe(`${join(root, 'pods/volumes/nope.yaml')}: file not found`);
  });
});
