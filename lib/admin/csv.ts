// CSV for the admins' exports (RFC 4180): every field quoted when it needs to be, and made safe
// to open in a spreadsheet: a cell that starts with = + - @ (or a tab / carriage return, which
// some spreadsheets skip before reading a formula) is prefixed with ' so it is never run as a
// formula (OWASP "CSV injection"). Learners choose their names and what their checks observed,
// so every cell is hostile.

export type CsvCell = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  else text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * A streamed CSV response: rows are pulled page by page from `pages` (an async generator of row
 * batches), so an export of every learner never sits in memory whole. A UTF-8 BOM lets
 * spreadsheets read Chinese names correctly.
 */
export function csvResponse(filename: string, header: readonly string[], pages: AsyncIterable<readonly CsvCell[][]>): Response {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${csvRow(header)}`));
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map(csvRow).join('')));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  const safeName = filename.replace(/[^a-zA-Z0-9._-]/g, '_');
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${safeName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
