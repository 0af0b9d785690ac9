// The problems of an import's check as a spreadsheet to download and fix the rows in.
import { toCsv } from './csv-write';
import type { RowProblem } from './customer-csv';

export function problemsCsv(problems: readonly RowProblem[]): string {
	return toCsv(['Row', 'Column', 'Value', 'Problem'], problems.map((p) => [String(p.rowNumber), p.field, p.value, p.message]));
}
