// One computation per key and age window, joined by concurrent callers; failures not kept.
import { describe, expect, it } from 'vitest';
import { sharedFigures } from './shared-figures';

describe('shared figures', () => {
  it('shares one computation between concurrent and recent callers, then makes it again', async () => {
    let runs = 0;
    const compute = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return runs;
    };
    const t0 = new Date('2026-12-03T08:00:00Z');
    const [a, b] = await Promise.all([sharedFigures('k1', compute, t0, 1000), sharedFigures('k1', compute, t0, 1000)]);
    expect([a.value, b.value, runs]).toEqual([1, 1, 1]);
    expect(a.at).toEqual(t0);
    expect((await sharedFigures('k1', compute, new Date(t0.getTime() + 999), 1000)).value).toBe(1);
    const later = await sharedFigures('k1', compute, new Date(t0.getTime() + 1000), 1000);
    expect([later.value, later.at.getTime() - t0.getTime()]).toEqual([2, 1000]);
    expect((await sharedFigures('k2', compute, t0, 1000)).value).toBe(3);
  });

  it('forgets a failed computation, so the next caller tries again', async () => {
    const t0 = new Date('2026-12-03T08:00:00Z');
    await expect(sharedFigures('k3', () => Promise.reject(new Error('database gone')), t0)).rejects.toThrow('database gone');
    expect((await sharedFigures('k3', async () => 'fresh', t0)).value).toBe('fresh');
  });
});
