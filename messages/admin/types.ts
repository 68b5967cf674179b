import type { adminEn } from './en';

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

/** Every locale provides exactly the keys of the English catalogue. */
export type AdminMessages = Strings<typeof adminEn>;
