// The one place a sale's totals are added up from its lines: the till, refunds, the sales CSV
// import and the demo generator all call it, so a receipt's figures always agree with its lines.
import type { FieldError } from '../errors';
import type { Sale, SaleLine } from './types';

export type TotalledLine = Pick<SaleLine, 'qty' | 'unitPrice' | 'discount' | 'pointsValue' | 'pointsRedeemed'>;

export interface SaleTotals {
	/** Sum of unitPrice × qty. */
	subtotal: number;
	discountTotal: number;
	/** Money paid with points. */
	pointsValue: number;
	pointsRedeemed: number;
	/** To pay in money: subtotal − discountTotal − pointsValue. */
	total: number;
}

/** Totals of sale or refund lines (refund lines are negative, and so are their totals). */
export function saleTotals(lines: readonly TotalledLine[]): SaleTotals {
	let subtotal = 0;
	let discountTotal = 0;
	let pointsValue = 0;
	let pointsRedeemed = 0;
	for (const l of lines) {
		subtotal += l.unitPrice * l.qty;
		discountTotal += l.discount;
		pointsValue += l.pointsValue;
		pointsRedeemed += l.pointsRedeemed;
	}
	return { subtotal, discountTotal, pointsValue, pointsRedeemed, total: subtotal - discountTotal - pointsValue };
}

const TOTAL_FIELDS: Record<keyof SaleTotals, string> = {
	subtotal: 'subtotal',
	discountTotal: 'discounts',
	pointsValue: 'points value',
	pointsRedeemed: 'points redeemed',
	total: 'total'
};

/**
 * What makes a sale unfit to record: no lines, totals its lines do not add up to, a stored price
 * trace that does not end at the line's price, or a discount removal without its reason.
 * Sales recorded before price traces existed (no `trace`, no `removals`) pass as before.
 */
export function validateSale(sale: Sale): FieldError[] {
	if (sale.lines.length === 0) return [{ field: 'lines', code: 'cart-empty' }];
	const sums = saleTotals(sale.lines);
	const errors: FieldError[] = (Object.keys(TOTAL_FIELDS) as (keyof SaleTotals)[])
		.filter((k) => sale[k] !== sums[k])
		.map((k) => ({ field: k, code: 'sale-totals-inconsistent', params: { total: TOTAL_FIELDS[k] } }));
	sale.lines.forEach((l, i) => {
		if (l.trace && !traceMatches(l)) errors.push({ field: `lines.${i}.trace`, code: 'sale-trace-inconsistent', params: { line: String(i + 1) } });
	});
	(sale.removals ?? []).forEach((r, i) => {
		if (typeof r.reason !== 'string' || r.reason.trim() === '') errors.push({ field: `removals.${i}.reason`, code: 'benefit-removal-reason-required' });
	});
	return errors;
}

/** A trace starts at the line's list amount and its last priced step leaves the line's price after discounts. */
function traceMatches(l: SaleLine): boolean {
	const trace = l.trace!;
	const first = trace[0];
	if (!first || first.kind !== 'list' || first.amount !== l.unitPrice * l.qty) return false;
	let net = first.amount;
	for (const s of trace) if (s.kind === 'benefit' || s.kind === 'coupon') net = s.after;
	return net === l.unitPrice * l.qty - l.discount;
}
