// What a file must look like before any row of it is read: a text file, not a workbook, picture
// or PDF that was chosen by mistake (or renamed to .csv). Judged from its first bytes.
import type { ErrorCode } from './errors';

/** Columns an import reads at most: the widest import has ~20 fields; 100 leaves room for extras. */
export const MAX_COLUMNS = 100;

/** Bytes looked at to tell text from anything else. */
export const SNIFF_BYTES = 4096;

export type FileProblemCode = Extract<
	ErrorCode,
	'file-empty' | 'file-not-csv' | 'file-workbook' | 'file-no-rows' | 'file-too-many-columns' | 'file-line-too-long'
>;

const starts = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);

/** null when the first bytes can be text; else why not. */
export function sniffBytes(head: Uint8Array): FileProblemCode | null {
	if (head.length === 0) return 'file-empty';
	// .xlsx, .ods and .numbers are zip archives; .xls is an OLE compound file.
	if (starts(head, [0x50, 0x4b, 0x03, 0x04]) || starts(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
		return 'file-workbook';
	}
	if (starts(head, [0x25, 0x50, 0x44, 0x46])) return 'file-not-csv'; // %PDF
	let control = 0;
	for (const byte of head) {
		// NUL never occurs in a UTF-8 or Windows-1252 spreadsheet export; other control bytes
		// (besides tab and line breaks) are rare: many of them mean a picture, PDF or program.
		if (byte === 0) return 'file-not-csv';
		if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
	}
	return control > head.length / 100 ? 'file-not-csv' : null;
}
