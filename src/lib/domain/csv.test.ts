import { describe, expect, it } from 'vitest';
import { detectDelimiter, guardCell, parseCsv, toCsv, unguardCell } from './csv';

describe('parseCsv', () => {
	it('reads headers, rows and row numbers', () => {
		const p = parseCsv('First name,Last name\nAnn,Lee\nBob,Roe\n');
		expect(p.headers).toEqual(['First name', 'Last name']);
		expect(p.rows).toEqual([
			['Ann', 'Lee'],
			['Bob', 'Roe']
		]);
		expect(p.rowNumbers).toEqual([2, 3]);
		expect(p.delimiter).toBe(',');
		expect(p.problems).toEqual([]);
	});

	it('strips a UTF-8 BOM', () => {
		expect(parseCsv('\ufeffName\nZoë').headers).toEqual(['Name']);
	});

	it('detects ; and tab from the header line, ignoring delimiters inside quotes', () => {
		const semi = parseCsv('Vorname;Nachname;"Notiz, lang"\nJürgen;Müller;"a, b"\n');
		expect(semi.delimiter).toBe(';');
		expect(semi.rows[0]).toEqual(['Jürgen', 'Müller', 'a, b']);
		const tab = parseCsv('a\tb\tc\n1\t2,5\t3');
		expect(tab.delimiter).toBe('\t');
		expect(tab.rows[0]).toEqual(['1', '2,5', '3']);
		expect(detectDelimiter('"x;y;z",b\n1,2')).toBe(',');
		expect(detectDelimiter('single\n1;2;3;4')).toBe(',');
	});

	it('handles doubled quotes, delimiters and newlines inside quotes', () => {
		const p = parseCsv('a,b,c\n"say ""hi""","x,y","line1\nline2"\n');
		expect(p.rows).toEqual([['say "hi"', 'x,y', 'line1\nline2']]);
		expect(parseCsv('a,b\n"",""').rows).toEqual([['', '']]);
	});

	it('accepts CRLF, LF and CR line endings', () => {
		for (const eol of ['\r\n', '\n', '\r']) {
			const p = parseCsv(['h1,h2', '1,2', '3,4'].join(eol) + eol);
			expect(p.rows).toEqual([
				['1', '2'],
				['3', '4']
			]);
			expect(p.rowNumbers).toEqual([2, 3]);
		}
	});

	it('skips empty lines but counts them, and a multi-line record counts as the row it starts on', () => {
		const text = 'name,note\n\nAnn,"two\r\nlines"\r\n\r\n   \nBob,x\n';
		const p = parseCsv(text);
		expect(p.rows.map((r) => r[0])).toEqual(['Ann', 'Bob']);
		expect(p.rowNumbers).toEqual([3, 6]);
	});

	it('keeps rows of empty cells (the importer decides about them) and pads short rows', () => {
		const p = parseCsv('a,b,c\n,,\n1\n1,2,3,4');
		expect(p.rows).toEqual([
			['', '', ''],
			['1', '', ''],
			['1', '2', '3', '4']
		]);
	});

	it('a trailing delimiter makes a final empty field', () => {
		expect(parseCsv('a,b\n1,').rows).toEqual([['1', '']]);
	});

	it('reports an unterminated quote with the row it starts on and keeps earlier rows', () => {
		const p = parseCsv('a,b\n1,2\n\n3,"oops\n4,5\n');
		expect(p.rows).toEqual([['1', '2']]);
		expect(p.rowNumbers).toEqual([2]);
		expect(p.problems).toHaveLength(1);
		expect(p.problems[0].rowNumber).toBe(4);
		expect(p.problems[0].message).toMatch(/Row 4/);
	});

	it('is lenient with stray quotes', () => {
		expect(parseCsv('a,b\nO"Brien,"x"y').rows).toEqual([['O"Brien', 'xy']]);
	});

	it('returns nothing for empty input', () => {
		expect(parseCsv('')).toEqual({ headers: [], rows: [], rowNumbers: [], delimiter: ',', problems: [] });
		expect(parseCsv('\ufeff\n\n').rows).toEqual([]);
	});

	it('parses a large file correctly', () => {
		const cols = 15;
		const headers = Array.from({ length: cols }, (_, i) => `col${i}`);
		const lines = [headers.join(',')];
		for (let r = 0; r < 20_000; r++) {
			lines.push(Array.from({ length: cols }, (_, c) => (c === 3 ? `"r${r}, ""q"""` : `r${r}c${c}`)).join(','));
		}
		const p = parseCsv(lines.join('\r\n'));
		expect(p.rows).toHaveLength(20_000);
		expect(p.rows[19_999][3]).toBe('r19999, "q"');
		expect(p.rows[19_999][14]).toBe('r19999c14');
		expect(p.rowNumbers[19_999]).toBe(20_001);
	});
});

describe('toCsv', () => {
	it('starts with a BOM, uses CRLF and quotes where needed', () => {
		const out = toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['multi\nline', 'plain']]);
		expect(out).toBe('\ufeffa,b\r\n"x,y","say ""hi"""\r\n"multi\nline",plain\r\n');
	});

	it('guards formula-like cells but leaves phones and negative numbers alone', () => {
		expect(guardCell('=SUM(A1)')).toBe("'=SUM(A1)");
		expect(guardCell('@cmd')).toBe("'@cmd");
		expect(guardCell('+cmd')).toBe("'+cmd");
		expect(guardCell('-2+3+cmd|x')).toBe("'-2+3+cmd|x");
		expect(guardCell('+44 (0)20 7946 0018')).toBe('+44 (0)20 7946 0018');
		expect(guardCell('-12.50')).toBe('-12.50');
		expect(guardCell('-x')).toBe("'-x");
		expect(guardCell('\tx')).toBe("'\tx");
		expect(guardCell('\rx')).toBe("'\rx");
		expect(guardCell('+447700900123')).toBe('+447700900123');
		expect(guardCell('-5')).toBe('-5');
		expect(guardCell('-')).toBe('-');
		expect(guardCell('')).toBe('');
		expect(guardCell('a=b')).toBe('a=b');
	});

	it('unguardCell reverses the guard only where it was applied', () => {
		for (const v of ['=SUM(A1)', '@x', '+x', "'plain", "'", 'x', '+447700900123']) {
			expect(unguardCell(guardCell(v))).toBe(v);
		}
	});

	it('round-trips through parseCsv', () => {
		const headers = ['Name', 'Note', 'Phone'];
		const rows = [
			['Zoë', 'line1\r\nline2, "quoted"', '+447700900123'],
			['', '=1+1', '']
		];
		const p = parseCsv(toCsv(headers, rows));
		expect(p.headers).toEqual(headers);
		expect(p.rows.map((r) => r.map(unguardCell))).toEqual(rows);
	});
});
