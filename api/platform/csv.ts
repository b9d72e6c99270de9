/**
 * CSV files Herald writes (the uptime report, the public incident history): RFC 4180 through
 * csv-stringify, a header row, CRLF line ends, quoted where a field needs it. Text that a
 * spreadsheet would evaluate (a leading =, +, -, @, tab or CR) is kept text with a leading
 * quote mark (OWASP "CSV injection"); numbers are written as numbers.
 */
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number | boolean | null;

/** A text cell a spreadsheet will not run as a formula. @example spreadsheetSafe('=1+1') // "'=1+1" */
export const spreadsheetSafe = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/**
 * The CSV of `rows` under `columns` (each row's values in the columns' order); null is an empty cell.
 * @example toCsvFile(['ref', 'minutes'], [['INC-1', 30]]) // 'ref,minutes\r\nINC-1,30\r\n'
 */
export function toCsvFile(columns: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return stringify([[...columns], ...rows.map((row) => [...row])], {
    record_delimiter: 'windows',
    cast: { string: spreadsheetSafe, boolean: (value) => (value ? 'true' : 'false') },
  });
}
