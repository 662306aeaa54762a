/**
 * CSV as spreadsheets write it (RFC 4180): fields separated by commas, quoted with `"` when they
 * hold a comma, quote or line break, `""` inside quotes for one quote; lines end in CRLF, LF or
 * CR. A UTF-8 byte-order mark (Excel writes one) is dropped. Text only: every cell stays a string
 * (a phone's leading 0 or a long number's digits must survive), so no library's type guessing.
 */

/** Thrown when the bytes are not UTF-8 text or a quote is never closed. */
export class CsvError extends Error {}

const BOM = '\uFEFF';

/** The rows of a CSV file, each a list of cells; blank lines are skipped. */
export function parseCsv(bytes: Uint8Array): string[][] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CsvError('the CSV file is not UTF-8 text (save it as "CSV UTF-8")');
  }
  if (text.startsWith(BOM)) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    cell = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i += 1;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      endRow();
      if (c === '\r' && text[i + 1] === '\n') i += 1;
    } else cell += c;
    i += 1;
  }
  if (quoted) throw new CsvError('the CSV file has a quote that is never closed');
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

/** One CSV line (with CRLF) of these cells, quoted where needed. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',') + '\r\n';
}

export const CSV_BOM = BOM;
