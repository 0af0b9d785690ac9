// Historical sales from another till system: one row per sale line, grouped into sales by
// receipt number. A sale is imported whole or not at all: if any of its rows has a problem, the
// other rows of that receipt are reported as left out too, so no sale arrives with lines missing.
// A customer the rows name but the shop does not know is no reason to refuse the sale: it is
// imported without a customer and listed in `unmatched`, to be tracked to someone later.
import { feed, type ParsedCsv, type RowSink } from '../csv';
import { parseDateCell, type RowProblem, type RowProblemCode } from '../customer-csv';
import { messageFor, type FieldError } from '../errors';
import { newId } from '../ids';
import { normalizePhone } from '../phone';
import type { Store } from '../settings';
import { fold } from '../text';
import { columnMapper, labelsOf, mappedColumns, type FieldSpec } from '../column-map';
import { pointsFor } from './cart';
import { parseMoney, skuKey } from './items';
import { saleTotals } from './totals';
import { saleDay } from './stats';
import type { Item, LoyaltySettings, Payment, Sale, SaleLine } from './types';

export type SalesImportField =
	| 'receiptNo'
	| 'date'
	| 'time'
	| 'store'
	| 'card'
	| 'email'
	| 'phone'
	| 'sku'
	| 'name'
	| 'brand'
	| 'category'
	| 'variant'
	| 'qty'
	| 'unitPrice'
	| 'unitCost'
	| 'discount'
	| 'discountReason'
	| 'pointsRedeemed'
	| 'pointsEarned'
	| 'payment'
	| 'cashier';

export type SalesColumnMapping = (SalesImportField | null)[];

export const SALES_IMPORT_FIELDS: FieldSpec<SalesImportField>[] = [
	{ field: 'receiptNo', label: 'Receipt number', synonyms: ['receipt', 'receipt no', 'receipt number', 'receipt id', 'transaction', 'transaction id', 'transaction number', 'order', 'order number', 'order id', 'ticket', 'bon', 'belegnummer', 'ticket number', 'invoice', 'invoice number'] },
	{ field: 'date', label: 'Date', synonyms: ['date', 'sale date', 'date time', 'datetime', 'timestamp', 'created at', 'order date', 'transaction date', 'datum', 'fecha'] },
	{ field: 'time', label: 'Time', synonyms: ['time', 'sale time', 'transaction time', 'uhrzeit', 'heure', 'hora'] },
	{ field: 'store', label: 'Store', synonyms: ['store', 'shop', 'branch', 'location', 'outlet', 'filiale', 'magasin', 'tienda'] },
	{ field: 'card', label: 'Customer card', synonyms: ['card', 'customer card', 'card number', 'loyalty card', 'loyalty number', 'member number', 'customer number', 'kundenkarte'] },
	{ field: 'email', label: 'Customer email', synonyms: ['email', 'e-mail', 'customer email', 'email address'] },
	{ field: 'phone', label: 'Customer phone', synonyms: ['phone', 'customer phone', 'mobile', 'telephone', 'phone number'] },
	{ field: 'sku', label: 'SKU', synonyms: ['sku', 'item code', 'product code', 'article number', 'code', 'artikelnummer'] },
	{ field: 'name', label: 'Item', synonyms: ['item', 'item name', 'product', 'product name', 'name', 'description', 'artikel'] },
	{ field: 'brand', label: 'Brand', synonyms: ['brand', 'make', 'manufacturer', 'vendor', 'marke', 'marque'] },
	{ field: 'category', label: 'Category', synonyms: ['category', 'department', 'dept', 'product type', 'kategorie', 'warengruppe'] },
	{ field: 'variant', label: 'Size or variant', synonyms: ['variant', 'size', 'option', 'colour', 'color', 'größe', 'taille'] },
	{ field: 'qty', label: 'Quantity', synonyms: ['qty', 'quantity', 'units', 'count', 'menge', 'anzahl', 'quantité', 'cantidad'] },
	{ field: 'unitPrice', label: 'Unit price', synonyms: ['unit price', 'price', 'price each', 'each', 'selling price', 'preis', 'prix', 'precio'] },
	{ field: 'unitCost', label: 'Unit cost', synonyms: ['unit cost', 'cost', 'cost price', 'cost each', 'einkaufspreis'] },
	{ field: 'discount', label: 'Discount', synonyms: ['discount', 'line discount', 'discount amount', 'rabatt', 'remise', 'descuento'] },
	{ field: 'discountReason', label: 'Discount reason', synonyms: ['discount reason', 'discount name', 'promotion', 'promo', 'offer'] },
	{ field: 'pointsRedeemed', label: 'Points redeemed', synonyms: ['points redeemed', 'points used', 'points spent', 'redeemed points'] },
	{ field: 'pointsEarned', label: 'Points earned', synonyms: ['points earned', 'points awarded', 'earned points', 'points'] },
	{ field: 'payment', label: 'Payment', synonyms: ['payment', 'payment method', 'paid by', 'tender', 'tender type', 'zahlungsart', 'paiement'] },
	{ field: 'cashier', label: 'Cashier', synonyms: ['cashier', 'staff', 'served by', 'employee', 'operator', 'user', 'kassierer', 'vendeur'] }
];

const LABELS = labelsOf(SALES_IMPORT_FIELDS);

export const autoMapSales: (headers: string[]) => SalesColumnMapping = columnMapper(SALES_IMPORT_FIELDS);

export interface CustomerKey {
	card?: string;
	email?: string;
	phone?: string;
}

export interface SalesImportContext {
	/** The id of the customer with this card, email or phone (E.164), or null. */
	findCustomer(key: CustomerKey): string | null;
	existingReceiptNos: ReadonlySet<string>;
	/** Catalogue by skuKey: fills in names, prices and costs the file leaves out. */
	itemsBySku: ReadonlyMap<string, Item>;
	defaultCountry: string;
	/** IANA zone in which the file's local dates and times are read. */
	timeZone: string;
	stores: Store[];
	currency: string;
	/** Store for rows without one; the first store by default. */
	defaultStoreId?: string;
	/** When given, sales without a points-earned value earn points by these rules; else none. */
	loyalty?: LoyaltySettings;
	deviceName?: string;
	newId?: () => string;
	/**
	 * The day (shop zone) up to which a customer's history is already counted by an opening balance
	 * from a customer import (domain/opening.ts), or null. Their sales on or before it are left out,
	 * so the same history is never counted twice.
	 */
	coveredUntil?: (customerId: string) => string | null;
}

/** A sale left out because the customer's opening balance already counts it. */
export interface CoveredSale {
	rowNumber: number;
	receiptNo: string;
	customerId: string;
	/** The opening balance's day the sale is on or before. */
	until: string;
}

export interface UnmatchedCustomer {
	rowNumber: number;
	receiptNo: string;
	key: CustomerKey;
}

export interface PreparedSalesImport {
	sales: Sale[];
	problems: RowProblem[];
	unmatched: UnmatchedCustomer[];
	covered: CoveredSale[];
}

// ---- Dates and times in the shop's zone ------------------------------------------------------

const zoneParts = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds the zone is ahead of UTC at instant `t`. */
function zoneOffset(t: number, timeZone: string): number {
	let f = zoneParts.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'
		});
		zoneParts.set(timeZone, f);
	}
	const p: Record<string, number> = {};
	for (const part of f.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
	return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/** The instant of a wall-clock time in a zone (a time skipped by a clock change moves forward). */
export function zonedInstant(ymd: string, h: number, m: number, s: number, timeZone: string): string {
	const wall = Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7)) - 1, Number(ymd.slice(8, 10)), h, m, s);
	let t = wall - zoneOffset(wall, timeZone);
	const again = wall - zoneOffset(t, timeZone);
	if (again !== t) t = Math.max(t, again);
	return new Date(t).toISOString();
}

const ZONED_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_TIME_RE = /^(.+?)(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$/;
const TIME_RE = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/;

/** An ISO instant from a date cell (possibly with a time) and an optional time cell. */
export function parseSaleDateTime(date: string, time: string, defaultCountry: string, timeZone: string): string | null {
	if (ZONED_RE.test(date)) {
		const t = Date.parse(date);
		return Number.isNaN(t) ? null : new Date(t).toISOString();
	}
	const m = DATE_TIME_RE.exec(date);
	if (!m) return null;
	const d = parseDateCell(m[1], defaultCountry);
	if (!d.ok) return null;
	let hms: (string | undefined)[] = [m[2], m[3], m[4]];
	if (time !== '') {
		const t = TIME_RE.exec(time);
		if (!t || m[2] !== undefined) return null;
		hms = [t[1], t[2], t[3]];
	}
	const [h, mi, s] = hms.map((x) => Number(x ?? 0));
	if (h > 23 || mi > 59 || s > 59) return null;
	return zonedInstant(d.ymd, h, mi, s, timeZone);
}

// ---- Import --------------------------------------------------------------------------------

const CASH_WORDS = new Set(['cash', 'bar', 'bargeld', 'especes', 'efectivo', 'contanti']);

interface ParsedRow {
	rowNumber: number;
	receiptNo: string;
	/** null: unreadable (reported); undefined: left empty, taken from the receipt's first row. */
	at: string | null | undefined;
	storeId: string | undefined;
	customer: CustomerKey;
	line: SaleLine | null;
	pointsEarned: number | null;
	payment: 'cash' | 'card';
	cashier: string;
	problems: RowProblem[];
}

export function salesImport(headers: string[], mapping: SalesColumnMapping, ctx: SalesImportContext): RowSink<PreparedSalesImport> {
	const makeId = ctx.newId ?? newId;
	const loyaltyPointValue = ctx.loyalty?.pointValue ?? 1;
	const { col, header, cell } = mappedColumns(headers, mapping, LABELS);
	const storeByKey = new Map<string, string>();
	for (const s of ctx.stores) storeByKey.set(fold(s.name), s.id);
	for (const s of ctx.stores) storeByKey.set(fold(s.id), s.id);
	const defaultStore = ctx.defaultStoreId ?? ctx.stores[0]?.id ?? '';

	const receipts = new Map<string, ParsedRow[]>();
	const problems: RowProblem[] = [];

	return {
		add(row, rowNumber) {
			if (row.every((c) => c.trim() === '')) return;
			const get = (f: SalesImportField) => cell(row, f);
			const rowProblems: RowProblem[] = [];
			const problem = (f: SalesImportField, code: RowProblemCode, message: string, value = get(f)) =>
				rowProblems.push({ rowNumber, field: header(f), value, code, message });
			const fieldError = (f: SalesImportField, e: Omit<FieldError, 'field'>, value = get(f)) =>
				problem(f, e.code, messageFor({ field: f, ...e }), value);
			const money = (f: SalesImportField): number | null => {
				const text = get(f);
				if (text === '') return null;
				const n = parseMoney(text, ctx.currency);
				if (n === null) fieldError(f, { code: 'money-unreadable', params: { value: text } });
				return n;
			};
			const wholeNumber = (f: SalesImportField): number | null => {
				const text = get(f).replace(/[\s,]/g, '');
				if (text === '') return null;
				if (!/^-?\d+$/.test(text)) {
					fieldError(f, { code: 'points-invalid' });
					return null;
				}
				return Number(text);
			};

			const receiptNo = get('receiptNo');
			if (receiptNo === '') fieldError('receiptNo', { code: 'receipt-missing' });

			const dateText = get('date');
			const at = dateText === '' ? undefined : parseSaleDateTime(dateText, get('time'), ctx.defaultCountry, ctx.timeZone);
			if (at === null) {
				const example = ctx.defaultCountry.toUpperCase() === 'US' ? 'MM/DD/YYYY HH:MM' : 'DD/MM/YYYY HH:MM';
				fieldError('date', { code: 'sale-date-unreadable', params: { value: [dateText, get('time')].filter(Boolean).join(' '), example } });
			}

			let storeId: string | undefined;
			const storeText = get('store');
			if (storeText !== '') {
				const id = storeByKey.get(fold(storeText));
				if (id === undefined) fieldError('store', { code: 'store-unknown', params: { storeId: storeText } });
				else storeId = id;
			}

			const customer: CustomerKey = {};
			const card = get('card').replace(/\s+/g, '');
			if (card) customer.card = card;
			const email = get('email').toLowerCase();
			if (email) customer.email = email;
			const phoneText = get('phone');
			if (phoneText) {
				const p = normalizePhone(phoneText, ctx.defaultCountry);
				customer.phone = p.ok ? p.e164 : phoneText;
			}

			const sku = get('sku');
			const item = sku ? ctx.itemsBySku.get(skuKey(sku)) : undefined;
			const name = get('name') || item?.name || '';
			if (name === '') fieldError('name', { code: 'item-name-required' });

			const qtyText = get('qty').replace(/\s+/g, '');
			const qty = qtyText === '' ? 1 : /^[-+]?\d+$/.test(qtyText) ? Number(qtyText) : NaN;
			if (!Number.isInteger(qty) || qty === 0) fieldError('qty', { code: 'qty-unreadable', params: { value: qtyText } }, qtyText);

			const priceCell = money('unitPrice');
			const unitPrice = priceCell ?? item?.price ?? 0;
			if (get('unitPrice') === '' || priceCell !== null) {
				if (unitPrice === 0) fieldError('unitPrice', { code: 'item-price-missing', params: name ? { name } : {} });
				else if (unitPrice < 0) fieldError('unitPrice', { code: 'price-invalid' });
			}
			const costCell = money('unitCost');
			const unitCost = costCell ?? item?.cost ?? 0;
			if (unitCost < 0) fieldError('unitCost', { code: 'cost-invalid' });
			const discount = money('discount') ?? 0;
			if (discount < 0) fieldError('discount', { code: 'discount-invalid' });
			const points = wholeNumber('pointsRedeemed') ?? 0;
			if (points < 0) fieldError('pointsRedeemed', { code: 'points-invalid' });

			const sign = qty < 0 ? -1 : 1;
			const line: SaleLine | null = rowProblems.length
				? null
				: {
						itemId: item?.id ?? '',
						sku: sku || item?.sku || '',
						name,
						brand: get('brand') || item?.brand || '',
						category: get('category') || item?.category || '',
						variant: get('variant') || item?.variant || '',
						qty,
						unitPrice,
						unitCost,
						// On a returned line the discount, like the quantity, goes back (see SaleLine).
						discount: sign * discount,
						discountReason: get('discountReason'),
						pointsRedeemed: sign * points,
						pointsValue: sign * points * loyaltyPointValue
					};

			const parsed: ParsedRow = {
				rowNumber,
				receiptNo,
				at,
				storeId,
				customer,
				line,
				pointsEarned: wholeNumber('pointsEarned'),
				payment: CASH_WORDS.has(fold(get('payment')).replace(/ /g, '')) ? 'cash' : 'card',
				cashier: get('cashier'),
				problems: rowProblems
			};
			if (receiptNo === '') {
				problems.push(...rowProblems);
				return;
			}
			let group = receipts.get(receiptNo);
			if (!group) receipts.set(receiptNo, (group = []));
			group.push(parsed);

		},
		result() {
		const sales: Sale[] = [];
		const unmatched: UnmatchedCustomer[] = [];
		const covered: CoveredSale[] = [];
		for (const [receiptNo, rows] of receipts) {
			const first = rows[0];
			first.storeId ??= defaultStore;
			if (first.at === undefined) {
				const e = { field: 'date', code: 'sale-date-unreadable', params: { value: '' } } as const;
				first.problems.push({ rowNumber: first.rowNumber, field: header('date'), value: '', code: e.code, message: messageFor(e) });
			}
			if (ctx.existingReceiptNos.has(receiptNo)) {
				const e = { field: 'receiptNo', code: 'receipt-duplicate', params: { receiptNo } } as const;
				problems.push({ rowNumber: first.rowNumber, field: header('receiptNo'), value: receiptNo, code: e.code, message: messageFor(e) });
				continue;
			}
			// The sale's own details come from its first row; later rows may leave them empty.
			const customerText = (k: CustomerKey) => [k.card, k.email, k.phone].filter(Boolean).join(' ');
			for (const row of rows.slice(1)) {
				const disagree = (what: string, f: SalesImportField, value: string) => {
					const e = { field: f, code: 'receipt-inconsistent', params: { receiptNo, what, row: String(first.rowNumber) } } as const;
					row.problems.push({ rowNumber: row.rowNumber, field: header(f), value, code: e.code, message: messageFor(e) });
				};
				if (row.at && first.at && row.at !== first.at) disagree('the date and time', 'date', row.at);
				const c = customerText(row.customer);
				if (c !== '' && c !== customerText(first.customer)) disagree('the customer', col.has('card') ? 'card' : col.has('email') ? 'email' : 'phone', c);
				if (row.storeId !== undefined && row.storeId !== first.storeId) disagree('the store', 'store', row.storeId);
			}
			const bad = rows.find((r) => r.problems.length > 0);
			if (bad) {
				for (const row of rows) {
					if (row.problems.length) problems.push(...row.problems);
					else {
						const e = { field: 'receiptNo', code: 'receipt-incomplete', params: { receiptNo, row: String(bad.rowNumber) } } as const;
						problems.push({ rowNumber: row.rowNumber, field: header('receiptNo'), value: receiptNo, code: e.code, message: messageFor(e) });
					}
				}
				continue;
			}

			const lines = rows.map((r) => r.line!);
			const { subtotal, discountTotal, pointsValue, pointsRedeemed, total } = saleTotals(lines);
			const earned = rows.find((r) => r.pointsEarned !== null)?.pointsEarned;
			const base = ctx.loyalty?.earnOnRedeemed ? total + pointsValue : total;
			// A returned receipt takes back what the same amount would have earned, rounded the same way.
			const computed = ctx.loyalty ? Math.sign(base) * pointsFor(Math.abs(base), ctx.loyalty, ctx.currency) : 0;
			const pointsEarned = earned ?? (computed === 0 ? 0 : computed);

			let customerId: string | null = null;
			if (customerText(first.customer) !== '') {
				customerId = ctx.findCustomer(first.customer);
				if (customerId === null) unmatched.push({ rowNumber: first.rowNumber, receiptNo, key: first.customer });
			}
			const until = customerId ? (ctx.coveredUntil?.(customerId) ?? null) : null;
			const day = until ? saleDay(first.at!, ctx.timeZone) : null;
			if (customerId && until && day && day <= until) {
				covered.push({ rowNumber: first.rowNumber, receiptNo, customerId, until });
				continue;
			}
			const payments: Payment[] = [];
			if (total !== 0) payments.push({ method: first.payment, amount: total });
			if (pointsValue !== 0) payments.push({ method: 'points', amount: pointsValue });
			sales.push({
				id: makeId(),
				receiptNo,
				at: first.at!,
				storeId: first.storeId!,
				deviceId: 'import',
				deviceName: ctx.deviceName ?? 'Import',
				cashier: first.cashier,
				customerId,
				lines,
				payments,
				subtotal,
				discountTotal,
				pointsValue,
				total,
				change: 0,
				pointsRedeemed,
				pointsEarned,
				// The original of a returned line is not known from a flat file.
				refundOf: null,
				currency: ctx.currency
			});
		}
		problems.sort((a, b) => a.rowNumber - b.rowNumber);
			return { sales, problems, unmatched, covered };
		}
	};
}

export function prepareSalesImport(csv: ParsedCsv, mapping: SalesColumnMapping, ctx: SalesImportContext): PreparedSalesImport {
	return feed(salesImport(csv.headers, mapping, ctx), csv);
}
