import { describe, expect, it } from 'vitest';
import { emptyStats } from '$lib/domain/sales/stats';
import { SpendIndex } from './report';

describe('SpendIndex', () => {
	it('gives back each customer’s spend by brand and category as stored, days and keys shared', () => {
		const index = new SpendIndex();
		const a = { ...emptyStats('a', '2026-03-31'), spendBy: ['2026-03-01', 'b:Acme', 1200, '2026-03-01', 'c:Home', -300, '2026-03-02', 'b:Acme', 50] };
		const b = { ...emptyStats('b', '2026-03-31'), spendBy: ['2026-03-02', 'c:Home', 700] };
		index.set('a', a);
		index.set('b', b);
		expect(index.spendOf('a')).toEqual(a.spendBy);
		expect(index.spendOf('b')).toEqual(b.spendBy);
		expect(index.spendOf('nobody')).toEqual([]);
		// An amount beyond 32 bits (a very large shop) is kept exactly.
		const big = { ...emptyStats('c', '2026-03-31'), spendBy: ['2026-03-03', 'b:Gold', 5_000_000_000] };
		index.set('c', big);
		expect(index.spendOf('c')).toEqual(big.spendBy);
		// A customer erased, or with nothing bought any more, is forgotten; reset forgets everyone.
		index.set('b', undefined);
		expect(index.spendOf('b')).toEqual([]);
		index.reset();
		expect(index.spendOf('a')).toEqual([]);
	});
});

describe('ShopDaysBuilder', () => {
	it('adds up a rebuild’s sales to the same days as counting them one at a time, each sale once', async () => {
		const { addToShopDay, emptyShopDay } = await import('$lib/domain/reports/report');
		const { saleDay } = await import('$lib/domain/sales/stats');
		const { ShopDaysBuilder } = await import('./report');
		const line = { itemId: 'i', sku: 'S', name: 'N', brand: 'B', category: 'C', variant: '', unitCost: 300, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0 };
		const sales = Array.from({ length: 60 }, (_, i) => {
			const qty = i % 7 === 0 ? -1 : 1 + (i % 3);
			const total = 1000 * qty;
			return {
				id: `s${(i * 37) % 60}`, receiptNo: String(i), at: new Date(Date.UTC(2026, 2, 1 + (i % 5), 23, 30)).toISOString(), storeId: 's', deviceId: 'd',
				deviceName: 'T', cashier: '', customerId: i % 4 === 0 ? null : `c${i % 9}`, lines: [{ ...line, qty, unitPrice: 1000 }], payments: [],
				subtotal: total, discountTotal: 0, pointsValue: 0, total, change: 0, pointsRedeemed: 0, pointsEarned: qty * 10, refundOf: null, currency: 'GBP'
			};
		});
		const builder = new ShopDaysBuilder('Europe/London');
		builder.add(sales.slice(0, 40));
		builder.add([...sales.slice(20), undefined]);
		const one = new Map<string, ReturnType<typeof emptyShopDay>>();
		for (const s of sales) {
			const day = saleDay(s.at, 'Europe/London')!;
			one.set(day, addToShopDay(one.get(day) ?? emptyShopDay(day), s) ?? one.get(day)!);
		}
		const byDay = (a: { day: string }, b: { day: string }) => (a.day < b.day ? -1 : 1);
		expect(builder.rows().sort(byDay)).toEqual([...one.values()].sort(byDay));
	});
});
