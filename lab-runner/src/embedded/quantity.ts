// Kubernetes resource quantities ("500m", "64Mi", "1.5G", "1e3"): the one parser the
// embedded API server and kubelet share. A port of apimachinery's ParseQuantity
// (pkg/api/resource/quantity.go), quirks included, so what the real server accepts we accept
// and what it refuses we refuse with its wording:
//
//   <quantity>     ::= <signedNumber><suffix>
//   <signedNumber> ::= <number> | <sign><number>
//   <number>       ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//   <suffix>       ::= <binarySI> | <decimalExponent> | <decimalSI>
//   <binarySI>     ::= Ki | Mi | Gi | Ti | Pi | Ei
//   <decimalSI>    ::= n | u | m | "" | k | M | G | T | P | E
//   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>   (integer exponent)
//
// Values are rounded away from zero to a multiple of 1n and saturate at ±(2^63-1), as the
// real server stores them.

export const QUANTITY_FORMAT_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_MSG = "unable to parse quantity's suffix";

class QuantityError extends Error {
  constructor(message: typeof QUANTITY_FORMAT_MSG | typeof QUANTITY_SUFFIX_MSG) {
    super(message);
    this.name = 'QuantityError';
  }
}

const DECIMAL_SI: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SI: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';
const MAX_ALLOWED = 2 ** 63 - 1;

/**
 * The numeric value of a quantity as the API decodes it from JSON or YAML: a number as is, a
 * string with surrounding whitespace trimmed. Throws QuantityError with the real server's message.
 */
export function parseQuantity(raw: unknown): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw !== 'string') throw new QuantityError(QUANTITY_FORMAT_MSG);
  return parseQuantityText(raw.trim());
}

/** parseQuantity, with undefined for a malformed quantity. */
export function tryParseQuantity(raw: unknown): number | undefined {
  try {
    return parseQuantity(raw);
  } catch (err) {
    if (err instanceof QuantityError) return undefined;
    throw err;
  }
}

/** ParseQuantity itself: no whitespace allowed anywhere. */
export function parseQuantityText(text: string): number {
  if (text.length === 0) throw new QuantityError(QUANTITY_FORMAT_MSG);
  const { negative, digits, suffix } = split(text);
  const magnitude = Number(digits) * scaleOf(suffix);
  const nanos = magnitude * 1e9;
  // Beyond 2^53 nanos a double holds no fraction of 1n to round; the small slack absorbs
  // binary noise such as 0.001 * 1e9 = 1000000.0000000001.
  const rounded = nanos >= 2 ** 53 ? magnitude : Math.ceil(nanos - 1e-6) / 1e9;
  const value = Math.min(rounded, MAX_ALLOWED);
  return negative && value !== 0 ? -value : value;
}

/** Sign, digits (as a JS number literal) and the raw suffix, following parseQuantityString. */
function split(text: string): { negative: boolean; digits: string; suffix: string } {
  let pos = 0;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    pos++;
  }
  const whole = run(text, pos, isDigit);
  pos += whole.length;
  let fraction = '';
  if (text[pos] === '.') {
    fraction = run(text, pos + 1, isDigit);
    pos += 1 + fraction.length;
  }
  const suffixStart = pos;
  pos += run(text, pos, (c) => SUFFIX_CHARS.includes(c)).length;
  if (text[pos] === '-' || text[pos] === '+') pos++;
  pos += run(text, pos, isDigit).length;
  if (pos < text.length) throw new QuantityError(QUANTITY_FORMAT_MSG);
  return { negative, digits: `${whole || '0'}.${fraction || '0'}`, suffix: text.slice(suffixStart) };
}

function scaleOf(suffix: string): number {
  const decimal = DECIMAL_SI[suffix];
  if (decimal !== undefined) return 10 ** decimal;
  const binary = BINARY_SI[suffix];
  if (binary !== undefined) return 2 ** binary;
  // Go's strconv.ParseInt: an optional sign, then decimal digits, within int64.
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = BigInt(suffix.slice(1));
    if (exponent <= 2n ** 63n - 1n && exponent >= -(2n ** 63n)) return 10 ** Number(exponent);
  }
  throw new QuantityError(QUANTITY_SUFFIX_MSG);
}

function run(text: string, from: number, accept: (c: string) => boolean): string {
  let end = from;
  while (end < text.length && accept(text[end] as string)) end++;
  return text.slice(from, end);
}

const isDigit = (c: string) => c >= '0' && c <= '9';
