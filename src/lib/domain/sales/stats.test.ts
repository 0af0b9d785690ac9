import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { saleTotals } from './totals';
import { seededIds } from '../ids';
import {
	addAdjustment,
	addSale,
	computeStats,
	emptyStats,
	isStatsCurrent,
	lastBoughtDay,
	needsWindowRecompute,
	rollWindow,
	windowStart,
	type CustomerStats
} from './stats';
import type { PointAdjustment, Sale, SaleLine } from './types';

const TZ = 'Europe/London';

function line(over: Partial<SaleLine> = {}): SaleLine {
	return {
		itemId: 'i1', sku: 'MUG-B', name: 'Blue mug', brand: 'Potters', category: 'Home', variant: 'M',
		qty: 1, unitPrice: 850, unitCost: 300, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0,
		...over
	};
}

function sale(over: Partial<Sale> = {}): Sale {
	const lines = over.lines ?? [line()];
	return {
		id: 's1', receiptNo: 'CAM-AAAA-000001', at: '2025-03-10T12:00:00.000Z', storeId: 'camden', deviceId: 'd1',
		deviceName: 'Till 1', cashier: 'Sam', customerId: 'c1', lines, payments: [], ...saleTotals(lines), change: 0,
		pointsEarned: 0, refundOf: null, currency: 'GBP', ...over
	};
}

describe('windowStart', () => {
	it('is the day after the same date a year earlier', () => {
		expect(windowStart('2025-03-10')).toBe('2024-03-11');
		expect(windowStart('2025-01-01')).toBe('2024-01-02');
		expect(windowStart('2025-12-31')).toBe('2025-01-01');
		// Spanning 29 February: 366 days.
		expect(windowStart('2025-02-28')).toBe('2024-02-29');
		expect(windowStart('2024-02-29')).toBe('2023-03-01');
	});
});

describe('computeStats', () => {
	it('sums spend, margin, visits and points, and subtracts refunds', () => {
		const s1 = sale({ id: 'a', lines: [line({ qty: 2, discount: 100 }), line({ brand: 'Acme', variant: 'L' })], pointsEarned: 24 });
		const refund = sale({
			id: 'r', at: '2025-03-12T10:00:00Z', refundOf: 'a', pointsEarned: -8,
			lines: [line({ qty: -1, discount: -50, refundOfLine: 0 })]
		});
		const old = sale({ id: 'o', at: '2023-06-01T10:00:00Z', lines: [line({ unitPrice: 1000, unitCost: 0 })], pointsEarned: 10 });
		const adj: PointAdjustment = { id: 'x', customerId: 'c1', points: -5, reason: 'goodwill', at: '2025-03-01T00:00:00Z', by: 'Sam' };
		const other = sale({ id: 'b', customerId: 'c2' });
		const s = computeStats('c1', [s1, refund, old, other, s1], [adj], '2025-03-20', TZ);
		// 2 × 850 − 100 + 850 = 2450; refund 850 − 50 = 800 back; old sale 1000.
		expect(s.totalSpend).toBe(2450 - 800 + 1000);
		expect(s.spend12m).toBe(1650);
		// margin: (1700 − 100 − 600) + (850 − 300) = 1550; refund −(850 − 50 − 300) = −500; old 1000.
		expect(s.grossMargin).toBe(2050);
		expect(s.grossMargin12m).toBe(1050);
		expect(s.visits).toBe(2);
		expect(s.visits12m).toBe(1);
		expect(s.lastVisit).toBe('2025-03-10T12:00:00.000Z');
		expect(s.firstVisit).toBe('2023-06-01T10:00:00Z');
		expect(s.pointsEarned).toBe(26);
		expect(s.pointsAdjusted).toBe(-5);
		expect(s.pointsBalance).toBe(21);
		expect(s.averageBasket).toBe(Math.round(2650 / 2));
		expect(s.topBrands).toEqual([{ brand: 'Potters', count: 2 }, { brand: 'Acme', count: 1 }]);
		expect(s.topSizes).toEqual([{ variant: 'M', count: 2 }, { variant: 'L', count: 1 }]);
		expect(s.saleIds).toEqual(['a', 'o', 'r']);
	});

	it('puts a sale on the day it happened in the shop’s zone', () => {
		// 23:30 UTC on 10 March 2024 is already 11 March in Sydney; the window of 10 March 2025 starts on 11 March 2024.
		const s = sale({ at: '2024-03-10T23:30:00Z' });
		expect(computeStats('c1', [s], [], '2025-03-10', 'Europe/London').spend12m).toBe(0);
		expect(computeStats('c1', [s], [], '2025-03-10', 'Australia/Sydney').spend12m).toBe(850);
	});
});

describe('incremental stats', () => {
	it('counts a sale once however often it arrives', () => {
		let s = emptyStats('c1', '2025-03-20');
		const a = sale({ id: 'a', pointsEarned: 8 });
		s = addSale(s, a, '2025-03-20', TZ);
		const again = addSale(s, a, '2025-03-20', TZ);
		expect(again).toBe(s);
		expect(s.totalSpend).toBe(850);
		expect(addSale(s, sale({ id: 'z', customerId: 'c2' }), '2025-03-20', TZ)).toBe(s);
		const adj: PointAdjustment = { id: 'x', customerId: 'c1', points: 50, reason: '', at: '2025-03-01T00:00:00Z', by: '' };
		s = addAdjustment(s, adj);
		expect(addAdjustment(s, adj)).toBe(s);
		expect(s.pointsBalance).toBe(58);
	});

	it('rolls the window forward at midnight without reading sales', () => {
		let s = emptyStats('c1', '2025-03-10');
		s = addSale(s, sale({ id: 'a', at: '2024-03-11T12:00:00Z' }), '2025-03-10', TZ);
		expect(s.spend12m).toBe(850);
		expect(needsWindowRecompute(s, '2025-03-10')).toBe(false);
		expect(needsWindowRecompute(s, '2025-03-11')).toBe(true);
		const rolled = rollWindow(s, '2025-03-11')!;
		expect(rolled.spend12m).toBe(0);
		// The day stays in the all-time buckets for other windows.
		expect(rolled.days).toEqual([{ day: '2024-03-11', spend: 850, margin: 550, visits: 1, transactions: 1, earned: 0, redeemed: 0 }]);
		expect(rolled.totalSpend).toBe(850);
		// Nothing changes on a later day: no recompute needed.
		expect(needsWindowRecompute(rolled, '2025-03-12')).toBe(false);
		// The date going backwards (a clock corrected) brings the day back, still without a sale read.
		expect(needsWindowRecompute(rolled, '2025-03-10')).toBe(true);
		expect(rollWindow(rolled, '2025-03-10')!.spend12m).toBe(850);
	});

	it('counts a sale dated after today (a tablet clock ahead) once its day comes', () => {
		let s = emptyStats('c1', '2025-03-10');
		s = addSale(s, sale({ id: 'f', at: '2025-03-12T09:00:00Z' }), '2025-03-10', TZ);
		expect(s.spend12m).toBe(0);
		expect(needsWindowRecompute(s, '2025-03-11')).toBe(false);
		expect(needsWindowRecompute(s, '2025-03-12')).toBe(true);
		expect(rollWindow(s, '2025-03-12')!.spend12m).toBe(850);
	});
});

describe('day buckets and last bought', () => {
	it('keeps one bucket per shop-zone day over all time: visits are days, transactions are sales', () => {
		const NY = 'America/New_York';
		// 23:59 and 00:01 New York time (summer, UTC−4) fall on two days, though both are 15 July in UTC.
		const late = sale({ id: 'a', at: '2025-07-15T03:59:00Z' }); // 14 July 23:59 in New York
		const early = sale({ id: 'b', at: '2025-07-15T04:01:00Z' }); // 15 July 00:01
		const sameDay = sale({ id: 'c', at: '2025-07-15T20:00:00Z', lines: [line({ unitPrice: 100, unitCost: 0 })] });
		const refund = sale({ id: 'r', at: '2025-07-15T21:00:00Z', refundOf: 'c', lines: [line({ qty: -1, unitPrice: 100, unitCost: 0 })] });
		const old = sale({ id: 'o', at: '2019-01-01T12:00:00Z' });
		const s = computeStats('c1', [late, early, sameDay, refund, old], [], '2025-07-20', NY);
		expect(s.days).toEqual([
			{ day: '2019-01-01', spend: 850, margin: 550, visits: 1, transactions: 1, earned: 0, redeemed: 0 },
			{ day: '2025-07-14', spend: 850, margin: 550, visits: 1, transactions: 1, earned: 0, redeemed: 0 },
			{ day: '2025-07-15', spend: 850, margin: 550, visits: 1, transactions: 2, earned: 0, redeemed: 0 }
		]);
		expect(s.visits).toBe(4);
		expect(s.visits12m).toBe(3);
		expect(computeStats('c1', [late, early], [], '2025-07-20', 'UTC').days.map((b) => b.day)).toEqual(['2025-07-15']);
	});

	it('records the last day each brand, category and item was bought, not returned', () => {
		const a = sale({ id: 'a', at: '2025-03-01T12:00:00Z', lines: [line({ itemId: 'mug', brand: 'Potters', category: 'Home' })] });
		const b = sale({ id: 'b', at: '2025-02-01T12:00:00Z', lines: [line({ itemId: 'mug', brand: 'Potters', category: '' })] });
		const ret = sale({ id: 'r', at: '2025-03-05T12:00:00Z', lines: [line({ itemId: 'tea', brand: 'Leaf', category: 'Food', qty: -1 })] });
		const s = computeStats('c1', [a, b, ret], [], '2025-03-20', TZ);
		expect(s.lastBought).toEqual(['b:Potters', '2025-03-01', 'c:Home', '2025-03-01', 'i:mug', '2025-03-01']);
		expect(lastBoughtDay(s.lastBought, 'c:Home')).toBe('2025-03-01');
		expect(lastBoughtDay(s.lastBought, 'i:mug')).toBe('2025-03-01');
		expect(lastBoughtDay(s.lastBought, 'b:Potters')).toBe('2025-03-01');
		expect(lastBoughtDay(s.lastBought, 'i:tea')).toBeUndefined();
		expect(lastBoughtDay(s.lastBought, 'z')).toBeUndefined();
		let inc = emptyStats('c1', '2025-03-20');
		for (const x of [ret, a, b]) inc = addSale(inc, x, '2025-03-20', TZ);
		expect(JSON.stringify(inc)).toBe(JSON.stringify(s));
	});
});

describe('statistics stored by an earlier build', () => {
	it('are recognised, always need a recompute and are never rolled or added to', () => {
		const old = computeStats('c1', [sale({ id: 'a' })], [], '2025-03-20', TZ) as Partial<CustomerStats>;
		delete old.days;
		delete old.lastBought;
		const s = old as CustomerStats;
		expect(isStatsCurrent(s)).toBe(false);
		expect(needsWindowRecompute(s, s.asOf)).toBe(true);
		expect(rollWindow(s, '2025-03-21')).toBeNull();
		expect(addSale(s, sale({ id: 'b' }), '2025-03-20', TZ)).toBe(s);
		expect(isStatsCurrent(emptyStats('c1', '2025-03-20'))).toBe(true);
	});
});

// ---- Property: incremental in any order, with repeats and midnights, equals from scratch --------

const BRANDS = ['Acme', 'Potters', 'Hearth', 'Nordic', ''];
const VARIANTS = ['S', 'M', 'L', '500 ml', ''];

function randomHistory(seed: number): { sales: Sale[]; adjustments: PointAdjustment[] } {
	const rng = new Rng(seed);
	const ids = seededIds(seed);
	const customers = ['c1', 'c2', 'c3'];
	const start = Date.parse('2023-06-01T00:00:00Z');
	const span = 2 * 365 * 86_400_000;
	const sales: Sale[] = [];
	for (let n = rng.int(5, 60); n > 0; n--) {
		const lines: SaleLine[] = [];
		for (let k = rng.int(1, 4); k > 0; k--) {
			const qty = rng.int(1, 3);
			const unitPrice = rng.int(100, 5000);
			const points = rng.chance(0.2) ? rng.int(0, unitPrice * qty - 1) : 0;
			lines.push(line({
				itemId: ids(), brand: rng.pick(BRANDS), variant: rng.pick(VARIANTS), qty, unitPrice,
				unitCost: rng.int(0, unitPrice), discount: rng.chance(0.3) ? rng.int(0, 100) : 0,
				pointsRedeemed: points, pointsValue: points
			}));
		}
		const s = sale({
			id: ids(), customerId: rng.pick(customers), lines, pointsEarned: rng.int(0, 100),
			at: new Date(start + Math.floor(rng.next() * span)).toISOString()
		});
		sales.push(s);
		if (rng.chance(0.2)) {
			const i = rng.int(0, lines.length - 1);
			const refundLine = { ...lines[i], qty: -1, discount: -Math.floor(lines[i].discount / lines[i].qty), refundOfLine: i,
				pointsRedeemed: 0, pointsValue: 0 };
			sales.push(sale({
				id: ids(), customerId: s.customerId, refundOf: s.id, lines: [refundLine], pointsEarned: -rng.int(0, 10),
				at: new Date(Date.parse(s.at) + rng.int(0, 40) * 86_400_000).toISOString()
			}));
		}
	}
	const adjustments: PointAdjustment[] = [];
	for (let n = rng.int(0, 10); n > 0; n--) {
		adjustments.push({
			id: ids(), customerId: rng.pick(customers), points: rng.int(-200, 200), reason: 'test', by: 'Sam',
			at: new Date(start + Math.floor(rng.next() * span)).toISOString()
		});
	}
	return { sales, adjustments };
}

function shuffled<T>(rng: Rng, a: readonly T[]): T[] {
	const out = a.slice();
	for (let i = out.length - 1; i > 0; i--) {
		const j = rng.int(0, i);
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

function addDays(day: string, n: number): string {
	return new Date(Date.parse(day + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
}

describe('incremental stats equal stats from scratch (property)', () => {
	it('for 200 random histories, any arrival order, repeats and midnights', () => {
		// The day buckets and last-bought days are compared too (toStrictEqual, JSON): make sure they are there.
		let withDays = 0;
		let withBought = 0;
		for (let seed = 1; seed <= 200; seed++) {
			const { sales, adjustments } = randomHistory(seed);
			const rng = new Rng(seed * 7919);
			const finalDay = rng.pick(['2024-12-31', '2025-02-28', '2025-05-31', '2025-06-15']);
			// Records arrive in a random order, some twice, while the days pass (clock only goes forward).
			type Ev = { kind: 'sale'; s: Sale } | { kind: 'adj'; a: PointAdjustment };
			const events: Ev[] = shuffled(rng, [
				...sales.map((s) => ({ kind: 'sale', s }) as Ev),
				...adjustments.map((a) => ({ kind: 'adj', a }) as Ev)
			]);
			for (let k = rng.int(0, 5); k > 0; k--) events.push(rng.pick(events));
			const days = events.map(() => addDays(finalDay, -rng.int(0, 90))).sort();
			for (const customerId of ['c1', 'c2', 'c3']) {
				let s: CustomerStats = emptyStats(customerId, days[0] ?? finalDay);
				events.forEach((e, i) => {
					s = e.kind === 'sale' ? addSale(s, e.s, days[i], TZ) : addAdjustment(s, e.a);
				});
				if (needsWindowRecompute(s, finalDay) || s.asOf !== finalDay) s = rollWindow(s, finalDay)!;
				const scratch = computeStats(customerId, sales, adjustments, finalDay, TZ);
				expect(s, `seed ${seed}, ${customerId}`).toStrictEqual(scratch);
				expect(JSON.stringify(s)).toBe(JSON.stringify(scratch));
				if (scratch.days.length > 0) withDays++;
				if (scratch.lastBought.length > 0) withBought++;
			}
		}
		expect(withDays).toBeGreaterThan(300);
		expect(withBought).toBeGreaterThan(300);
	});
});

describe('an opening balance in statistics', () => {
	const opening = { customerId: 'c1', at: '2025-03-01T09:00:00.000Z', spend: 123_450, orders: 12, points: 300, lastOrderDate: '', source: 'import a.csv' };

	it('counts in all-time figures, in windows that include its date, and in the points balance; never as a sale', () => {
		const s = computeStats('c1', [sale({ id: 'a', pointsEarned: 8 })], [], '2025-03-20', TZ, opening);
		expect(s.totalSpend).toBe(850 + 123_450);
		expect(s.spend12m).toBe(850 + 123_450);
		expect(s.visits).toBe(13);
		expect(s.visits12m).toBe(13);
		expect(s.pointsBalance).toBe(308);
		expect(s.saleIds).toEqual(['a']);
		expect(s.averageBasket).toBe(Math.round((850 + 123_450) / 13));
		expect(s.days.map((b) => [b.day, b.opening ?? false])).toEqual([['2025-03-01', true], ['2025-03-10', false]]);
		// A year after its date it has left the 12 months, not the totals.
		const later = rollWindow(s, '2026-03-05')!;
		expect(later.spend12m).toBe(850);
		expect(later.totalSpend).toBe(850 + 123_450);
		// Dated at its last order date when the file gives one.
		const dated = computeStats('c1', [], [], '2025-03-20', TZ, { ...opening, lastOrderDate: '2023-06-30' });
		expect(dated.spend12m).toBe(0);
		expect(dated.lastVisit).toBe('2023-06-30T12:00:00.000Z');
	});

	it('sales added after it equal everything from scratch, also a sale on the opening’s own day', () => {
		const sales = [sale({ id: 'a', at: '2025-03-01T15:00:00.000Z' }), sale({ id: 'b', at: '2025-02-01T10:00:00.000Z' }), sale({ id: 'c' })];
		let s = computeStats('c1', [], [], '2025-03-20', TZ, opening);
		for (const x of [sales[2], sales[0], sales[1], sales[0]]) s = addSale(s, x, '2025-03-20', TZ);
		expect(s).toStrictEqual(computeStats('c1', sales, [], '2025-03-20', TZ, opening));
		expect(s.days.filter((b) => b.day === '2025-03-01').map((b) => b.opening ?? false)).toEqual([false, true]);
	});
});
