// Refunds are sales of their own with negative quantities, pointing at the original sale: the
// original stays untouched (sales are immutable), and statistics simply add the refund.
//
// Amounts are shared out cumulatively: after refunding r of a line's n units in any number of
// refunds, exactly round(X·r/n) of each amount X (discount, points) has come back. So refunding
// a line unit by unit gives back exactly what refunding it at once would, never a penny more.
import type { FieldError } from '../errors';
import { saleTotals } from './totals';
import type { Payment, Sale, SaleLine } from './types';

export interface RefundRequest {
	lineIndex: number;
	qty: number;
}

export interface RefundContext {
	id: string;
	receiptNo: string;
	/** ISO instant. */
	at: string;
	deviceId: string;
	deviceName: string;
	cashier: string;
	/** Where the refund is made; the original sale's store by default. */
	storeId?: string;
	/** How the money goes back; by default card when the original was paid by card, else cash. */
	method?: 'cash' | 'card';
}

export type RefundResult = { ok: true; sale: Sale } | { ok: false; errors: FieldError[] };

/** The earlier refunds of `original`, each once. */
function refundsOf(original: Sale, previous: readonly Sale[]): Sale[] {
	const seen = new Set<string>();
	return previous.filter((r) => r.refundOf === original.id && !seen.has(r.id) && seen.add(r.id));
}

/** Units already refunded, per line of the original sale. */
function refundedPerLine(original: Sale, refunds: readonly Sale[]): number[] {
	const done = original.lines.map(() => 0);
	for (const r of refunds) {
		for (const l of r.lines) {
			if (l.refundOfLine !== undefined && l.refundOfLine in done) done[l.refundOfLine] -= l.qty;
		}
	}
	return done;
}

/** Per line of the original sale, how many units can still be refunded. */
export function refundableLines(original: Sale, previousRefunds: readonly Sale[]): number[] {
	if (original.refundOf !== null) return original.lines.map(() => 0);
	const done = refundedPerLine(original, refundsOf(original, previousRefunds));
	return original.lines.map((l, i) => Math.max(0, l.qty - done[i]));
}

/** What comes back of `total` when refunding `k` more of `n` units after `before` already were. */
function share(total: number, n: number, before: number, k: number): number {
	return Math.round((total * (before + k)) / n) - Math.round((total * before) / n);
}

/** Negation without -0, which would make equal records compare unequal. */
function neg(n: number): number {
	return n === 0 ? 0 : -n;
}

export function buildRefund(
	original: Sale,
	previousRefunds: readonly Sale[],
	request: readonly RefundRequest[],
	ctx: RefundContext
): RefundResult {
	if (original.refundOf !== null) return { ok: false, errors: [{ field: 'lines', code: 'refund-of-refund' }] };
	const refunds = refundsOf(original, previousRefunds);
	const done = refundedPerLine(original, refunds);

	const errors: FieldError[] = [];
	const wanted = new Map<number, number>();
	request.forEach((r, i) => {
		const line = original.lines[r.lineIndex];
		if (!Number.isInteger(r.lineIndex) || !line) errors.push({ field: `request.${i}`, code: 'refund-line-unknown' });
		else if (!Number.isInteger(r.qty) || r.qty < 0) {
			errors.push({ field: `lines.${r.lineIndex}`, code: 'qty-invalid', params: { name: line.name } });
		} else if (r.qty > 0) wanted.set(r.lineIndex, (wanted.get(r.lineIndex) ?? 0) + r.qty);
	});
	for (const [index, qty] of wanted) {
		const line = original.lines[index];
		const remaining = Math.max(0, line.qty - done[index]);
		if (qty > remaining) {
			errors.push({
				field: `lines.${index}`,
				code: 'refund-exceeds-original',
				params: { name: line.name, remaining: String(remaining) }
			});
		}
	}
	if (errors.length) return { ok: false, errors };
	if (wanted.size === 0) return { ok: false, errors: [{ field: 'lines', code: 'refund-empty' }] };

	const lines: SaleLine[] = [];
	for (const [index, k] of [...wanted].sort((a, b) => a[0] - b[0])) {
		const o = original.lines[index];
		const before = done[index];
		lines.push({
			itemId: o.itemId,
			sku: o.sku,
			name: o.name,
			brand: o.brand,
			category: o.category,
			variant: o.variant,
			qty: -k,
			unitPrice: o.unitPrice,
			unitCost: o.unitCost,
			discount: neg(share(o.discount, o.qty, before, k)),
			discountReason: o.discountReason,
			pointsRedeemed: neg(share(o.pointsRedeemed, o.qty, before, k)),
			pointsValue: neg(share(o.pointsValue, o.qty, before, k)),
			refundOfLine: index
		});
	}
	const { subtotal, discountTotal, pointsValue, pointsRedeemed, total } = saleTotals(lines);

	// Points earned go back in proportion to the money refunded (or to the goods' value when the
	// original was paid wholly with points), cumulatively, so a full refund takes back exactly all.
	const byMoney = original.total > 0;
	const base = byMoney ? original.total : original.subtotal - original.discountTotal;
	const refundedBefore = refunds.reduce((t, r) => t - (byMoney ? r.total : r.subtotal - r.discountTotal), 0);
	const now = byMoney ? -total : -(subtotal - discountTotal);
	const pointsBack = base > 0 ? share(original.pointsEarned, base, refundedBefore, now) : 0;

	const method = ctx.method ?? (original.payments.some((p) => p.method === 'card') ? 'card' : 'cash');
	const payments: Payment[] = [];
	if (total !== 0) payments.push({ method, amount: total });
	if (pointsValue !== 0) payments.push({ method: 'points', amount: pointsValue });

	return {
		ok: true,
		sale: {
			id: ctx.id,
			receiptNo: ctx.receiptNo,
			at: ctx.at,
			storeId: ctx.storeId ?? original.storeId,
			deviceId: ctx.deviceId,
			deviceName: ctx.deviceName,
			cashier: ctx.cashier,
			customerId: original.customerId,
			lines,
			payments,
			subtotal,
			discountTotal,
			pointsValue,
			total,
			change: 0,
			pointsRedeemed,
			pointsEarned: neg(pointsBack),
			refundOf: original.id,
			refundOfReceipt: original.receiptNo,
			currency: original.currency
		}
	};
}
