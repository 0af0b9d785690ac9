// A stored sale as a thermal receipt: the commands of @point-of-sale/receipt-printer-encoder
// (which turns them into ESC/POS or StarPRNT bytes, code pages included). Pure: the same sale,
// settings and printer give the same bytes, in Node as in the browser.
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { formatMoney } from '$lib/domain/sales/items';
import { receiptDateTime, type ReceiptCustomer, type ReceiptShop } from '$lib/domain/sales/receipt';
import type { Sale } from '$lib/domain/sales/types';
import { isEan13 } from '$lib/domain/cards';
import { COLUMNS, type CodepageMapping, type PaperWidth, type PrinterCodepage, type PrinterLanguage } from './settings';

/** What the receipt needs to know of the printer it goes to. */
export interface PrintTarget {
	paper: PaperWidth;
	codepage: PrinterCodepage;
	language: PrinterLanguage;
	codepageMapping: CodepageMapping;
}

export interface ReceiptLayout {
	header: readonly string[];
	footer: readonly string[];
	showCustomer: boolean;
}

export type Encoder = ReceiptPrinterEncoder;

export interface ReceiptContext {
	shop: ReceiptShop;
	/** The sale's customer; their name prints only when the layout says so, their balance always. */
	customer?: ReceiptCustomer;
	layout: ReceiptLayout;
	target: PrintTarget;
}

export function createEncoder(target: PrintTarget): Encoder {
	return new ReceiptPrinterEncoder({
		language: target.language,
		codepageMapping: target.codepageMapping,
		columns: COLUMNS[target.paper],
		// Paper clears the cutter before it cuts (4 lines on most 80 mm printers).
		feedBeforeCut: 4
	});
}

/**
 * Typography the screen uses but no printer code page has: the minus sign of 'Gold −7 %', the
 * narrow spaces some locales put in amounts, curly quotes. Accented letters, £ and € are left
 * alone: the code page carries them.
 */
export function printable(text: string): string {
	return text
		.replace(/[\u2212\u2012\u2013\u2014]/g, '-')
		.replace(/[\u00a0\u2007\u2009\u202f]/g, ' ')
		.replace(/[\u2018\u2019]/g, "'")
		.replace(/[\u201c\u201d]/g, '"')
		.replace(/\u2026/g, '...')
		.replace(/\u00d7/g, 'x');
}

/**
 * CODE128 data for the encoder: code set B, with an even run of trailing digits in code set C
 * (two digits a symbol), so 'MAI-AB3K-000012' fits 58 mm paper at two dots a module.
 */
export function code128Data(value: string): string {
	const run = /\d*$/.exec(value)![0];
	const digits = run.length - (run.length % 2);
	if (digits < 4) return `{B${value}`;
	const head = value.slice(0, value.length - digits);
	const tail = value.slice(value.length - digits);
	const pairs = tail.match(/\d\d/g)!.map((p) => String.fromCharCode(Number(p))).join('');
	return `${head ? `{B${head}` : ''}{C${pairs}`;
}

/** Table widths: the amount column fits '-£12,345.67'. */
function columns(target: PrintTarget) {
	const cols = COLUMNS[target.paper];
	const amount = target.paper === 58 ? 10 : 13;
	return [
		{ width: cols - amount - 1, marginRight: 1, align: 'left' as const },
		{ width: amount, align: 'right' as const }
	];
}

/** The receipt's commands on `encoder` (initialise … cut). */
export function writeReceipt(
	encoder: Encoder,
	sale: Sale,
	ctx: ReceiptContext
): Encoder {
	const { shop, layout, target } = ctx;
	const locale = shop.locale ?? 'en-GB';
	const money = (n: number) => printable(formatMoney(n, sale.currency || shop.currency, locale));
	const rows: [string, string][] = [];
	// A row without an amount spans the paper rather than wrapping in the narrow left column.
	const table = () => {
		if (rows.length) encoder.table(columns(target), rows.splice(0).map(([l, r]) => (r ? [printable(l), r] : [{ span: 2, content: printable(l) }])));
	};
	const refund = sale.refundOf !== null;

	encoder.initialize().codepage(target.codepage);
	encoder.align('center').bold(true).size(1, 2).line(printable(shop.shopName)).size(1, 1).bold(false);
	if (shop.storeName) encoder.line(printable(shop.storeName));
	for (const h of layout.header) encoder.line(printable(h));
	if (refund) {
		encoder.newline().bold(true).line('REFUND').bold(false);
		if (sale.refundOfReceipt) encoder.line(`of receipt ${sale.refundOfReceipt}`);
	}
	encoder.align('left').rule();

	for (const l of sale.lines) {
		const title = [l.name, l.variant].filter(Boolean).join(' ');
		if (l.qty === 1) rows.push([title, money(l.unitPrice)]);
		else rows.push([title, ''], [`  ${l.qty} x ${money(l.unitPrice)}`, money(l.unitPrice * l.qty)]);
		// The group (or coupon) that gave the discount: its words were copied into the sale when it was paid.
		if (l.discount !== 0) rows.push([`  ${l.discountReason || groupsOf(l.winners) || 'Discount'}`, money(-l.discount)]);
		if (l.pointsRedeemed !== 0) rows.push([`  ${Math.abs(l.pointsRedeemed)} points used`, money(-l.pointsValue)]);
	}
	table();
	encoder.rule();

	if (sale.discountTotal !== 0 || sale.pointsValue !== 0) rows.push(['Subtotal', money(sale.subtotal)]);
	if (sale.discountTotal !== 0) rows.push(['Discounts', money(-sale.discountTotal)]);
	if (sale.pointsValue !== 0) rows.push(['Paid with points', money(-sale.pointsValue)]);
	table();
	encoder.bold(true);
	rows.push([refund ? 'TOTAL REFUNDED' : 'TOTAL', money(refund ? -sale.total : sale.total)]);
	table();
	encoder.bold(false);
	for (const p of sale.payments) if (p.method !== 'points') rows.push([p.method === 'cash' ? 'Cash' : 'Card', money(p.amount)]);
	if (sale.change > 0) rows.push(['Change', money(sale.change)]);
	for (const c of sale.coupons ?? []) {
		if (c.applied) rows.push([`Coupon ${c.code}`, money(-c.off)]);
		else rows.push([`Coupon ${c.code} not used${c.why ? `: ${c.why}` : ''}`, '']);
	}
	table();

	const customer = layout.showCustomer ? ctx.customer : undefined;
	const balance = ctx.customer?.pointsBalance;
	if (customer || sale.pointsEarned !== 0 || sale.pointsRedeemed !== 0 || balance !== undefined) {
		encoder.rule();
		if (customer) encoder.line(printable(`Customer: ${customer.name}`));
		if (sale.pointsEarned !== 0) rows.push([sale.pointsEarned > 0 ? 'Points earned' : 'Points taken back', String(Math.abs(sale.pointsEarned))]);
		if (sale.pointsRedeemed !== 0) rows.push([sale.pointsRedeemed > 0 ? 'Points redeemed' : 'Points given back', String(Math.abs(sale.pointsRedeemed))]);
		if (balance !== undefined) rows.push(['Points balance', String(balance)]);
		table();
	}

	encoder.rule();
	encoder.line(`Receipt ${sale.receiptNo}`);
	encoder.line(printable(`${receiptDateTime(sale.at, shop.timeZone, locale)}  ${sale.deviceName}`));
	if (sale.cashier) encoder.line(printable(`Served by ${sale.cashier}`));
	encoder
		.newline()
		.align('center')
		// Two dots a module on 58 mm (384 dots), three on 80 mm: a receipt number always fits.
		.barcode(code128Data(sale.receiptNo), 'code128', { height: 60, width: target.paper === 58 ? 1 : 2, text: 'below' });
	if (layout.footer.length) encoder.newline();
	for (const f of layout.footer) encoder.line(printable(f));
	return encoder.align('left').cut();
}

export function encodeReceipt(sale: Sale, ctx: ReceiptContext): Uint8Array {
	return writeReceipt(createEncoder(ctx.target), sale, ctx).encode();
}

/** A test page: the shop's header, the characters that go wrong on a badly set code page, a barcode, a cut. */
export function encodeTestPage(ctx: { shopName: string; printerName: string; layout: ReceiptLayout; target: PrintTarget }): Uint8Array {
	const { target } = ctx;
	const e = createEncoder(target);
	e.initialize().codepage(target.codepage);
	e.align('center').bold(true).size(1, 2).line(printable(ctx.shopName)).size(1, 1).bold(false);
	for (const h of ctx.layout.header) e.line(printable(h));
	e.line('Test page').align('left').rule();
	e.line(printable(ctx.printerName));
	e.line(`Paper ${target.paper} mm, ${COLUMNS[target.paper]} a line`);
	e.line(`Code page: ${target.codepage}`);
	e.rule();
	e.line('Pound £ Euro € Cent ¢');
	e.line('Café Crème, Müller');
	e.line('Ñandú, Søren, Åse');
	e.line('1234567890'.repeat(Math.ceil(COLUMNS[target.paper] / 10)).slice(0, COLUMNS[target.paper]));
	e.rule().newline().align('center').barcode(code128Data('TEST-0001'), 'code128', { height: 60, width: target.paper === 58 ? 1 : 2, text: 'below' });
	for (const f of ctx.layout.footer) e.line(printable(f));
	return e.align('left').cut().encode();
}

/**
 * A customer's card label on the receipt printer: the shop, their name, the card's barcode (EAN-13
 * for numbers from the shop's range, CODE128 for other cards) with its digits, then a cut. Stuck on
 * a blank card or handed over as it is.
 */
export function encodeCardLabel(ctx: { shopName: string; name: string; card: string; target: PrintTarget }): Uint8Array {
	const { target } = ctx;
	const e = createEncoder(target);
	e.initialize().codepage(target.codepage).align('center');
	e.bold(true).line(printable(ctx.shopName)).bold(false);
	e.size(1, 2).line(printable(ctx.name || 'Customer')).size(1, 1).newline();
	const width = target.paper === 58 ? 2 : 3;
	if (isEan13(ctx.card)) e.barcode(ctx.card, 'ean13', { height: 80, width, text: 'below' });
	else e.barcode(code128Data(ctx.card), 'code128', { height: 80, width: target.paper === 58 ? 1 : 2, text: 'below' });
	return e.newline().align('left').cut().encode();
}

function groupsOf(winners: Sale['lines'][number]['winners']): string {
	return (winners ?? []).map((w) => w.label).join(', ');
}
