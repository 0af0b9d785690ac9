import { describe, expect, it } from 'vitest';
import { generateCustomers, DEMO_STORES } from '../demo';
import { seededIds } from '../ids';
import { validateItem } from './items';
import { parseReceiptNumber } from './receipt';
import { refundableLines } from './refund';
import { computeStats } from './stats';
import { generateItems, generateSales, type DemoDevice } from './demo-sales';

const devices: DemoDevice[] = DEMO_STORES.flatMap((s, i) => [
	{ id: `dev-${s.id}-1`, name: `Till 1`, storeId: s.id },
	{ id: `dev-${s.id}-2`, name: `Till 2`, storeId: s.id }
].slice(0, i === 0 ? 2 : 1));

function shop(seed: number, count: number) {
	const items = generateItems(seed);
	const ids = seededIds(seed);
	const drafts = generateCustomers({ seed, count, now: '2025-06-30T12:00:00Z', stores: DEMO_STORES });
	const customers = drafts.map((d) => ({ id: ids(), registeredAt: d.registeredAt, storeId: d.storeId }));
	const sales = generateSales({
		seed, customers, items, stores: DEMO_STORES, devices, from: '2023-07-01T00:00:00Z', to: '2025-06-30T00:00:00Z',
		salesPerCustomerAvg: 6
	});
	return { items, customers, sales };
}

describe('generateItems', () => {
	it('makes about 120 valid items with unique SKUs and barcodes, the same for a seed', () => {
		const items = generateItems(1);
		expect(items.length).toBeGreaterThanOrEqual(100);
		expect(items.length).toBeLessThanOrEqual(140);
		expect(generateItems(1)).toEqual(items);
		for (const i of items) expect(validateItem(i).errors, i.sku).toEqual([]);
		expect(new Set(items.map((i) => i.sku)).size).toBe(items.length);
		expect(new Set(items.map((i) => i.barcode)).size).toBe(items.length);
		expect(items.some((i) => i.redeem === 'full')).toBe(true);
		expect(items.some((i) => i.redeem === 'partial')).toBe(true);
		expect(items.filter((i) => i.cost >= i.price)).toEqual([]);
	});
});

describe('generateSales', () => {
	const { sales, customers } = shop(7, 300);

	it('is deterministic and sorted by time', () => {
		expect(shop(7, 300).sales).toEqual(sales);
		expect(sales.length).toBeGreaterThan(300 * 3);
		for (let i = 1; i < sales.length; i++) expect(sales[i - 1].at <= sales[i].at).toBe(true);
	});

	it('makes sales that add up like sales at the till', () => {
		for (const s of sales) {
			const sum = (f: (l: (typeof s.lines)[number]) => number) => s.lines.reduce((t, l) => t + f(l), 0);
			expect(s.subtotal).toBe(sum((l) => l.unitPrice * l.qty));
			expect(s.discountTotal).toBe(sum((l) => l.discount));
			expect(s.pointsValue).toBe(sum((l) => l.pointsValue));
			expect(s.pointsRedeemed).toBe(sum((l) => l.pointsRedeemed));
			expect(s.total).toBe(s.subtotal - s.discountTotal - s.pointsValue);
			const money = s.payments.filter((p) => p.method !== 'points').reduce((t, p) => t + p.amount, 0);
			expect(money - s.change).toBe(s.total);
			expect(s.lines.length).toBeGreaterThanOrEqual(1);
			expect(s.lines.length).toBeLessThanOrEqual(5);
			for (const l of s.lines) expect(Number.isInteger(l.unitPrice) && Number.isInteger(l.discount)).toBe(true);
		}
	});

	it('has unique receipt numbers, refunds pointing at earlier sales, and no customer spending points they lack', () => {
		expect(new Set(sales.map((s) => s.receiptNo)).size).toBe(sales.length);
		for (const s of sales) expect(parseReceiptNumber(s.receiptNo), s.receiptNo).not.toBeNull();
		const byId = new Map(sales.map((s) => [s.id, s]));
		const refunds = sales.filter((s) => s.refundOf);
		expect(refunds.length).toBeGreaterThan(0);
		for (const r of refunds) {
			const o = byId.get(r.refundOf!)!;
			expect(o.at < r.at).toBe(true);
			expect(r.refundOfReceipt).toBe(o.receiptNo);
			expect(refundableLines(o, [r]).every((q) => q >= 0)).toBe(true);
		}
		expect(sales.some((s) => s.pointsRedeemed > 0)).toBe(true);
		for (const c of customers.slice(0, 100)) {
			expect(computeStats(c.id, sales, [], '2025-06-30', 'Europe/London').pointsBalance).toBeGreaterThanOrEqual(0);
		}
	});
});
