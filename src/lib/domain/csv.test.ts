import { describe, expect, it } from 'vitest';
import { CsvReader, MAX_RECORD_CHARS, detectDelimiter, guardCell, parseCsv, toCsv, unguardCell } from './csv';

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

	it('keeps quotes inside an unquoted cell', () => {
		expect(parseCsv('a,b\nO"Brien,5 1/2" tall').rows).toEqual([['O"Brien', '5 1/2" tall']]);
	});

	it('returns nothing for empty input', () => {
		expect(parseCsv('')).toEqual({ headers: [], rows: [], rowNumbers: [], delimiter: ',', problems: [] });
		expect(parseCsv('\ufeff\n\n').rows).toEqual([]);
	});

	it('reads the same rows whatever pieces the text arrives in', () => {
		const text = '\ufeffname;note\r\n\r\nAnn;"two\r\nlines; ""quoted"""\r\nBob;x\r\n;\r\nCy;""""\r\n';
		const whole = parseCsv(text);
		expect(whole.rows).toEqual([['Ann', 'two\r\nlines; "quoted"'], ['Bob', 'x'], ['', ''], ['Cy', '"']]);
		expect(whole.rowNumbers).toEqual([3, 4, 5, 6]);
		for (let cut = 0; cut <= text.length; cut++) {
			for (const size of [1, 3, 7]) {
				const reader = new CsvReader();
				const rows: string[][] = [];
				const numbers: number[] = [];
				const take = (r: { rows: string[][]; rowNumbers: number[] }) => {
					rows.push(...r.rows);
					numbers.push(...r.rowNumbers);
				};
				take(reader.push(text.slice(0, cut)));
				for (let i = cut; i < text.length; i += size) take(reader.push(text.slice(i, i + size)));
				take(reader.end());
				expect(reader.headers).toEqual(['name', 'note']);
				expect(rows).toEqual(whole.rows);
				expect(numbers).toEqual(whole.rowNumbers);
			}
		}
	});

	it('stops at a record longer than the limit instead of buffering the rest of the file', () => {
		const reader = new CsvReader();
		const first = reader.push('a,b\n1,2\n3,"never closed');
		expect(first.rows).toEqual([['1', '2']]);
		reader.push('x'.repeat(MAX_RECORD_CHARS));
		expect(reader.stopped).toBe(true);
		expect(reader.problems).toEqual([expect.objectContaining({ rowNumber: 3, code: 'row-too-long' })]);
		expect(reader.push('\n4,5\n').rows).toEqual([]);
		expect(reader.end().rows).toEqual([]);
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
