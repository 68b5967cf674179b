// Structured operator logs: one JSON object per line, one line per event. Fields whose names
// look like credentials are redacted, so a careless `log.info('x', { token })` leaks nothing.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /token|secret|password|authorization|cookie|kubeconfig|ticket|^key$|privatekey/i;

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, event: string, fields?: LogFields) => {
    if (RANK[level] < RANK[options.level]) return;
    const record = { time: now().toISOString(), level, event, ...sanitize(base), ...sanitize(fields ?? {}) };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** Structured lines on stderr: the default of parts started without a logger (CLI scripts, tests). */
export function stderrLogger(base: LogFields, level: LogLevel = 'info'): Logger {
  return createLogger({ level, write: (line) => void process.stderr.write(line) }, base);
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => undefined });

function sanitize(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = sanitizeValue(key, value, 0);
  return out;
}

function sanitizeValue(key: string, value: unknown, depth: number): unknown {
  if (SECRET_KEY.test(key)) return '[redacted]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  if (depth >= 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => sanitizeValue('', item, depth + 1));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) out[k] = sanitizeValue(k, v, depth + 1);
  return out;
}
