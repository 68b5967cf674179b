// Kubernetes resource quantities ("64Mi", "0.5", "500m") as the numbers the engine wants.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export function parseQuantity(quantity: string): number {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(quantity.trim());
  if (!match) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "${quantity}"`);
  const base = Number(match[1]) * (match[2] ? 10 ** Number(match[2]) : 1);
  const suffix = match[3] ?? '';
  return base * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** Memory limit in bytes, or undefined when unset. */
export function memoryBytes(quantity: string | undefined): number | undefined {
  return quantity === undefined ? undefined : Math.ceil(parseQuantity(quantity));
}

/** CPU in nano-CPUs (the engine's NanoCpus), or undefined when unset. */
export function nanoCpus(quantity: string | undefined): number | undefined {
  return quantity === undefined ? undefined : Math.round(parseQuantity(quantity) * 1e9);
}
