import { describe, expect, it } from 'vitest';
import { saleTotals } from '../sales/totals';
import { computeStats, saleDay } from '../sales/stats';
import type { Sale, SaleLine } from '../sales/types';
import { addToShopDay, emptyShopDay, validateReportRange, granularityOf, groupReport, periodsOf, periodStart, reportCsv, type ReportMove, type ShopDay } from './report';

const TZ = 'Europe/London';

function line(over: Partial<SaleLine> = {}): SaleLine {
	return {
		itemId: 'mug', sku: 'MUG', name: 'Mug', brand: 'Potters', category: 'Home', variant: '',
		qty: 1, unitPrice: 850, unitCost: 300, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0,
		...over
	};
}

function sale(id: string, customerId: string | null, at: string, lines: SaleLine[], over: Partial<Sale> = {}): Sale {
	return {
		id, receiptNo: id, at, storeId: 's', deviceId: 'd', deviceName: 'Till', cashier: '', customerId, lines, payments: [],
		...saleTotals(lines), change: 0, pointsEarned: 0, refundOf: null, currency: 'GBP', ...over
	};
}

const spade = (over: Partial<SaleLine> = {}) => line({ itemId: 'spade', brand: 'Acme', category: 'Garden', unitPrice: 2000, unitCost: 1200, ...over });

// Hand-computed below. Europe/London: GMT until 30 March 2025, then BST (UTC+1).
const SALES: Sale[] = [
	// A: 2 mugs, 100 off → paid 1,600, margin 1,700 − 100 − 600 = 1,000, earns 16.
	sale('a1', 'A', '2025-03-03T10:00:00Z', [line({ qty: 2, discount: 100 })], { pointsEarned: 16 }),
	// A: a spade, 500 of it paid with 500 points → paid 1,500, margin 800, earns 15, redeems 500.
	sale('a2', 'A', '2025-03-10T10:00:00Z', [spade({ pointsRedeemed: 500, pointsValue: 500 })], { pointsEarned: 15 }),
	// A's refund of one mug (50 of the discount given back): −800 paid, margin −850 + 50 + 300 = −500, −8 points.
	sale('r1', 'A', '2025-03-12T10:00:00Z', [line({ qty: -1, discount: -50 })], { pointsEarned: -8, refundOf: 'a1' }),
	// B: 00:30 on 1 March in London (GMT): in the range. Paid 850, margin 550, earns 8.
	sale('b1', 'B', '2025-03-01T00:30:00Z', [line()], { pointsEarned: 8 }),
	// B: 23:30 UTC on 28 February is still 28 February in London: before the range.
	sale('b0', 'B', '2025-02-28T23:30:00Z', [line()], { pointsEarned: 8 }),
	// B: 23:30 UTC on 31 March is 00:30 on 1 April in London (BST): after the range.
	sale('b2', 'B', '2025-03-31T23:30:00Z', [line()], { pointsEarned: 8 }),
	// C is not a member: counts for the shop only. Paid 2,000, margin 800, earns 20.
	sale('c1', 'C', '2025-03-10T15:00:00Z', [spade()], { pointsEarned: 20 }),
	// Anonymous: the shop only. 3 mugs: paid 2,550, margin 1,650.
	sale('n1', null, '2025-03-20T12:00:00Z', [line({ qty: 3 })])
];

function shopDays(sales: Sale[]): ShopDay[] {
	const days = new Map<string, ShopDay>();
	for (const s of sales) {
		const day = saleDay(s.at, TZ)!;
		const next = addToShopDay(days.get(day) ?? emptyShopDay(day), s);
		if (next) days.set(day, next);
	}
	return [...days.values()];
}

function member(id: string) {
	const s = computeStats(id, SALES.filter((x) => x.customerId === id), [], '2025-04-15', TZ);
	return { days: s.days, spendBy: s.spendBy };
}

describe('group report', () => {
	const report = groupReport({ from: '2025-03-01', to: '2025-03-31', members: [member('A'), member('B'), member('D')], shopDays: shopDays(SALES) });

	it('adds up the members’ sales in the range, refunds counted negative, beside the whole shop', () => {
		expect(report.group).toEqual({
			sales: 1600 + 1500 - 800 + 850,
			transactions: 3,
			averageBasket: 1050,
			margin: 1000 + 800 - 500 + 550,
			pointsEarned: 16 + 15 - 8 + 8,
			pointsRedeemed: 500
		});
		expect(report.shop).toEqual({
			sales: 3150 + 2000 + 2550,
			transactions: 5,
			averageBasket: 1540,
			margin: 1850 + 800 + 1650,
			pointsEarned: 31 + 20,
			pointsRedeemed: 500
		});
		expect(report.share).toBeCloseTo(3150 / 7700, 10);
		expect(report.members).toBe(3);
		expect(report.buyers).toBe(2);
	});

	it('charts the range by day, with each sale on its shop-zone day', () => {
		expect(report.granularity).toBe('day');
		expect(report.series).toHaveLength(31);
		const on = (day: string) => report.series.find((p) => p.start === day)!;
		expect(on('2025-03-01').group.sales).toBe(850);
		expect(on('2025-03-03').group.sales).toBe(1600);
		expect(on('2025-03-10').group.sales).toBe(1500);
		expect(on('2025-03-10').shop.sales).toBe(3500);
		expect(on('2025-03-12').group).toMatchObject({ sales: -800, transactions: 0, margin: -500, pointsEarned: -8 });
		expect(on('2025-03-20').group.sales).toBe(0);
		expect(on('2025-03-20').shop.sales).toBe(2550);
		expect(report.series.reduce((n, p) => n + p.group.sales, 0)).toBe(report.group.sales);
		expect(report.series.reduce((n, p) => n + p.shop.margin, 0)).toBe(report.shop.margin);
	});

	it('ranks brands and categories by what the members paid for them, points excluded', () => {
		// Mugs: 1,600 − 800 + 850; the spade: 2,000 less 500 paid with points.
		expect(report.words).toEqual([
			{ kind: 'category', text: 'Home', amount: 1650 },
			{ kind: 'brand', text: 'Potters', amount: 1650 },
			{ kind: 'brand', text: 'Acme', amount: 1500 },
			{ kind: 'category', text: 'Garden', amount: 1500 }
		]);
	});

	it('is empty, not wrong, for a range with nothing sold', () => {
		const r = groupReport({ from: '2024-01-01', to: '2024-01-07', members: [member('A')], shopDays: shopDays(SALES) });
		expect(r.group.sales).toBe(0);
		expect(r.group.averageBasket).toBe(0);
		expect(r.share).toBeNull();
		expect(r.words).toEqual([]);
		expect(r.buyers).toBe(0);
	});

	it('counts who joined and left, newest first', () => {
		const moves: ReportMove[] = [
			{ customerId: 'A', name: 'Ann', change: 'joined', at: '2025-03-02T10:00:00Z', why: 'sale' },
			{ customerId: 'B', name: 'Bo', change: 'left', at: '2025-03-05T10:00:00Z', why: 'date' },
			{ customerId: 'B', name: 'Bo', change: 'joined', at: '2025-03-09T10:00:00Z', why: 'manual' }
		];
		const r = groupReport({ from: '2025-03-01', to: '2025-03-31', members: [], shopDays: [], moves, limits: { moves: 2 } });
		expect(r.moves.joined).toBe(2);
		expect(r.moves.left).toBe(1);
		expect(r.moves.events.map((e) => e.at)).toEqual(['2025-03-09T10:00:00Z', '2025-03-05T10:00:00Z']);
		expect(r.moves.more).toBe(1);
	});

	it('exports the figures as CSV, money as plain decimals', () => {
		const { headers, rows } = reportCsv(report, 'Gold');
		expect(headers[3]).toBe('sales');
		expect(rows[0]).toEqual(['2025-03-01', '2025-03-31', 'Gold', '31.50', '3', '10.50', '18.50', '31', '500']);
		expect(rows[1].slice(2, 4)).toEqual(['Whole shop', '77.00']);
		expect(rows).toHaveLength(2 + 31 * 2);
		expect(rows.find((r) => r[0] === '2025-03-12' && r[2] === 'Gold')![3]).toBe('-8.00');
	});
});

describe('shop day totals', () => {
	it('count a sale once however often it arrives (re-sent, or tracked to a customer later)', () => {
		const s = SALES[0];
		const once = addToShopDay(emptyShopDay('2025-03-03'), s)!;
		expect(addToShopDay(once, s)).toBeNull();
		expect(addToShopDay(once, { ...s, customerId: 'Z' })).toBeNull();
		expect(once).toMatchObject({ sales: 1600, transactions: 1, margin: 1000, earned: 16, saleIds: ['a1'] });
	});
});

describe('periods', () => {
	it('are days up to a month and a half, weeks up to six months, then months', () => {
		expect(granularityOf('2025-03-01', '2025-04-14')).toBe('day');
		expect(granularityOf('2025-03-01', '2025-04-15')).toBe('week');
		expect(granularityOf('2025-01-01', '2025-07-05')).toBe('week');
		expect(granularityOf('2025-01-01', '2025-12-31')).toBe('month');
	});

	it('start weeks on Monday and months on the 1st, clipped to the range', () => {
		expect(periodStart('2025-03-16', 'week')).toBe('2025-03-10'); // a Sunday
		expect(periodStart('2025-03-17', 'week')).toBe('2025-03-17');
		expect(periodsOf('2025-03-12', '2025-03-25', 'week')).toEqual([
			{ start: '2025-03-12', end: '2025-03-16' },
			{ start: '2025-03-17', end: '2025-03-23' },
			{ start: '2025-03-24', end: '2025-03-25' }
		]);
		expect(periodsOf('2024-11-15', '2025-02-10', 'month')).toEqual([
			{ start: '2024-11-15', end: '2024-11-30' },
			{ start: '2024-12-01', end: '2024-12-31' },
			{ start: '2025-01-01', end: '2025-01-31' },
			{ start: '2025-02-01', end: '2025-02-10' }
		]);
	});
});

describe('report range', () => {
	it('is refused at its field when empty, not a date, reversed or longer than ten years', () => {
		expect(validateReportRange('', '2025-03-01')).toEqual([{ field: 'from', code: 'date-range-empty' }]);
		expect(validateReportRange('2025-02-30', '2025-03-01')).toEqual([{ field: 'from', code: 'date-range-invalid' }]);
		expect(validateReportRange('2025-03-02', '2025-03-01')).toEqual([{ field: 'to', code: 'date-range-reversed' }]);
		expect(validateReportRange('2015-01-01', '2025-03-01')[0]).toMatchObject({ field: 'from', code: 'report-range-too-long' });
		expect(validateReportRange('2025-03-01', '2025-03-01')).toEqual([]);
	});
});
