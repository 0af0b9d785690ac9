// Receipt numbers and the text of a printed receipt.
//
// A receipt number must be unique across every tablet and store without asking anyone, since
// tablets sell offline: STORE-DEVICE-SEQUENCE, where the device code comes from the tablet's own
// random id and the sequence counts that tablet's sales. Two tablets could only clash if their
// four-character codes collided (one in a million per pair); pairing passes the codes already
// taken to deviceCode so a new tablet picks another.
import { formatMoney } from './items';
import type { Sale } from './types';

export const RECEIPT_WIDTH = 42;

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no I, O, 0, 1: read aloud and typed without doubt

/** Up to three letters or digits naming the store on receipts ('camden' → 'CAM'). */
export function storeCode(storeIdOrName: string): string {
	const s = storeIdOrName.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 3);
	return s === '' ? 'STR' : s;
}

function fnv1a(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/** Four characters derived from the device id; another one when `taken` already has it. */
export function deviceCode(deviceId: string, taken: ReadonlySet<string> = new Set()): string {
	for (let salt = 0; ; salt++) {
		let h = fnv1a(salt === 0 ? deviceId : `${deviceId}#${salt}`);
		let code = '';
		for (let i = 0; i < 4; i++) {
			code += CODE_ALPHABET[h & 31];
			h >>>= 5;
		}
		if (!taken.has(code) || salt > 1000) return code;
	}
}

export function receiptNumber(storeCode: string, deviceCode: string, seq: number): string {
	return `${storeCode}-${deviceCode}-${String(seq).padStart(6, '0')}`;
}

const RECEIPT_RE = /^([A-Z0-9]{1,6})-([A-Z0-9]{4})-(\d{6,})$/;

export function parseReceiptNumber(text: string): { storeCode: string; deviceCode: string; seq: number } | null {
	const m = RECEIPT_RE.exec(text.trim().toUpperCase());
	if (!m) return null;
	return { storeCode: m[1], deviceCode: m[2], seq: Number(m[3]) };
}

// ---- The printed text ----------------------------------------------------------------------

export interface ReceiptShop {
	shopName: string;
	storeName: string;
	currency: string;
	/** IANA zone in which the date and time are printed. */
	timeZone: string;
	locale?: string;
}

export interface ReceiptCustomer {
	name: string;
	/** Balance after this sale, when known. */
	pointsBalance?: number;
}

function centre(text: string): string {
	const t = text.slice(0, RECEIPT_WIDTH);
	return ' '.repeat(Math.floor((RECEIPT_WIDTH - t.length) / 2)) + t;
}

/** Left text and right-aligned amount on one line; the left side is cut short rather than wrapped. */
function pair(left: string, right: string): string {
	const room = RECEIPT_WIDTH - right.length - 1;
	const l = left.length > room ? left.slice(0, Math.max(0, room - 1)) + '…' : left;
	return l + ' '.repeat(RECEIPT_WIDTH - l.length - right.length) + right;
}

function wrap(text: string, indent = ''): string[] {
	const out: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const candidate = line ? `${line} ${word}` : indent + word;
		if (candidate.length <= RECEIPT_WIDTH) line = candidate;
		else {
			if (line) out.push(line);
			line = (indent + word).slice(0, RECEIPT_WIDTH);
		}
	}
	if (line) out.push(line);
	return out;
}

/** A title wrapped over as many lines as it needs, the amount on its last line (or one of its own). */
function titled(title: string, amount: string): string[] {
	const lines = wrap(title);
	const last = lines.pop() ?? '';
	if (last.length + 1 + amount.length <= RECEIPT_WIDTH) lines.push(pair(last, amount));
	else lines.push(last, pair('', amount));
	return lines;
}

const RULE = '-'.repeat(RECEIPT_WIDTH);
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The sale's date and time as receipts print it, in the shop's zone. */
export function receiptDateTime(at: string, timeZone: string, locale: string): string {
	const key = `${locale}|${timeZone}`;
	let f = dateFormats.get(key);
	if (!f) {
		try {
			f = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'short', timeStyle: 'short' });
		} catch {
			f = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'short', timeStyle: 'short' });
		}
		dateFormats.set(key, f);
	}
	const t = Date.parse(at);
	return Number.isNaN(t) ? at : f.format(new Date(t));
}

/** The lines of a printable receipt, each at most RECEIPT_WIDTH characters. */
export function receiptLines(sale: Sale, shop: ReceiptShop, customer?: ReceiptCustomer): string[] {
	const locale = shop.locale ?? 'en-GB';
	const money = (n: number) => formatMoney(n, sale.currency || shop.currency, locale);
	const out: string[] = [];
	out.push(...wrap(shop.shopName).map(centre));
	if (shop.storeName) out.push(centre(shop.storeName));
	if (sale.refundOf !== null) {
		out.push('');
		out.push(centre('REFUND'));
		if (sale.refundOfReceipt) out.push(centre(`of receipt ${sale.refundOfReceipt}`));
	}
	out.push(RULE);

	for (const l of sale.lines) {
		const title = [l.name, l.variant].filter(Boolean).join(' ');
		if (l.qty === 1) out.push(...titled(title, money(l.unitPrice)));
		else {
			out.push(...wrap(title));
			out.push(pair(`  ${l.qty} x ${money(l.unitPrice)}`, money(l.unitPrice * l.qty)));
		}
		if (l.discount !== 0) out.push(pair(`  ${l.discountReason || 'Discount'}`, money(-l.discount)));
		if (l.pointsRedeemed !== 0) out.push(pair(`  Paid with ${Math.abs(l.pointsRedeemed)} points`, money(-l.pointsValue)));
	}
	out.push(RULE);

	const hasAdjustments = sale.discountTotal !== 0 || sale.pointsValue !== 0;
	if (hasAdjustments) out.push(pair('Subtotal', money(sale.subtotal)));
	if (sale.discountTotal !== 0) out.push(pair('Discounts', money(-sale.discountTotal)));
	if (sale.pointsValue !== 0) out.push(pair('Points', money(-sale.pointsValue)));
	out.push(pair(sale.refundOf !== null ? 'TOTAL REFUNDED' : 'TOTAL', money(sale.refundOf !== null ? -sale.total : sale.total)));
	for (const p of sale.payments) {
		if (p.method === 'points') continue;
		out.push(pair(p.method === 'cash' ? 'Cash' : 'Card', money(p.amount)));
	}
	if (sale.change > 0) out.push(pair('Change', money(sale.change)));

	if (customer || sale.pointsEarned !== 0 || sale.pointsRedeemed !== 0) {
		out.push(RULE);
		if (customer) out.push(...wrap(`Customer: ${customer.name}`));
		if (sale.pointsEarned !== 0) out.push(pair(sale.pointsEarned > 0 ? 'Points earned' : 'Points taken back', String(Math.abs(sale.pointsEarned))));
		if (sale.pointsRedeemed !== 0) out.push(pair(sale.pointsRedeemed > 0 ? 'Points used' : 'Points given back', String(Math.abs(sale.pointsRedeemed))));
		if (customer?.pointsBalance !== undefined) out.push(pair('Points balance', String(customer.pointsBalance)));
	}

	out.push(RULE);
	out.push(pair('Receipt', sale.receiptNo));
	out.push(pair(receiptDateTime(sale.at, shop.timeZone, locale), sale.deviceName));
	if (sale.cashier) out.push(...wrap(`Served by ${sale.cashier}`));
	return out;
}
