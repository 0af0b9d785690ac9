// CSV as spreadsheets write it (RFC 4180 plus what Excel does in practice): a UTF-8 BOM, ';' as
// the delimiter in many European locales, any line ending. One pass over the text with
// charCodeAt/indexOf, because imports of 100,000 customers must parse in about a second.

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvProblem {
	rowNumber: number;
	message: string;
}

export interface ParsedCsv {
	headers: string[];
	rows: string[][];
	/** For each of `rows`, its row number as a spreadsheet shows it: the header is row 1. */
	rowNumbers: number[];
	delimiter: CsvDelimiter;
	problems: CsvProblem[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const BOM = '\ufeff';

export function parseCsv(text: string): ParsedCsv {
	if (text.startsWith(BOM)) text = text.slice(1);
	const delimiter = detectDelimiter(text);
	const d = delimiter.charCodeAt(0);
	const n = text.length;
	const records: string[][] = [];
	const recordRows: number[] = [];
	const problems: CsvProblem[] = [];
	// Empty lines are skipped but still counted, so row numbers match what the user sees.
	let row = 1;
	let fields: string[] = [];
	let i = 0;

	const endRecord = () => {
		if (!(fields.length === 1 && fields[0].trim() === '')) {
			records.push(fields);
			recordRows.push(row);
		}
		fields = [];
		row++;
	};

	while (i < n) {
		let value: string;
		let c = text.charCodeAt(i);
		if (c === QUOTE) {
			value = '';
			let j = i + 1;
			let closed = false;
			for (;;) {
				const q = text.indexOf('"', j);
				if (q === -1) break;
				if (text.charCodeAt(q + 1) === QUOTE) {
					value += text.slice(j, q + 1);
					j = q + 2;
					continue;
				}
				value += text.slice(j, q);
				i = q + 1;
				closed = true;
				break;
			}
			if (!closed) {
				problems.push({
					rowNumber: row,
					message: `Row ${row} has a quote (") that is never closed, so it and everything after it was not read.`
				});
				return finish(records, recordRows, delimiter, problems);
			}
			// Lenient like spreadsheets: text after the closing quote (`"a"b`) belongs to the field.
			let k = i;
			while (k < n && (c = text.charCodeAt(k)) !== d && c !== LF && c !== CR) k++;
			if (k > i) value += text.slice(i, k);
			i = k;
		} else {
			let k = i;
			while (k < n && (c = text.charCodeAt(k)) !== d && c !== LF && c !== CR) k++;
			value = text.slice(i, k);
			i = k;
		}
		fields.push(value);
		if (i >= n) break;
		c = text.charCodeAt(i);
		if (c === d) {
			i++;
			// A delimiter as the very last character still opens one more (empty) field.
			if (i >= n) fields.push('');
			continue;
		}
		i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
		endRecord();
	}
	if (fields.length > 0) endRecord();
	return finish(records, recordRows, delimiter, problems);
}

function finish(
	records: string[][],
	recordRows: number[],
	delimiter: CsvDelimiter,
	problems: CsvProblem[]
): ParsedCsv {
	if (records.length === 0) return { headers: [], rows: [], rowNumbers: [], delimiter, problems };
	const headers = records[0].map((h) => h.trim());
	const rows = records.slice(1);
	// Spreadsheets drop trailing empty cells; padding lets callers index any column safely.
	for (const r of rows) while (r.length < headers.length) r.push('');
	return { headers, rows, rowNumbers: recordRows.slice(1), delimiter, problems };
}

/** The delimiter that occurs most often (outside quotes) on the header line; ',' when none does. */
export function detectDelimiter(text: string): CsvDelimiter {
	const counts = { ',': 0, ';': 0, '\t': 0 };
	let inQuotes = false;
	let started = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (ch === '"') inQuotes = !inQuotes;
		else if (!inQuotes) {
			if (ch === '\n' || ch === '\r') {
				// Blank lines before the header are skipped; the header line ends at its first newline.
				if (started) break;
				continue;
			}
			if (ch === ',' || ch === ';' || ch === '\t') counts[ch]++;
		}
		started = true;
	}
	if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
	if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
	return ',';
}

/**
 * Comma-delimited CSV with CRLF line endings and a UTF-8 BOM (without it Excel reads accents as
 * mojibake). Cells that a spreadsheet would run as a formula get a leading apostrophe.
 */
export function toCsv(headers: string[], rows: string[][]): string {
	const lines = [headers.map(cell).join(',')];
	for (const r of rows) lines.push(r.map(cell).join(','));
	return BOM + lines.join('\r\n') + '\r\n';
}

function cell(value: string): string {
	const v = guardCell(value);
	return /[",\r\n]/.test(v) ? '"' + v.replaceAll('"', '""') + '"' : v;
}

/**
 * Formula-injection guard (OWASP "CSV injection"). A '+' or '-' cell that is only a number or a
 * phone ('+447700900123', '-5') is left alone, since spreadsheets read it as a value; '-2+3+cmd|x'
 * starts with a digit too but is a known payload, so the rest of the cell must look numeric.
 */
export function guardCell(value: string): string {
	return needsGuard(value) ? "'" + value : value;
}

/** Undoes guardCell on import, so an exported file reads back to the same values. */
export function unguardCell(value: string): string {
	return value.startsWith("'") && needsGuard(value.slice(1)) ? value.slice(1) : value;
}

function needsGuard(v: string): boolean {
	if (v === '') return false;
	const c = v[0];
	if (c === '=' || c === '@' || c === '\t' || c === '\r') return true;
	if (c === '+' || c === '-') return v.length > 1 && !NUMERIC_TAIL.test(v);
	return false;
}

const NUMERIC_TAIL = /^[+-]\d[\d .,()-]*$/;
