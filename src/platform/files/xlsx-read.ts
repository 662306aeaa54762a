/**
 * Reads the first worksheet of an XLSX workbook (exceljs) as text cells, saying which cells hold
 * a formula: an uploaded workbook's formulas are never evaluated nor stored.
 */
import type ExcelJS from 'exceljs';
import { exceljs } from './exceljs.js';

/** A cell as an import sees it: its text, and whether the workbook holds a formula there. */
export interface SheetCell {
  text: string;
  formula: boolean;
}

/** Thrown when the bytes are not a workbook exceljs can open, or it has no worksheet. */
export class XlsxError extends Error {}

/** Thrown when the worksheet has more than `maxRows` rows after the header. */
export class TooManyRows extends Error {}

function cellOf(types: typeof ExcelJS.ValueType, cell: ExcelJS.Cell): SheetCell {
  const formula = cell.type === types.Formula;
  if (formula) return { text: cell.formula ? `=${cell.formula}` : '', formula };
  if (cell.type === types.Date && cell.value instanceof Date) return { text: cell.value.toISOString(), formula };
  return { text: cell.type === types.Null ? '' : cell.text, formula };
}

/** The rows of the first worksheet (header first), blank rows skipped, at most `maxRows` after the header. */
export async function readXlsx(bytes: Buffer, maxRows: number): Promise<SheetCell[][]> {
  const Excel = await exceljs();
  const workbook = new Excel.Workbook();
  try {
    // A copy as an ArrayBuffer: the type exceljs declares (its JSZip reads either).
    const copy = new ArrayBuffer(bytes.length);
    new Uint8Array(copy).set(bytes);
    await workbook.xlsx.load(copy);
  } catch (err) {
    throw new XlsxError(`the XLSX file cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new XlsxError('the XLSX file has no worksheet');
  if (sheet.actualRowCount > maxRows + 1) throw new TooManyRows();
  const rows: SheetCell[][] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: SheetCell[] = [];
    for (let j = 1; j <= width; j++) cells.push(cellOf(Excel.ValueType, row.getCell(j)));
    if (cells.some((c) => c.text.trim() !== '' || c.formula)) rows.push(cells);
  });
  return rows;
}
