import { assert, describe, expect, it } from 'vitest';
import { messageFor } from '../errors';
import { addItem, EMPTY_CART, finaliseSale, pointsFor, priceCart, removeLine, setCustomer, setPoints, setQty, type Cart } from './cart';
import { DEFAULT_LOYALTY, type Item } from './types';

function item(over: Partial<Item>): Item {
	return {
		id: 'mug', sku: 'MUG-B', barcode: '', name: 'Blue mug', brand: 'Potters', category: 'Home', variant: 'M',
		price: 850, cost: 300, redeem: 'none', pointsPrice: 0, active: true, ...over
	};
}

const mug = item({});
const loaf = item({ id: 'loaf', sku: 'LOAF-W', name: 'Walnut loaf', brand: 'Hearth', price: 420, cost: 150 });
const candle = item({ id: 'candle', sku: 'CND', name: 'Fig candle', price: 1299, cost: 500, redeem: 'full', pointsPrice: 1500 });
const scarf = item({ id: 'scarf', sku: 'SCF', name: 'Wool scarf', price: 2500, cost: 900, redeem: 'partial', pointsPrice: 2500 });
const free = item({ id: 'free', sku: 'FREE', name: 'Gift bag', price: 0 });
const items = new Map([mug, loaf, candle, scarf, free].map((i) => [i.id, i]));

const ctx = {
	id: 'sale1', receiptNo: 'CAM-7F3K-000123', at: '2025-03-10T12:00:00.000Z', storeId: 'camden', deviceId: 'dev1',
	deviceName: 'Till 1', cashier: 'Sam', currency: 'GBP'
};

describe('cart editing', () => {
	it('merges the same item and keeps lines in order', () => {
		let c = addItem(EMPTY_CART, mug);
		c = addItem(c, loaf, 2);
		c = addItem(c, mug);
		expect(c.lines).toEqual([
			{ itemId: 'mug', qty: 2, pointsToRedeem: 0 },
			{ itemId: 'loaf', qty: 2, pointsToRedeem: 0 }
		]);
		expect(setQty(c, 1, 5).lines[1].qty).toBe(5);
		expect(removeLine(c, 0).lines.map((l) => l.itemId)).toEqual(['loaf']);
		expect(EMPTY_CART.lines).toEqual([]);
	});
	it('drops points when the customer changes', () => {
		let c: Cart = { customerId: 'c1', lines: [{ itemId: 'scarf', qty: 1, pointsToRedeem: 300 }] };
		c = setCustomer(c, 'c2');
		expect(c.lines[0].pointsToRedeem).toBe(0);
	});
});

describe('priceCart', () => {
	it('prices lines, discounts with reasons, and points earned rounding down', () => {
		const c: Cart = { customerId: 'c1', lines: [{ itemId: 'candle', qty: 1, pointsToRedeem: 0 }] };
		const p = priceCart(c, items, DEFAULT_LOYALTY, 0);
		expect(p.errors).toEqual([]);
		expect(p.total).toBe(1299);
		// £12.99 at 1 point per £1, rounding down.
		expect(p.pointsEarned).toBe(12);
		expect(priceCart(c, items, { ...DEFAULT_LOYALTY, rounding: 'nearest' }, 0).pointsEarned).toBe(13);
		expect(priceCart(c, items, { ...DEFAULT_LOYALTY, rounding: 'up' }, 0).pointsEarned).toBe(13);

		const d = priceCart({ customerId: null, lines: [{ itemId: 'mug', qty: 2, pointsToRedeem: 0 }] }, items, DEFAULT_LOYALTY, 0, {
			discounts: [{ lineIndex: 0, amount: 170, reason: 'Staff 10%' }, { lineIndex: 0, amount: 5000, reason: 'VIP' }]
		});
		// Capped at the line's value.
		expect(d.lines[0].discount).toBe(1700);
		expect(d.lines[0].discountReason).toBe('Staff 10%; VIP');
		expect(d.total).toBe(0);
	});

	it('refuses a quantity below 1 and an item without a price', () => {
		const p = priceCart(
			{ customerId: null, lines: [{ itemId: 'mug', qty: 0, pointsToRedeem: 0 }, { itemId: 'free', qty: 1, pointsToRedeem: 0 }, { itemId: 'gone', qty: 1, pointsToRedeem: 0 }] },
			items, DEFAULT_LOYALTY, 0
		);
		expect(p.errors.map((e) => [e.field, e.code])).toEqual([
			['lines.0.qty', 'qty-invalid'], ['lines.1', 'item-price-missing'], ['lines.2', 'item-unknown']
		]);
		expect(messageFor(p.errors[1])).toBe('Gift bag has no price');
		expect(priceCart({ customerId: null, lines: [{ itemId: 'mug', qty: 1.5, pointsToRedeem: 0 }] }, items, DEFAULT_LOYALTY, 0).errors[0].code).toBe('qty-invalid');
	});

	it('pays full items wholly per unit and partial items up to their value', () => {
		const c: Cart = {
			customerId: 'c1',
			lines: [{ itemId: 'candle', qty: 2, pointsToRedeem: 1500 }, { itemId: 'scarf', qty: 1, pointsToRedeem: 700 }]
		};
		const p = priceCart(c, items, DEFAULT_LOYALTY, 5000);
		expect(p.errors).toEqual([]);
		expect(p.lines[0].pointsValue).toBe(1299);
		expect(p.lines[1].pointsValue).toBe(700);
		expect(p.pointsRedeemed).toBe(2200);
		expect(p.total).toBe(2 * 1299 + 2500 - 1299 - 700);
		// Points earn only on the money part.
		expect(p.pointsEarned).toBe(30);
		expect(priceCart(c, items, { ...DEFAULT_LOYALTY, earnOnRedeemed: true }, 5000).pointsEarned).toBe(50);

		const half = priceCart(setPoints(c, 0, 750), items, DEFAULT_LOYALTY, 5000);
		expect(half.errors.map((e) => e.code)).toEqual(['points-whole-units']);
		const tooMany = priceCart(setPoints(c, 1, 2600), items, DEFAULT_LOYALTY, 5000);
		expect(messageFor(tooMany.errors[0])).toBe('At most 2500 points can pay for Wool scarf');
		// Two full units, both with points: the whole line.
		const all = priceCart(setPoints(c, 0, 3000), items, DEFAULT_LOYALTY, 5000);
		expect(all.lines[0].toPay).toBe(0);
	});

	it('never spends more points than the customer has, nor on other items, nor without a customer', () => {
		const c: Cart = { customerId: 'c1', lines: [{ itemId: 'scarf', qty: 1, pointsToRedeem: 200 }, { itemId: 'loaf', qty: 1, pointsToRedeem: 100 }] };
		const p = priceCart(c, items, DEFAULT_LOYALTY, 120);
		expect(p.errors.map((e) => messageFor(e))).toEqual(['Walnut loaf cannot be paid with points', 'Only 120 points available']);
		const anon = priceCart({ ...c, customerId: null }, items, DEFAULT_LOYALTY, 1000);
		expect(anon.errors.map((e) => e.code)).toEqual(['points-need-customer', 'points-need-customer']);
		expect(priceCart(setPoints(c, 1, 0), items, DEFAULT_LOYALTY, -50).errors.map((e) => messageFor(e))).toEqual(['Only 0 points available']);
	});

	it('rounds points for amounts in minor units exactly', () => {
		expect(pointsFor(1299, DEFAULT_LOYALTY)).toBe(12);
		expect(pointsFor(1000, { ...DEFAULT_LOYALTY, pointsPerUnit: 0.1, rounding: 'down' })).toBe(1);
		expect(pointsFor(29, { ...DEFAULT_LOYALTY, pointsPerUnit: 100 })).toBe(29);
		expect(pointsFor(1299, DEFAULT_LOYALTY, 'JPY')).toBe(1299);
	});
});

describe('finaliseSale', () => {
	const cart: Cart = { customerId: 'c1', lines: [{ itemId: 'mug', qty: 1, pointsToRedeem: 0 }, { itemId: 'scarf', qty: 1, pointsToRedeem: 350 }] };
	const priced = priceCart(cart, items, DEFAULT_LOYALTY, 1000);

	it('builds an immutable sale with cash change', () => {
		expect(priced.total).toBe(850 + 2500 - 350);
		const r = finaliseSale(cart, priced, { ...ctx, payments: [{ method: 'card', amount: 2000 }, { method: 'cash', amount: 1500 }] });
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.change).toBe(500);
		expect(r.sale.change).toBe(500);
		expect(r.sale.payments).toEqual([
			{ method: 'card', amount: 2000 }, { method: 'cash', amount: 1500 }, { method: 'points', amount: 350 }
		]);
		expect(r.sale.lines[1]).toEqual({
			itemId: 'scarf', sku: 'SCF', name: 'Wool scarf', brand: 'Potters', category: 'Home', variant: 'M', qty: 1,
			unitPrice: 2500, unitCost: 900, discount: 0, discountReason: '', pointsRedeemed: 350, pointsValue: 350
		});
		expect(r.sale.pointsEarned).toBe(30);
		expect(r.sale.refundOf).toBeNull();
	});

	it('refuses short payments, card overpayment and a priced cart with errors', () => {
		const short = finaliseSale(cart, priced, { ...ctx, payments: [{ method: 'cash', amount: 1000 }] });
		assert(!short.ok, 'a short payment was accepted');
		expect(messageFor(short.errors[0])).toBe('£20.00 still to pay');
		const over = finaliseSale(cart, priced, { ...ctx, payments: [{ method: 'card', amount: 3100 }] });
		expect(!over.ok && over.errors[0].code).toBe('payment-card-over');
		const exact = finaliseSale(cart, priced, { ...ctx, payments: [{ method: 'card', amount: 3000 }] });
		expect(exact.ok && exact.change).toBe(0);
		const bad = finaliseSale(cart, priced, { ...ctx, payments: [{ method: 'card', amount: 29.99 }] });
		expect(!bad.ok && bad.errors[0].code).toBe('payment-invalid');
		const withErrors = priceCart(setQty(cart, 0, 0), items, DEFAULT_LOYALTY, 1000);
		const refused = finaliseSale(cart, withErrors, { ...ctx, payments: [{ method: 'card', amount: 3000 }] });
		expect(!refused.ok && refused.errors[0].code).toBe('qty-invalid');
		const empty = finaliseSale(EMPTY_CART, priceCart(EMPTY_CART, items, DEFAULT_LOYALTY, 0), { ...ctx, payments: [] });
		expect(!empty.ok && empty.errors[0].code).toBe('cart-empty');
	});

	it('needs no money when points pay everything', () => {
		const c: Cart = { customerId: 'c1', lines: [{ itemId: 'candle', qty: 1, pointsToRedeem: 1500 }] };
		const r = finaliseSale(c, priceCart(c, items, DEFAULT_LOYALTY, 2000), { ...ctx, payments: [] });
		expect(r.ok && r.sale.total).toBe(0);
		expect(r.ok && r.sale.pointsEarned).toBe(0);
	});
});
