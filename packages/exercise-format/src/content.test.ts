import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageMatches, indexExercises, loadCourses, locales, manifestObjects, placeholdersIn, type Exercise, type LoadedCourse } from './index';

// The course content in exercises/ is code: these tests keep it loadable, bilingual and
// consistent with what the sandbox can run (busybox only).

const exercisesRoot = join(import.meta.dirname, '..', '..', '..', 'exercises');
/** Exercises whose setup deliberately uses an image the sandbox cannot pull. */
const brokenImageSetups = new Set(['image-pull-backoff']);

let courses: LoadedCourse[];
beforeAll(async () => {
  courses = await loadCourses(exercisesRoot);
});

interface PodShape {
  name: string;
  containers: string[];
  images: string[];
}

/** Pods defined by manifests and by `kubectl apply -f - <<'YAML'` heredocs in commands. */
function podsIn(manifests: Exercise['setup']['manifests'], commands: string[]): PodShape[] {
  const objects: unknown[] = manifests.flatMap((manifest) => manifestObjects(manifest));
  for (const command of commands) {
    for (const match of command.matchAll(/<<'YAML'\n([\s\S]*?)\n\s*YAML\b/g)) {
      for (const document of parseAllDocuments(match[1] ?? '')) objects.push(document.toJS());
    }
  }
  return objects
    .filter((o): o is { kind: string; metadata: { name: string }; spec: { containers: { name: string; image: string }[] } } => (o as { kind?: string }).kind === 'Pod')
    .map((pod) => ({ name: pod.metadata.name, containers: pod.spec.containers.map((c) => c.name), images: pod.spec.containers.map((c) => c.image) }));
}

const allExercises = () => [...indexExercises(courses).values()];

describe('course content in exercises/', () => {
  it('loads: every file matches the schema and every lesson has both texts', () => {
    expect(courses.map((c) => c.spec.id)).toEqual(['pods']);
    const pods = courses[0] as LoadedCourse;
    expect(pods.lessons.length).toBeGreaterThanOrEqual(5);
    for (const lesson of pods.lessons) {
      for (const locale of locales) expect(lesson.markdown[locale].length, `${lesson.spec.id} ${locale}`).toBeGreaterThan(1500);
    }
    expect(allExercises().length).toBeGreaterThanOrEqual(10);
  });

  it('gives every figure alt text and a caption, in both locales, and each SVG a title and description', () => {
    for (const lesson of courses.flatMap((c) => c.lessons)) {
      const sources = locales.map((locale) => lesson.figures[locale].map((f) => f.src).sort());
      expect(sources[0], `${lesson.spec.id}: both locales show the same figures`).toEqual(sources[1]);
      for (const locale of locales) {
        for (const figure of lesson.figures[locale]) {
          expect(figure.alt.length, `${lesson.spec.id} ${locale} ${figure.src} alt`).toBeGreaterThan(40);
          expect(figure.caption, `${lesson.spec.id} ${locale} ${figure.src} caption`).toBeTruthy();
        }
      }
      for (const file of readdirSync(lesson.dir).filter((f) => f.endsWith('.svg'))) {
        expect(sources[0], `${lesson.dir}/${file} is shown by the lesson`).toContain(file);
        const svg = readFileSync(join(lesson.dir, file), 'utf8');
        expect(svg).toMatch(/<svg[^>]*role="img"/);
        expect(svg).toMatch(/<title[^>]*>[^<]{5,}<\/title>/);
        expect(svg).toMatch(/<desc[^>]*>[^<]{40,}<\/desc>/);
      }
    }
    const figureCount = courses.flatMap((c) => c.lessons).reduce((n, l) => n + l.figures.en.length, 0);
    expect(figureCount).toBeGreaterThanOrEqual(3);
  });

  it('says what was observed in every failure message and gives at least two progressive hints', () => {
    for (const { spec } of allExercises()) {
      for (const check of spec.checks) {
        for (const locale of locales) expect(placeholdersIn(check.failureMessage[locale]), `${spec.id}/${check.id} ${locale}`).toContain('observed');
        expect(check.hints.length, `${spec.id}/${check.id} hints`).toBeGreaterThanOrEqual(2);
      }
      expect(spec.checks.filter((c) => c.mustFailBeforeSolution).length, `${spec.id} has checks that prove the solution`).toBeGreaterThan(0);
    }
  });

  it('uses only busybox in solutions, and in setups except where a broken image is the point', () => {
    for (const { spec } of allExercises()) {
      for (const pod of podsIn(spec.solution.manifests, spec.solution.commands)) {
        for (const image of pod.images) expect(imageMatches('busybox', image), `${spec.id} solution ${pod.name}: ${image}`).toBe(true);
      }
      for (const pod of podsIn(spec.setup.manifests, spec.setup.commands)) {
        const allBusybox = pod.images.every((image) => imageMatches('busybox', image));
        expect(allBusybox, `${spec.id} setup ${pod.name}: ${pod.images.join(', ')}`).toBe(!brokenImageSetups.has(spec.id));
      }
    }
  });

  it('checks only Pods and containers that the setup or the solution defines', () => {
    for (const { spec } of allExercises()) {
      const pods = new Map<string, Set<string>>();
      for (const pod of [...podsIn(spec.setup.manifests, spec.setup.commands), ...podsIn(spec.solution.manifests, spec.solution.commands)]) {
        pods.set(pod.name, new Set([...(pods.get(pod.name) ?? []), ...pod.containers]));
      }
      for (const check of spec.checks) {
        const params = check.params as { pod?: string; name?: string; involvedName?: string; container?: string; kind?: string; exists?: boolean };
        const pod = params.pod ?? (params.kind === 'Pod' ? params.name : undefined) ?? params.involvedName;
        if (pod === undefined) continue;
        expect(pods.has(pod), `${spec.id}/${check.id}: Pod ${pod} is created by setup or solution`).toBe(true);
        if (params.container !== undefined) expect(pods.get(pod)?.has(params.container), `${spec.id}/${check.id}: container ${params.container}`).toBe(true);
      }
    }
  });

  it('grades the design exercise with a quiz as well as checks', () => {
    const design = indexExercises(courses).get('wordpress-mysql-split');
    expect(design?.spec.quiz?.questions.length).toBeGreaterThanOrEqual(3);
  });
});
