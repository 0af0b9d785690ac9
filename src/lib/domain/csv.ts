// CSV as spreadsheets write it (RFC 4180 plus what Excel does in practice): a UTF-8 BOM, ';' as
// the delimiter in many European locales, any line ending. Parsed by papaparse's streaming parser,
// fed text in pieces (CsvReader), so a 100,000-row file is read a chunk at a time and never held whole.
import Papa from 'papaparse';

export type CsvDelimiter = ',' | ';' | '\t';
export type CsvNewline = '\r\n' | '\n' | '\r';

export interface CsvFormat {
	delimiter: CsvDelimiter;
	newline: CsvNewline;
}

export type CsvProblemCode = 'quote-unclosed' | 'row-too-long';

export interface CsvProblem {
	rowNumber: number;
	code: CsvProblemCode;
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

/** Rows handed out by CsvReader: cells (padded to the header) and their spreadsheet row numbers. */
export interface CsvRows {
	rows: string[][];
	rowNumbers: number[];
}

/**
 * Longest record read (characters). A longer one is a quote that is never closed, or not a
 * spreadsheet at all (a 50 MB line without a line break): reading stops there instead of
 * buffering the rest of the file.
 */
export const MAX_RECORD_CHARS = 1 << 20;

const BOM = '\ufeff';

/**
 * Streaming CSV: push() text as it is decoded, end() at the end of the file. Each call returns the
 * records completed so far; a record cut by a chunk boundary waits for the next piece. The header
 * (row 1) is kept in `headers`, empty lines are skipped but counted (row numbers match what the
 * spreadsheet shows), and the first problem that makes the rest unreadable stops the reader.
 */
export class CsvReader {
	headers: string[] | null = null;
	format: CsvFormat | null;
	readonly problems: CsvProblem[] = [];
	#parser: Papa.Parser | null = null;
	#partial = '';
	#records = 0;
	#stopped = false;
	#started = false;

	constructor(format: CsvFormat | null = null) {
		this.format = format;
	}

	/** True once a problem made the rest of the input unreadable. */
	get stopped(): boolean {
		return this.#stopped;
	}

	push(text: string): CsvRows {
		return this.#parse(text, false);
	}

	end(): CsvRows {
		return this.#parse('', true);
	}

	#parse(text: string, last: boolean): CsvRows {
		const out: CsvRows = { rows: [], rowNumbers: [] };
		if (this.#stopped) return out;
		if (!this.#started) {
			if (text.startsWith(BOM)) text = text.slice(1);
			if (text !== '') this.#started = true;
		}
		let input = this.#partial + text;
		if (!this.#parser) {
			// The format is read from the header line, so wait until it is complete.
			if (!this.format) {
				// A '\r' at the very end may be the first half of '\r\n'.
				if (!last && !/[\r\n][^]/.test(input.replace(/^[\r\n]+/, ''))) return this.#hold(input, out);
				this.format = detectFormat(input);
			}
			this.#parser = new Papa.Parser({ delimiter: this.format.delimiter, newline: this.format.newline, quoteChar: '"' });
		}
		if (input === '') return out;
		const result = this.#parser.parse(input, 0, !last) as {
			data: string[][];
			errors: { code: string; row: number }[];
			meta: { cursor: number };
		};
		const unclosed = last ? result.errors.find((e) => e.code === 'MissingQuotes') : undefined;
		const data = unclosed ? result.data.slice(0, unclosed.row) : result.data;
		for (const cells of data) this.#record(cells, out);
		if (unclosed) {
			const row = this.#records + 1;
			this.problems.push({
				rowNumber: row,
				code: 'quote-unclosed',
				message: `Row ${row} has a quote (") that is never closed, so it and everything after it was not read.`
			});
			this.#stopped = true;
			return out;
		}
		input = last ? '' : input.slice(result.meta.cursor);
		return this.#hold(input, out);
	}

	#hold(rest: string, out: CsvRows): CsvRows {
		if (rest.length > MAX_RECORD_CHARS) {
			const row = this.#records + 1;
			this.problems.push({
				rowNumber: row,
				code: 'row-too-long',
				message: `Row ${row} is longer than a million characters: it has a quote (") that is never closed, or the file is not a spreadsheet. It and everything after it was not read.`
			});
			this.#stopped = true;
			this.#partial = '';
			return out;
		}
		this.#partial = rest;
		return out;
	}

	#record(cells: string[], out: CsvRows): void {
		const row = ++this.#records;
		if (cells.length === 1 && cells[0].trim() === '') return;
		if (!this.headers) {
			this.headers = cells.map((h) => h.trim());
			return;
		}
		// Spreadsheets drop trailing empty cells; padding lets callers index any column safely.
		while (cells.length < this.headers.length) cells.push('');
		out.rows.push(cells);
		out.rowNumbers.push(row);
	}
}

/** A whole text at once (tests, small files): the same reader as the streaming import. */
export function parseCsv(text: string): ParsedCsv {
	const reader = new CsvReader();
	const a = reader.push(text);
	const b = reader.end();
	return {
		headers: reader.headers ?? [],
		rows: [...a.rows, ...b.rows],
		rowNumbers: [...a.rowNumbers, ...b.rowNumbers],
		delimiter: reader.format?.delimiter ?? ',',
		problems: reader.problems
	};
}

/** Delimiter and line ending of the header line. */
export function detectFormat(text: string): CsvFormat {
	const start = text.search(/[^\r\n]/);
	const body = start === -1 ? '' : text.slice(start);
	let newline: CsvNewline = '\n';
	let inQuotes = false;
	for (let i = 0; i < body.length; i++) {
		const ch = body[i];
		if (ch === '"') inQuotes = !inQuotes;
		else if (!inQuotes && (ch === '\n' || ch === '\r')) {
			newline = ch === '\n' ? '\n' : body[i + 1] === '\n' ? '\r\n' : '\r';
			break;
		}
	}
	return { delimiter: detectDelimiter(body), newline };
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

// Writing CSV (toCsv and the formula guard) lives in csv-write.ts, without papaparse: exports
// load it alone.
export { toCsv, guardCell, unguardCell } from './csv-write';

/** An import's row-by-row check: fed each row as it is read, so the file is never held whole. */
export interface RowSink<R> {
	add(row: string[], rowNumber: number): void;
	result(): R;
}

/** Feeds a whole parsed file to a sink (tests, small files). */
export function feed<R>(sink: RowSink<R>, csv: ParsedCsv): R {
	for (let r = 0; r < csv.rows.length; r++) sink.add(csv.rows[r], csv.rowNumbers[r] ?? r + 2);
	return sink.result();
}
