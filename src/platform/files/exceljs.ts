/**
 * exceljs, loaded on the first XLSX import or export rather than at start: it is the largest
 * module the server has (about 8 MB of heap and 30 MB of RSS once loaded), and a server that never
 * reads or writes a workbook should not carry it. Its heap counts twice under load: V8 lets the
 * old generation grow to a multiple of what is live after a full collection (issue 14's RSS goal).
 */
import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | undefined;

/** The exceljs module, imported once. */
export function exceljs(): Promise<typeof ExcelJS> {
  loading ??= import('exceljs').then((m) => m.default);
  return loading;
}
