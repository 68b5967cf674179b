// Kubernetes resource quantities as the units the engine wants.
import { parseQuantity } from '../quantity.js';

/** Memory limit in bytes, or undefined when unset. */
export function memoryBytes(quantity: string | undefined): number | undefined {
  return quantity === undefined ? undefined : Math.ceil(parseQuantity(quantity));
}

/** CPU in nano-CPUs (the engine's NanoCpus), or undefined when unset. */
export function nanoCpus(quantity: string | undefined): number | undefined {
  return quantity === undefined ? undefined : Math.round(parseQuantity(quantity) * 1e9);
}
