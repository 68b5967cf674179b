import type { en } from './en';

/** Every leaf of a catalogue is a string; the English catalogue defines the keys. */
type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

export type Messages = Strings<typeof en>;
