// Timestamps as the API server writes them: RFC 3339 in UTC, whole seconds.

/** The time `seconds` from now, to the whole second. */
export const secondsFromNow = (seconds: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + seconds * 1000).toISOString().replace('.000Z', 'Z');

export const now = () => secondsFromNow(0);
