/**
 * A table (column headers, then rows of text) written to a stream as CSV or XLSX, row by row:
 * memory stays flat however many rows come (XLSX through exceljs's streaming WorkbookWriter).
 * Generic on purpose: customer exports use it now, reports (issue 18) can use it too.
 *
 * Formula injection: a cell starting with = + - @ (or a tab or carriage return) would be run as a
 * formula by a spreadsheet, so it is neutralised with a leading single quote.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { exceljs } from './exceljs.js';
import { CSV_BOM, csvLine } from './csv.js';

export type TableFormat = 'csv' | 'xlsx';

export interface TableColumn {
  header: string;
  /** XLSX column width in characters (default 16). */
  width?: number;
}

/** A row's cells in column order; null and undefined are empty cells. */
export type TableRow = readonly (string | null | undefined)[];

export const TABLE_CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A cell a spreadsheet will show as text, never run as a formula. */
export function neutralise(text: string | null | undefined): string {
  const value = text ?? '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Waits while the reader is behind (or until the stream closes). */
async function drained(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return;
  await Promise.race([once(out, 'drain'), once(out, 'close')]);
}

async function writeCsv(out: Writable, columns: readonly TableColumn[], rows: AsyncIterable<TableRow>): Promise<void> {
  out.write(CSV_BOM + csvLine(columns.map((c) => neutralise(c.header))));
  for await (const row of rows) {
    if (out.destroyed) return;
    out.write(csvLine(row.map(neutralise)));
    await drained(out);
  }
  out.end();
}

async function writeXlsx(out: Writable, columns: readonly TableColumn[], rows: AsyncIterable<TableRow>, sheetName: string): Promise<void> {
  const Excel = await exceljs();
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c, i) => ({ header: neutralise(c.header), key: String(i), width: c.width ?? 16 }));
  for await (const row of rows) {
    if (out.destroyed) return;
    sheet.addRow(row.map(neutralise)).commit();
    await drained(out);
  }
  sheet.commit();
  await workbook.commit();
}

/** Writes the table to `out` and ends it; rows are pulled only as fast as `out` takes them. */
export async function writeTable(
  out: Writable,
  format: TableFormat,
  columns: readonly TableColumn[],
  rows: AsyncIterable<TableRow>,
  sheetName = 'Sheet1',
): Promise<void> {
  if (format === 'csv') await writeCsv(out, columns, rows);
  else await writeXlsx(out, columns, rows, sheetName);
}
