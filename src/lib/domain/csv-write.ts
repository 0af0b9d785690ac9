// Writing CSV: no parser needed, so an export does not load papaparse (see csv.ts for reading).

const BOM = '\ufeff';

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
