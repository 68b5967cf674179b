// Reading a runner's metrics: samples, sums across labels, histogram quantiles.
import { describe, expect, it } from 'vitest';
import { histogramQuantile, parsePrometheusText, sumOf } from './prometheus';

const TEXT = `# HELP kubelab_sandboxes Sandboxes by lifecycle state
# TYPE kubelab_sandboxes gauge
kubelab_sandboxes{state="ready"} 3
kubelab_sandboxes{state="warm"} 1
kubelab_sandbox_capacity{limit="max_sandboxes"} 20
kubelab_sandbox_create_seconds_bucket{le="0.5",source="warm"} 4
kubelab_sandbox_create_seconds_bucket{le="1",source="warm"} 4
kubelab_sandbox_create_seconds_bucket{le="2",source="warm"} 4
kubelab_sandbox_create_seconds_bucket{le="+Inf",source="warm"} 4
kubelab_sandbox_create_seconds_bucket{le="0.5",source="cold"} 0
kubelab_sandbox_create_seconds_bucket{le="1",source="cold"} 2
kubelab_sandbox_create_seconds_bucket{le="2",source="cold"} 6
kubelab_sandbox_create_seconds_bucket{le="+Inf",source="cold"} 6
kubelab_sandbox_create_seconds_count{source="warm"} 4
kubelab_sandbox_create_seconds_count{source="cold"} 6
kubelab_runner_process_resident_memory_bytes 1.5e+08
weird_label{path="a \\"quoted\\" \\\\ thing"} 1
`;

describe('prometheus text', () => {
  const samples = parsePrometheusText(TEXT);

  it('reads samples with their labels and values', () => {
    expect(sumOf(samples, 'kubelab_sandboxes', { state: 'warm' })).toBe(1);
    expect(sumOf(samples, 'kubelab_sandboxes')).toBe(4);
    expect(sumOf(samples, 'kubelab_sandbox_create_seconds_count')).toBe(10);
    expect(sumOf(samples, 'kubelab_runner_process_resident_memory_bytes')).toBe(150_000_000);
    expect(sumOf(samples, 'absent')).toBeUndefined();
    expect(samples.find((s) => s.name === 'weird_label')?.labels.path).toBe('a "quoted" \\ thing');
  });

  it('interpolates quantiles inside the bucket, across label sets', () => {
    // 10 observations: 4 in (0, 0.5], 2 in (0.5, 1], 4 in (1, 2].
    expect(histogramQuantile(samples, 'kubelab_sandbox_create_seconds', 0.5)).toBeCloseTo(0.75);
    expect(histogramQuantile(samples, 'kubelab_sandbox_create_seconds', 0.95)).toBeCloseTo(1.875);
    expect(histogramQuantile(samples, 'absent', 0.5)).toBeNull();
  });
});
