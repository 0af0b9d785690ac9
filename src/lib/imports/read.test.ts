import { describe, expect, it } from 'vitest';
import { SLICE_BYTES, readRows, scanCsv, type ScanResult } from './read';

const file = (parts: BlobPart[], name = 'file.csv') => Object.assign(new Blob(parts), { name });

function failed(r: ScanResult): string {
	expect(r.ok).toBe(false);
	if (r.ok) throw new Error('the scan accepted the file');
	return r.code;
}

describe('scanCsv refuses files that are not CSV, with a clear message', () => {
	it('a PNG picture', async () => {
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
		const r = await scanCsv(file([png], 'photo.csv'), 'customers');
		expect(failed(r)).toBe('file-not-csv');
		expect(!r.ok && r.message).toMatch(/not a CSV file/);
	});

	it('an Excel workbook renamed to .csv', async () => {
		const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0, 0x08, 0]);
		const r = await scanCsv(file([xlsx, '[Content_Types].xml'], 'customers.csv'), 'customers');
		expect(failed(r)).toBe('file-workbook');
		expect(!r.ok && r.message).toMatch(/Save As › CSV/);
	});

	it('an empty file, and one of blank lines', async () => {
		expect(failed(await scanCsv(file([]), 'customers'))).toBe('file-empty');
		expect(failed(await scanCsv(file(['\ufeff\r\n\r\n']), 'customers'))).toBe('file-empty');
	});

	it('a header without rows', async () => {
		const r = await scanCsv(file(['First name,Last name,Email\r\n']), 'customers');
		expect(failed(r)).toBe('file-no-rows');
		expect(!r.ok && r.message).toMatch(/no customers to import/);
	});

	it('200 columns', async () => {
		const header = Array.from({ length: 200 }, (_, i) => `c${i}`).join(',');
		const r = await scanCsv(file([header + '\n' + header + '\n']), 'customers');
		expect(failed(r)).toBe('file-too-many-columns');
		expect(!r.ok && r.message).toMatch(/200 columns/);
	});

	it('a 50 MB single line, read no further than its first two slices', async () => {
		const line = 'x,'.repeat(25 * 1024 * 1024);
		let read = 0;
		const r = await scanCsv(file([line]), 'customers', { onBytes: (done) => (read = done) });
		expect(failed(r)).toBe('file-line-too-long');
		expect(read).toBeLessThanOrEqual(2 * SLICE_BYTES);
	});
});

describe('scanCsv and readRows over a file read in slices', () => {
	it('joins a character cut by a slice boundary, counts rows and keeps examples', async () => {
		// 'é' is two bytes in UTF-8: put its first byte last in the first slice.
		const head = 'Name,City\n';
		const pad = 'a'.repeat(SLICE_BYTES - head.length - 1 - 'Zo'.length);
		const text = `${head}Zo${pad}é,Paris\nAnn,Léon\n`;
		const blob = file([new TextEncoder().encode(text)]);
		const scan = await scanCsv(blob, 'customers');
		expect(scan.ok).toBe(true);
		if (!scan.ok) return;
		expect(scan.info.encoding).toBe('utf-8');
		expect(scan.info.headers).toEqual(['Name', 'City']);
		expect(scan.info.rowCount).toBe(2);
		const rows: string[][] = [];
		await readRows(blob, scan.info, (r) => rows.push(...r.rows));
		expect(rows[0][0]).toBe(`Zo${pad}é`);
		expect(rows[1]).toEqual(['Ann', 'Léon']);
	});

	it('reads a Windows-1252 file (older Excel) instead of showing replacement characters', async () => {
		const bytes = new Uint8Array([...new TextEncoder().encode('Name;City\nZo'), 0xeb, ...new TextEncoder().encode(';K\xf6ln\n')]);
		// 'ö' above went in as UTF-8 (two bytes); make it one Windows-1252 byte like 'ë'.
		const fixed = Uint8Array.from(bytes.filter((b, i) => !(b === 0xc3 && bytes[i + 1] === 0xb6)).map((b) => (b === 0xb6 ? 0xf6 : b)));
		const scan = await scanCsv(file([fixed]), 'customers');
		expect(scan.ok).toBe(true);
		if (!scan.ok) return;
		expect(scan.info.encoding).toBe('windows-1252');
		expect(scan.info.format.delimiter).toBe(';');
		expect(scan.info.samples).toEqual([['Zoë', 'Köln']]);
	});
});
