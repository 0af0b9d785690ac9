// Reads an import file (a File or any Blob) a slice at a time: bytes → text (one streaming
// decoder, so a character cut by a slice boundary is joined again, which papaparse's own
// FileStreamer does not do: mholt/PapaParse#751) → CsvReader → rows. Only one slice and the rows
// of it are in memory at once, so a 100,000-row file costs no more than a small one.
import { CsvReader, type CsvFormat, type CsvProblem, type CsvRows } from '$lib/domain/csv';
import { MAX_COLUMNS, SNIFF_BYTES, sniffBytes, type FileProblemCode } from '$lib/domain/csv-file';
import { messageFor } from '$lib/domain/errors';

/** Bytes decoded and parsed per step. */
export const SLICE_BYTES = 1 << 20;
/** Rows kept from the scan for the mapping step's examples. */
export const SAMPLE_ROWS = 50;

export type CsvEncoding = 'utf-8' | 'windows-1252';

/** What the scan learnt about a file, and what the check pass reads it with. */
export interface CsvFileInfo {
	name: string;
	encoding: CsvEncoding;
	format: CsvFormat;
	headers: string[];
	/** Non-empty rows after the header. */
	rowCount: number;
	samples: string[][];
	/** Problems that stopped the reading early (an unclosed quote): the rows before it are used. */
	problems: CsvProblem[];
}

export type ScanResult = { ok: true; info: CsvFileInfo } | { ok: false; code: FileProblemCode; message: string };

export interface ReadOptions {
	/** Called after each slice with the bytes read so far. */
	onBytes?: (done: number, total: number) => void;
	/** Checked between slices: reading stops when it returns true. */
	stop?: () => boolean;
}

class NotUtf8 extends Error {}

/**
 * Streams `blob` through a CsvReader, handing out the rows of each slice. Throws NotUtf8 when
 * decoding as UTF-8 meets bytes that are not (the caller reads again as Windows-1252).
 */
async function stream(
	blob: Blob,
	encoding: CsvEncoding,
	reader: CsvReader,
	onRows: (rows: CsvRows) => void,
	opts: ReadOptions
): Promise<void> {
	const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
	const decode = (bytes?: ArrayBuffer) => {
		try {
			return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
		} catch {
			throw new NotUtf8();
		}
	};
	for (let at = 0; at < blob.size && !reader.stopped; at += SLICE_BYTES) {
		if (opts.stop?.()) return;
		const bytes = await blob.slice(at, at + SLICE_BYTES).arrayBuffer();
		onRows(reader.push(decode(bytes)));
		opts.onBytes?.(Math.min(at + SLICE_BYTES, blob.size), blob.size);
	}
	if (reader.stopped || opts.stop?.()) return;
	onRows(reader.push(decode()));
	onRows(reader.end());
}

function failure(code: FileProblemCode, params: Record<string, string> = {}): ScanResult {
	return { ok: false, code, message: messageFor({ field: 'file', code, params }) };
}

/**
 * First pass: is this a CSV file we can import? Its encoding, format, headers, row count and a
 * few rows for the examples. `noun` names the rows in messages ('customers', 'items', 'sale lines').
 */
export async function scanCsv(file: Blob & { name?: string }, noun: string, opts: ReadOptions = {}): Promise<ScanResult> {
	const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
	const sniffed = sniffBytes(head);
	if (sniffed) return failure(sniffed);
	for (const encoding of ['utf-8', 'windows-1252'] as const) {
		const reader = new CsvReader();
		let rowCount = 0;
		const samples: string[][] = [];
		let wide = false;
		try {
			await stream(
				file,
				encoding,
				reader,
				(r) => {
					rowCount += r.rows.length;
					for (const row of r.rows) if (samples.length < SAMPLE_ROWS) samples.push(row);
				},
				// A header of 200 columns is known from the first slice: no need to read on.
				{ ...opts, stop: () => (wide = (reader.headers?.length ?? 0) > MAX_COLUMNS) || (opts.stop?.() ?? false) }
			);
		} catch (e) {
			if (e instanceof NotUtf8) continue;
			throw e;
		}
		const first = reader.problems[0];
		if (first?.code === 'row-too-long' && first.rowNumber === 1) return failure('file-line-too-long');
		const headers = reader.headers;
		if (!headers) return failure('file-empty');
		if (wide || headers.length > MAX_COLUMNS) {
			return failure('file-too-many-columns', { columns: headers.length.toLocaleString('en-GB'), max: String(MAX_COLUMNS) });
		}
		if (rowCount === 0 && !first) return failure('file-no-rows', { noun });
		return {
			ok: true,
			info: {
				name: file.name ?? '',
				encoding,
				format: reader.format!,
				headers,
				rowCount,
				samples,
				problems: reader.problems
			}
		};
	}
	// Windows-1252 decodes every byte, so the loop always returns.
	throw new Error('unreachable');
}

/** Second pass: every row of a scanned file, a slice at a time, in the scan's encoding and format. */
export async function readRows(
	file: Blob,
	info: CsvFileInfo,
	onRows: (rows: CsvRows) => void,
	opts: ReadOptions = {}
): Promise<void> {
	await stream(file, info.encoding, new CsvReader(info.format), onRows, opts);
}
