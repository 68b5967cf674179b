// CSV cells: RFC 4180 quoting, and no cell a spreadsheet would run as a formula.
import { describe, expect, it } from 'vitest';
import { csvCell, csvResponse, csvRow } from './csv';

describe('csv', () => {
  it('quotes commas, quotes and line breaks, and leaves plain text alone', () => {
    expect(csvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', 3, null, true])).toBe('plain,"a,b","say ""hi""","two\nlines",3,,true\r\n');
    expect(csvCell(new Date('2026-12-02T13:00:00Z'))).toBe('2026-12-02T13:00:00.000Z');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('defuses cells that start like a formula (= + - @, tab, carriage return)', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe(`'\t=1`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    // Numbers are numbers, negative ones too (they are not text a learner typed).
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('streams a header then every page of rows, with a BOM for spreadsheets', async () => {
    async function* pages() {
      yield [['李雷', 1]];
      yield [['=cmd', 2]];
    }
    const response = csvResponse('progress "x".csv', ['name', 'n'], pages());
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="progress__x_.csv"');
    // Read the bytes: Response.text() would drop the BOM while decoding.
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.subarray(3).toString('utf8')).toBe("name,n\r\n李雷,1\r\n'=cmd,2\r\n");
  });
});
