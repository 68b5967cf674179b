import { describe, expect, it } from 'vitest';
import { parseQuantity, parseQuantityText, QUANTITY_FORMAT_MSG, QUANTITY_SUFFIX_MSG, tryParseQuantity } from './quantity.js';

// Cases from apimachinery's quantity_test.go (TestQuantityParse and its invalid list).
const VALID: Array<[string, number]> = [
  ['0', 0], ['0n', 0], ['0Ki', 0], ['0T', 0],
  ['1Ki', 1024], ['7Mi', 7 * 2 ** 20], ['6Gi', 6 * 2 ** 30], ['5Ti', 5 * 2 ** 40], ['4Pi', 4 * 2 ** 50], ['3Ei', 3 * 2 ** 60],
  ['5n', 5e-9], ['4u', 4e-6], ['3m', 0.003], ['9', 9], ['8k', 8000], ['7M', 7e6], ['6G', 6e9], ['5T', 5e12], ['2P', 2e15], ['1E', 1e18],
  ['1E-3', 0.001], ['1e3', 1000], ['1E6', 1e6], ['1e9', 1e9], ['1.3E+6', 1.3e6], ['0.5e-1', 0.05], ['100.035k', 100035],
  ['0.001', 0.001], ['0.0005k', 0.5], ['10.035M', 10035000], ['1.01E', 1.01e18], ['0.5Mi', 2 ** 19], ['100.035Ki', 102435.84],
  // Rounded up to 1n, saturated at 2^63-1.
  ['3.001n', 4e-9], ['1.1E-9', 2e-9], ['0.0000000005', 1e-9], ['0.00000012345', 124e-9], ['9Ei', 2 ** 63 - 1], ['0.000000000001Ki', 2e-9],
  // "Things written by trolls" that the real server accepts.
  ['.001', 0.001], ['1.', 1], ['1.G', 1e9], ['.', 0],
];

const INVALID: Array<[string, string]> = [
  ['', QUANTITY_FORMAT_MSG], ['1.1.M', QUANTITY_FORMAT_MSG], ['1+1.0M', QUANTITY_FORMAT_MSG], ['0.1am', QUANTITY_FORMAT_MSG],
  ['aoeu', QUANTITY_FORMAT_MSG], [' 1', QUANTITY_FORMAT_MSG], ['1 ', QUANTITY_FORMAT_MSG], ['64MB', QUANTITY_FORMAT_MSG],
  ['0.1mi', QUANTITY_SUFFIX_MSG], ['.5i', QUANTITY_SUFFIX_MSG], ['1i', QUANTITY_SUFFIX_MSG], ['-3.01i', QUANTITY_SUFFIX_MSG],
  ['-3.01e-', QUANTITY_SUFFIX_MSG], ['1e', QUANTITY_SUFFIX_MSG], ['1e3Mi', QUANTITY_FORMAT_MSG], ['1Ki3', QUANTITY_SUFFIX_MSG], ['1ki', QUANTITY_SUFFIX_MSG],
];

describe('parseQuantityText (apimachinery ParseQuantity)', () => {
  it.each(VALID)('%s is %d', (text, value) => {
    expect(parseQuantityText(text)).toBeCloseTo(value, 12);
    expect(parseQuantityText(`+${text}`)).toBeCloseTo(value, 12);
    expect(parseQuantityText(`-${text}`)).toBeCloseTo(-value, 12);
  });

  it.each(INVALID)('%j is refused: %s', (text, message) => {
    expect(() => parseQuantityText(text)).toThrow(message);
  });
});

describe('parseQuantity (as decoded from JSON)', () => {
  it('takes numbers and trims strings, as Quantity.UnmarshalJSON does', () => {
    expect(parseQuantity(1.5)).toBe(1.5);
    expect(parseQuantity(' 64Mi ')).toBe(64 * 2 ** 20);
    expect(() => parseQuantity(true)).toThrow(QUANTITY_FORMAT_MSG);
    expect(() => parseQuantity(Number.NaN)).toThrow(QUANTITY_FORMAT_MSG);
  });

  it('tryParseQuantity answers undefined only for malformed quantities', () => {
    expect(tryParseQuantity('500m')).toBe(0.5);
    expect(tryParseQuantity('500 m')).toBeUndefined();
    expect(tryParseQuantity({})).toBeUndefined();
  });
});
