import { assert, describe, expect, it } from 'vitest';
import { messageFor } from '../errors';
import { Rng } from '../random';
import { saleTotals } from './totals';
import { finaliseSale, priceCart, type Cart } from './cart';
import { buildRefund, refundableLines } from './refund';
import { DEFAULT_LOYALTY, type Item, type Sale } from './types';

function item(over: Partial<Item>): Item {
	return {
		id: 'mug', sku: 'MUG-B', barcode: '', name: 'Blue mug', brand: 'Potters', category: 'Home', variant: 'M',
		price: 850, cost: 300, redeem: 'none', pointsPrice: 0, active: true, ...over
	};
}
const mug = item({});
const scarf = item({ id: 'scarf', sku: 'SCF', name: 'Wool scarf', price: 2500, cost: 900, redeem: 'partial', pointsPrice: 2500 });
const items = new Map([mug, scarf].map((i) => [i.id, i]));

function original(): Sale {
	const cart: Cart = {
		customerId: 'c1',
		lines: [{ itemId: 'mug', qty: 3, pointsToRedeem: 0 }, { itemId: 'scarf', qty: 1, pointsToRedeem: 500 }]
	};
	const priced = priceCart(cart, items, DEFAULT_LOYALTY, 1000, { discounts: [{ lineIndex: 0, amount: 100, reason: 'Staff' }] });
	const r = finaliseSale(cart, priced, {
		id: 'orig', receiptNo: 'CAM-7F3K-000001', at: '2025-03-10T12:00:00Z', storeId: 'camden', deviceId: 'd', deviceName: 'Till 1',
		cashier: 'Sam', currency: 'GBP', payments: [{ method: 'card', amount: priced.total }]
	});
	if (!r.ok) throw new Error('setup');
	return r.sale;
}

let n = 0;
const ctx = () => ({ id: `ref${++n}`, receiptNo: `CAM-7F3K-00010${n}`, at: '2025-03-12T10:00:00Z', deviceId: 'd', deviceName: 'Till 1', cashier: 'Ali' });

describe('refunds', () => {
	it('builds a negative sale pointing at the original', () => {
		const o = original();
		// 3 × 850 − 100 + 2500 − 500 points = 4450 in money, 44 points earned.
		expect(o.total).toBe(4450);
		expect(o.pointsEarned).toBe(44);
		const r = buildRefund(o, [], [{ lineIndex: 0, qty: 1 }], ctx());
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const s = r.sale;
		expect(s.refundOf).toBe('orig');
		expect(s.refundOfReceipt).toBe('CAM-7F3K-000001');
		expect(s.customerId).toBe('c1');
		expect(s.lines).toHaveLength(1);
		expect(s.lines[0]).toMatchObject({ qty: -1, unitPrice: 850, discount: -33, refundOfLine: 0, discountReason: 'Staff' });
		expect(s.subtotal).toBe(-850);
		expect(s.total).toBe(-817);
		expect(s.payments).toEqual([{ method: 'card', amount: -817 }]);
		// 817 of 4450 in money: round(44 × 817 / 4450) = 8 points taken back.
		expect(s.pointsEarned).toBe(-8);
		expect(s.pointsRedeemed).toBe(0);
	});

	it('gives points used on a line back with it', () => {
		const r = buildRefund(original(), [], [{ lineIndex: 1, qty: 1 }], { ...ctx(), method: 'cash' });
		if (!r.ok) throw new Error();
		expect(r.sale.pointsRedeemed).toBe(-500);
		expect(r.sale.pointsValue).toBe(-500);
		expect(r.sale.total).toBe(-2000);
		expect(r.sale.payments).toEqual([{ method: 'cash', amount: -2000 }, { method: 'points', amount: -500 }]);
	});

	it('never refunds more than was sold', () => {
		const o = original();
		const first = buildRefund(o, [], [{ lineIndex: 0, qty: 2 }], ctx());
		if (!first.ok) throw new Error();
		expect(refundableLines(o, [first.sale, first.sale])).toEqual([1, 1]);
		const tooMany = buildRefund(o, [first.sale], [{ lineIndex: 0, qty: 2 }], ctx());
		assert(!tooMany.ok, 'refunding more than is left was accepted');
		expect(messageFor(tooMany.errors[0])).toBe('Only 1 of Blue mug can still be refunded');
		// Split requests for one line add up.
		const split = buildRefund(o, [first.sale], [{ lineIndex: 0, qty: 1 }, { lineIndex: 0, qty: 1 }], ctx());
		expect(!split.ok && split.errors[0].code).toBe('refund-exceeds-original');
		const last = buildRefund(o, [first.sale], [{ lineIndex: 0, qty: 1 }], ctx());
		if (!last.ok) throw new Error();
		const again = buildRefund(o, [first.sale, last.sale], [{ lineIndex: 0, qty: 1 }], ctx());
		assert(!again.ok, 'a line refunded in full was refunded again');
		expect(messageFor(again.errors[0])).toBe('Blue mug has already been refunded in full');
	});

	it('refuses empty, unknown and nonsense requests, and refunds of refunds', () => {
		const o = original();
		const codes = (r: ReturnType<typeof buildRefund>) => (r.ok ? [] : r.errors.map((e) => e.code));
		expect(codes(buildRefund(o, [], [], ctx()))).toEqual(['refund-empty']);
		expect(codes(buildRefund(o, [], [{ lineIndex: 0, qty: 0 }], ctx()))).toEqual(['refund-empty']);
		expect(codes(buildRefund(o, [], [{ lineIndex: 5, qty: 1 }], ctx()))).toEqual(['refund-line-unknown']);
		expect(codes(buildRefund(o, [], [{ lineIndex: 0, qty: 1.5 }], ctx()))).toEqual(['qty-invalid']);
		const r = buildRefund(o, [], [{ lineIndex: 0, qty: 1 }], ctx());
		if (!r.ok) throw new Error();
		expect(codes(buildRefund(r.sale, [], [{ lineIndex: 0, qty: 1 }], ctx()))).toEqual(['refund-of-refund']);
		expect(refundableLines(r.sale, [])).toEqual([0]);
	});

	it('refunding piece by piece in any split gives back exactly the whole sale (property)', () => {
		for (let seed = 1; seed <= 100; seed++) {
			const rng = new Rng(seed);
			const o = original();
			// Random discounts and points make the shares uneven.
			const qty = rng.int(1, 9);
			o.lines[0] = { ...o.lines[0], qty, discount: rng.int(0, Math.min(999, qty * 850)) };
			o.lines[1] = { ...o.lines[1], pointsRedeemed: rng.int(0, 2500), pointsValue: 0 };
			o.lines[1].pointsValue = o.lines[1].pointsRedeemed;
			Object.assign(o, saleTotals(o.lines));
			o.pointsEarned = rng.int(0, 200);
			const refunds: Sale[] = [];
			for (;;) {
				const left = refundableLines(o, refunds);
				if (left.every((q) => q === 0)) break;
				const req = left.map((q, lineIndex) => ({ lineIndex, qty: q === 0 ? 0 : rng.int(0, q) }));
				const r = buildRefund(o, refunds, req, ctx());
				// Only a request for nothing at all may be refused.
				const empty = req.every((x) => x.qty === 0);
				expect(r.ok, `seed ${seed}: ${JSON.stringify(req)}`).toBe(!empty);
				if (!r.ok) {
					expect(r.errors.map((e) => e.code)).toEqual(['refund-empty']);
					continue;
				}
				refunds.push(r.sale);
			}
			// Sums of refunds plus the original: zero when exactly everything came back.
			const sum = (f: (s: Sale) => number) => refunds.reduce((t, s) => t + f(s), f(o));
			expect(sum((s) => s.subtotal), `seed ${seed}`).toBe(0);
			expect(sum((s) => s.discountTotal), `seed ${seed} discountTotal`).toBe(0);
			expect(sum((s) => s.total), `seed ${seed} total`).toBe(0);
			expect(sum((s) => s.pointsRedeemed), `seed ${seed} pointsRedeemed`).toBe(0);
			expect(sum((s) => s.pointsEarned), `seed ${seed} pointsEarned`).toBe(0);
			expect(refunds.length).toBeGreaterThan(0);
			for (const s of refunds) expect(s.total).toBeLessThanOrEqual(0);
		}
	});
});
