// This tablet's receipt printer: which one is paired and how receipts are laid out on it. Kept on
// the tablet (kv 'printer'), never replicated: a printer is plugged into one tablet, and two
// tablets in one shop may well have different paper.
import type { FieldError } from '$lib/domain/errors';

export type PrinterConnection = 'usb' | 'serial';

/** The printer languages the encoder speaks (a printer that only prints pictures is refused). */
export const PRINTER_LANGUAGES = ['esc-pos', 'star-prnt', 'star-line'] as const;
export type PrinterLanguage = (typeof PRINTER_LANGUAGES)[number];

/**
 * How a maker numbers its code pages (ESC t n): the encoder's mapping names. The WebUSB driver
 * reports one per printer maker; names it reports that the encoder does not know ('default',
 * 'zjiang') fall back to Epson's, which most ESC/POS clones copy.
 */
export const CODEPAGE_MAPPINGS = [
	'bixolon',
	'bixolon/legacy',
	'citizen',
	'epson',
	'epson/legacy',
	'fujitsu',
	'hp',
	'metapace',
	'mpt',
	'pos-5890',
	'pos-8360',
	'star',
	'sunmi',
	'xprinter',
	'youku'
] as const;
export type CodepageMapping = (typeof CODEPAGE_MAPPINGS)[number];

export interface PairedPrinter {
	connection: PrinterConnection;
	/** USB ids (also of a USB serial adapter); null where the port does not say. */
	vendorId: number | null;
	productId: number | null;
	serialNumber: string | null;
	/** For people: 'EPSON TM-T20III'. */
	name: string;
	language: PrinterLanguage;
	codepageMapping: CodepageMapping;
}

/**
 * 'auto': the encoder picks, character by character, a code page holding it (and switches with
 * ESC t), so £, € and accented names all print. An explicit one suits a printer that mishandles
 * switching; characters outside it print as '?'.
 */
export const CODEPAGES = [
	{ value: 'auto', label: 'Automatic (switches as needed)' },
	{ value: 'cp858', label: 'Western Europe with € (CP858)' },
	{ value: 'windows1252', label: 'Western Europe, Windows (1252)' },
	{ value: 'iso8859-15', label: 'Western Europe, Latin-9 (ISO 8859-15)' },
	{ value: 'cp852', label: 'Central Europe (CP852)' },
	{ value: 'cp437', label: 'USA (CP437, no €)' }
] as const;
export type PrinterCodepage = (typeof CODEPAGES)[number]['value'];

export type PaperWidth = 58 | 80;

/** Characters per line in the printer's standard font (12 × 24 dots at 203 dpi). */
export const COLUMNS: Record<PaperWidth, number> = { 58: 32, 80: 48 };

export const MAX_TEXT_LINES = 6;
export const MAX_TEXT_LINE = 48;

export interface PrinterSettings {
	paired: PairedPrinter | null;
	paper: PaperWidth;
	codepage: PrinterCodepage;
	/** Print the customer's name on their receipts. */
	showCustomer: boolean;
	/** Printed under the shop's name: address, phone, VAT number. */
	header: string[];
	/** Printed under the barcode: returns policy, thanks. */
	footer: string[];
	/** Print the receipt as soon as a sale is paid (with a printer paired). */
	autoPrint: boolean;
}

export const DEFAULT_PRINTER_SETTINGS: PrinterSettings = {
	paired: null,
	paper: 80,
	codepage: 'auto',
	showCustomer: true,
	header: [],
	footer: ['Thank you for shopping with us'],
	autoPrint: true
};

/** Lines as typed in a text box: one per line, trailing spaces and blank lines at the ends dropped. */
export function textLines(text: string): string[] {
	const lines = text.split(/\r?\n/).map((l) => l.trimEnd());
	while (lines.length && lines[0].trim() === '') lines.shift();
	while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
	return lines;
}

function checkLines(field: 'header' | 'footer', lines: readonly string[]): FieldError[] {
	if (lines.length > MAX_TEXT_LINES) return [{ field, code: 'printer-lines-too-many', params: { max: String(MAX_TEXT_LINES) } }];
	const long = lines.findIndex((l) => [...l].length > MAX_TEXT_LINE);
	return long < 0 ? [] : [{ field, code: 'printer-line-too-long', params: { line: String(long + 1), max: String(MAX_TEXT_LINE) } }];
}

/** Checks the settings a save would change (a patch checks only the keys it has). */
export function validatePrinterSettings(patch: Partial<PrinterSettings>): FieldError[] {
	const errors: FieldError[] = [];
	if (patch.paper !== undefined && patch.paper !== 58 && patch.paper !== 80) errors.push({ field: 'paper', code: 'printer-paper-invalid' });
	if (patch.codepage !== undefined && !CODEPAGES.some((c) => c.value === patch.codepage)) {
		errors.push({ field: 'codepage', code: 'printer-codepage-invalid' });
	}
	if (patch.header !== undefined) errors.push(...checkLines('header', patch.header));
	if (patch.footer !== undefined) errors.push(...checkLines('footer', patch.footer));
	return errors;
}

/** A stored row read back: unknown or missing keys take their defaults (an older app wrote it). */
export function readPrinterSettings(value: unknown): PrinterSettings {
	const v = (value && typeof value === 'object' ? value : {}) as Partial<PrinterSettings>;
	const merged = { ...DEFAULT_PRINTER_SETTINGS, ...v };
	return validatePrinterSettings(merged).length === 0 ? merged : { ...DEFAULT_PRINTER_SETTINGS, paired: merged.paired ?? null };
}

export function knownMapping(name: unknown): CodepageMapping {
	return (CODEPAGE_MAPPINGS as readonly unknown[]).includes(name) ? (name as CodepageMapping) : 'epson';
}

export function knownLanguage(name: unknown): PrinterLanguage | null {
	// The Web Serial driver cannot ask the printer: ESC/POS, which nearly every receipt printer speaks.
	if (name === null || name === undefined) return 'esc-pos';
	return (PRINTER_LANGUAGES as readonly unknown[]).includes(name) ? (name as PrinterLanguage) : null;
}
