// The catalogue: item validation, and money as people type and read it. Amounts are integers
// in minor units everywhere; text is converted only at the edges (forms, CSV, receipts).
import type { FieldError } from '../errors';
import { newId } from '../ids';
import type { Item, RedeemMode } from './types';

export type ItemDraft = Omit<Item, 'id'> & { id?: string };

/** Who already holds a SKU or barcode, by key (skuKey / the barcode as stored). */
export interface ItemRef {
	id: string;
	name: string;
}

export interface ItemContext {
	existingSkus?: ReadonlyMap<string, ItemRef>;
	existingBarcodes?: ReadonlyMap<string, ItemRef>;
	newId?: () => string;
}

const REDEEM_MODES: readonly RedeemMode[] = ['none', 'partial', 'full'];

/** SKUs compare without case or surrounding spaces: 'mug-b' typed at a till is 'MUG-B'. */
export function skuKey(sku: string): string {
	return sku.trim().toUpperCase();
}

const BARCODE_RE = /^[A-Za-z0-9]{4,32}$/;

/** GS1 check digit (EAN-8, UPC-A, EAN-13): weights 3,1,3,... from the right, check digit excluded. */
export function gtinCheckDigitOk(code: string): boolean {
	let sum = 0;
	for (let i = code.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (code.charCodeAt(i) - 48) * w;
	return (10 - (sum % 10)) % 10 === code.charCodeAt(code.length - 1) - 48;
}

/**
 * Null when `barcode` is acceptable. Any 4–32 letters or digits pass (shops label their own
 * goods), but 8, 12 or 13 digits are a GS1 code whose check digit catches a mistyped digit.
 */
export function barcodeProblem(barcode: string): 'barcode-invalid' | 'barcode-check-digit' | null {
	if (!BARCODE_RE.test(barcode)) return 'barcode-invalid';
	if (/^\d+$/.test(barcode) && (barcode.length === 8 || barcode.length === 12 || barcode.length === 13)) {
		return gtinCheckDigitOk(barcode) ? null : 'barcode-check-digit';
	}
	return null;
}

export function validateItem(draft: ItemDraft, ctx: ItemContext = {}): { item: Item; errors: FieldError[] } {
	const errors: FieldError[] = [];
	const item: Item = {
		id: draft.id ?? (ctx.newId ?? newId)(),
		sku: draft.sku.trim(),
		barcode: draft.barcode.replace(/\s+/g, ''),
		name: draft.name.replace(/\s+/g, ' ').trim(),
		brand: draft.brand.replace(/\s+/g, ' ').trim(),
		category: draft.category.replace(/\s+/g, ' ').trim(),
		variant: draft.variant.replace(/\s+/g, ' ').trim(),
		price: draft.price,
		cost: draft.cost,
		redeem: draft.redeem,
		pointsPrice: draft.redeem === 'none' ? 0 : draft.pointsPrice,
		active: draft.active
	};

	if (item.sku === '') errors.push({ field: 'sku', code: 'sku-required' });
	else {
		const owner = ctx.existingSkus?.get(skuKey(item.sku));
		if (owner && owner.id !== item.id) {
			errors.push({ field: 'sku', code: 'sku-duplicate', params: { sku: item.sku, ownerName: owner.name } });
		}
	}
	if (item.name === '') errors.push({ field: 'name', code: 'item-name-required' });

	if (item.barcode !== '') {
		const problem = barcodeProblem(item.barcode);
		if (problem) errors.push({ field: 'barcode', code: problem, params: { barcode: item.barcode } });
		else {
			const owner = ctx.existingBarcodes?.get(item.barcode);
			if (owner && owner.id !== item.id) {
				errors.push({ field: 'barcode', code: 'barcode-duplicate', params: { barcode: item.barcode, ownerName: owner.name } });
			}
		}
	}

	if (!Number.isFinite(item.price) || item.price === 0) {
		errors.push({ field: 'price', code: 'item-price-missing', params: item.name ? { name: item.name } : undefined });
	} else if (!Number.isInteger(item.price) || item.price < 0) {
		errors.push({ field: 'price', code: 'price-invalid' });
	}
	if (!Number.isInteger(item.cost) || item.cost < 0) errors.push({ field: 'cost', code: 'cost-invalid' });

	if (!REDEEM_MODES.includes(item.redeem)) {
		errors.push({ field: 'redeem', code: 'redeem-unreadable', params: { value: String(item.redeem) } });
	} else if (item.redeem !== 'none' && !(Number.isInteger(item.pointsPrice) && item.pointsPrice > 0)) {
		errors.push({ field: 'pointsPrice', code: 'points-price-missing' });
	}
	return { item, errors };
}

// ---- Money ---------------------------------------------------------------------------------

const digitsCache = new Map<string, number>();

/** Minor-unit digits of a currency: 2 for GBP/EUR/USD, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
	let d = digitsCache.get(currency);
	if (d === undefined) {
		try {
			d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
		} catch {
			d = 2;
		}
		digitsCache.set(currency, d);
	}
	return d;
}

/** Minor units in one whole currency unit (100 for GBP). */
export function minorPerUnit(currency: string): number {
	return 10 ** currencyDigits(currency);
}

// Symbols people put around amounts; other letters than these or the currency's own code make
// the text garbage ('12abc' must not read as 12).
const SYMBOL_RE = /^(?:[£$€¥₹]|[A-Z]{1,2}\$|kr|zł|Fr\.?)$/i;
const SPACES_RE = /[\s\u00a0\u202f\u2009']/g;

/**
 * Minor units from an amount as typed or exported: '12.50', '12,50', '£12.50', '1 234,50',
 * '1,234.50', '-3.00', '12.5 EUR'. Null for anything else. A separator followed by exactly three
 * digits is a thousands separator (for a two-decimal currency it cannot be a decimal point).
 */
export function parseMoney(text: string, currency = 'GBP'): number | null {
	let s = text.trim();
	if (s === '') return null;
	let negative = false;
	if (s.startsWith('(') && s.endsWith(')')) {
		negative = true;
		s = s.slice(1, -1).trim();
	}
	if (s.startsWith('-') || s.startsWith('−')) {
		negative = !negative;
		s = s.slice(1).trim();
	}
	// Strip a currency symbol or code before or after the number (and a sign after a prefix: '£-3').
	const m = /^([^\d\s.,-]*)\s*(-?)\s*([\d\s\u00a0\u202f\u2009'.,]*\d[\d\s\u00a0\u202f\u2009'.,]*?)\s*([^\d\s.,-]*)$/.exec(s);
	if (!m) return null;
	const [, prefix, innerSign, body, suffix] = m;
	const decoration = (t: string) => t === '' || SYMBOL_RE.test(t) || t.toUpperCase() === currency.toUpperCase();
	if (!decoration(prefix) || !decoration(suffix)) return null;
	if (innerSign) {
		if (negative) return null;
		negative = true;
	}
	const digits = currencyDigits(currency);
	const compact = body.replace(SPACES_RE, '');
	if (!/^[\d.,]+$/.test(compact) || !/^\d/.test(compact)) return null;
	const split = splitDecimal(compact, digits);
	if (!split) return null;
	const [intPart, fracPart] = split;
	if (!/^\d+$/.test(intPart) || intPart.length > 13) return null;
	const minor = Number(intPart) * 10 ** digits + (fracPart === '' ? 0 : Number(fracPart.padEnd(digits, '0')));
	return negative && minor !== 0 ? -minor : minor;
}

/** [integer digits, fraction digits] of digits with '.' and ',' separators, or null. */
function splitDecimal(compact: string, digits: number): [string, string] | null {
	const lastDot = compact.lastIndexOf('.');
	const lastComma = compact.lastIndexOf(',');
	if (lastDot === -1 && lastComma === -1) return [compact, ''];
	let decimal: '.' | ',' | null;
	if (lastDot !== -1 && lastComma !== -1) decimal = lastDot > lastComma ? '.' : ',';
	else {
		const sep = lastDot !== -1 ? '.' : ',';
		const at = Math.max(lastDot, lastComma);
		const tail = compact.length - at - 1;
		const once = compact.indexOf(sep) === at;
		// One separator with three digits after it groups thousands unless the currency has three decimals.
		decimal = once && (tail !== 3 || digits === 3) ? sep : null;
	}
	let intPart = compact;
	let fracPart = '';
	if (decimal) {
		const at = compact.lastIndexOf(decimal);
		intPart = compact.slice(0, at);
		fracPart = compact.slice(at + 1);
		if (fracPart.length === 0 || fracPart.length > digits || intPart.includes(decimal)) return null;
	}
	if (/[.,]/.test(intPart)) {
		// Grouping: one kind of separator between groups of exactly three digits.
		if (!/^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$/.test(intPart)) return null;
		intPart = intPart.replace(/[.,]/g, '');
	}
	return [intPart, fracPart];
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** '£12.50' for 1250 GBP; the locale sets separators and symbol placement. */
export function formatMoney(minor: number, currency: string, locale = 'en-GB'): string {
	const key = `${locale}|${currency}`;
	let f = moneyFormats.get(key);
	if (!f) {
		try {
			f = new Intl.NumberFormat(locale, { style: 'currency', currency });
		} catch {
			f = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
		}
		moneyFormats.set(key, f);
	}
	return f.format(minor / minorPerUnit(currency));
}
