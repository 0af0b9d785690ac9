import { describe, expect, it } from 'vitest';
import { computeStats, type CustomerStats } from '../sales/stats';
import { makeLine, makeSale } from './factories';
import { addDays, monthsStart } from '../dates';
import { Rng } from '../random';
import { levelIndex, retainedIndex, sortedLevels, SPEND_TIERS_PRESET, tierLevel, tierValue, validateTier } from './tiers';
import type { LevelOverride, TierConfig } from './types';

const TZ = 'Europe/London';

function statsOf(sales: [string, number][], today = '2026-06-15'): CustomerStats {
	return computeStats('c1', sales.map(([at, amount], i) => makeSale(`s${i}`, 'c1', at, amount)), [], today, TZ);
}

// Standard < 500, Gold 500–2,000, Platinum ≥ 2,000 (in whole units here, to keep the arithmetic readable).
const spend = (retentionMonths = 0, window: TierConfig['window'] = { kind: 'rollingMonths', months: 12 }): TierConfig => ({
	...SPEND_TIERS_PRESET(1),
	retentionMonths,
	window
});

const level = (s: CustomerStats | null, t: TierConfig, today: string, o?: LevelOverride) => {
	const r = tierLevel(s, t, { today }, o);
	return `${r.levelId} ${r.because}`;
};

describe('SPEND_TIERS_PRESET', () => {
	it('is Standard below 500, Gold from 500 to below 2,000, Platinum from 2,000, rolling 12 months, valid', () => {
		const t = SPEND_TIERS_PRESET();
		expect(t.levels.map((l) => [l.name, l.min, l.max])).toEqual([
			['Standard', 0, 50000],
			['Gold', 50000, 200000],
			['Platinum', 200000, null]
		]);
		expect(t.window).toEqual({ kind: 'rollingMonths', months: 12 });
		expect(validateTier(t)).toEqual({ errors: [], gaps: [] });
	});
});

describe('validateTier', () => {
	const lv = (id: string, min: number, max: number | null, name = id) => ({ id, name, min, max, vip: false });
	const codes = (t: Partial<TierConfig>) => validateTier({ ...spend(), ...t }).errors.map((e) => `${e.field} ${e.code}`);

	it('refuses overlapping levels at the later level’s minimum, in whatever order they are given', () => {
		expect(codes({ levels: [lv('a', 0, 600), lv('b', 500, null)] })).toEqual(['tier.levels.1.min tier-levels-overlap']);
		expect(codes({ levels: [lv('b', 500, null), lv('a', 0, 600)] })).toEqual(['tier.levels.0.min tier-levels-overlap']);
		expect(codes({ levels: [lv('a', 0, null), lv('b', 500, null)] })).toEqual(['tier.levels.1.min tier-levels-overlap']);
		expect(codes({ levels: [lv('a', 0, 500), lv('b', 500, null)] })).toEqual([]);
	});

	it('reports gaps as warnings', () => {
		const r = validateTier({ ...spend(), levels: [lv('a', 100, 500), lv('b', 600, 900), lv('c', 900, null)] });
		expect(r.errors).toEqual([]);
		expect(r.gaps).toEqual([{ after: 'a', before: 'b' }]);
	});

	it('needs levels with names, minimums of zero or more and maximums above them', () => {
		expect(codes({ levels: [] })).toEqual(['tier.levels tier-levels-required']);
		expect(codes({ levels: [lv('a', 0, 10, ' '), lv('b', -1, null), lv('c', 20, 20)] })).toEqual([
			'tier.levels.0.name tier-level-name-required',
			'tier.levels.1.min tier-min-invalid',
			'tier.levels.2.max tier-max-invalid'
		]);
		expect(codes({ levels: [lv('a', NaN, 10)] })).toEqual(['tier.levels.0.min tier-min-invalid']);
		expect(codes({ levels: [lv('a', 0, 10, 'Gold'), lv('b', 10, null, 'gold ')] })).toEqual(['tier.levels.1.name tier-level-name-taken']);
	});

	it('checks the window and the retention', () => {
		expect(codes({ window: { kind: 'rollingMonths', months: 0 } })).toEqual(['tier.window tier-window-invalid']);
		expect(codes({ window: { kind: 'since', date: '2026-13-01' } })).toEqual(['tier.window tier-window-invalid']);
		expect(codes({ retentionMonths: -1 })).toEqual(['tier.retentionMonths tier-retention-invalid']);
		expect(codes({ retentionMonths: 1.5 })).toEqual(['tier.retentionMonths tier-retention-invalid']);
	});
});

describe('tierValue', () => {
	const sales: [string, number][] = [
		['2024-12-31T12:00:00Z', 700],
		['2025-06-16T12:00:00Z', 300],
		['2026-01-01T10:00:00Z', 200],
		['2026-01-01T15:00:00Z', 100],
		['2026-06-15T12:00:00Z', 50]
	];
	const s = statsOf(sales);
	const value = (metric: TierConfig['metric'], window: TierConfig['window']) => tierValue(s, { ...spend(), metric, window }, '2026-06-15');

	it('sums every metric over every window ending today', () => {
		const rolling = { kind: 'rollingMonths', months: 12 } as const;
		expect(value('spend', rolling)).toBe(650);
		expect(value('spend', { kind: 'rollingMonths', months: 6 })).toBe(350);
		expect(value('spend', { kind: 'calendarYear' })).toBe(350);
		expect(value('spend', { kind: 'since', date: '2025-01-01' })).toBe(650);
		expect(value('spend', { kind: 'allTime' })).toBe(1350);
		expect(value('grossMargin', { kind: 'allTime' })).toBe(675);
		expect(value('transactions', rolling)).toBe(4);
		expect(value('visits', rolling)).toBe(3);
		expect(tierValue(null, spend(), '2026-06-15')).toBe(0);
	});
});

describe('tierLevel by value', () => {
	it('levels are [min, max): exactly 500 is Gold, 499 Standard, exactly 2,000 Platinum', () => {
		expect(level(statsOf([['2026-06-01T12:00:00Z', 500]]), spend(), '2026-06-15')).toBe('gold value');
		expect(level(statsOf([['2026-06-01T12:00:00Z', 499]]), spend(), '2026-06-15')).toBe('standard value');
		expect(level(statsOf([['2026-06-01T12:00:00Z', 2000]]), spend(), '2026-06-15')).toBe('platinum value');
		expect(level(null, spend(), '2026-06-15')).toBe('standard value');
	});

	it('a value below the lowest minimum, or in a gap, is in no level', () => {
		const t: TierConfig = { ...spend(), levels: [
			{ id: 'silver', name: 'Silver', min: 100, max: 500, vip: false },
			{ id: 'gold', name: 'Gold', min: 600, max: null, vip: true }
		] };
		expect(level(statsOf([['2026-06-01T12:00:00Z', 99]]), t, '2026-06-15')).toBe('null null');
		expect(level(statsOf([['2026-06-01T12:00:00Z', 550]]), t, '2026-06-15')).toBe('null null');
		expect(level(statsOf([['2026-06-01T12:00:00Z', 600]]), t, '2026-06-15')).toBe('gold value');
	});

	it('a refund can take a customer down a level', () => {
		const sale = makeSale('a', 'c1', '2026-06-01T12:00:00Z', 600);
		const refund = makeSale('r', 'c1', '2026-06-02T12:00:00Z', 0, { refundOf: 'a', lines: [makeLine({ qty: -1, unitPrice: 200, unitCost: 0 })] });
		const s = computeStats('c1', [sale, refund], [], '2026-06-15', TZ);
		expect(level(s, spend(), '2026-06-15')).toBe('standard value');
	});
});

describe('tierLevel with retention', () => {
	// 2,500 spent on 10 January 2025: Platinum by value from that day until the sale leaves the
	// 12-month window on 10 January 2026 (last Platinum day: 9 January 2026).
	const s = statsOf([['2025-01-10T12:00:00Z', 2500]], '2027-06-01');

	it('keeps the level N months after the last day it was reached, then steps down one level per N months', () => {
		const t = spend(6);
		expect(level(s, t, '2026-01-09')).toBe('platinum value');
		expect(level(s, t, '2026-01-10')).toBe('platinum retention');
		// 6 months ending 8 July 2026 start on 9 January: still kept.
		expect(level(s, t, '2026-07-08')).toBe('platinum retention');
		// From 9 July down one level only, although the value (0) is Standard.
		expect(level(s, t, '2026-07-09')).toBe('gold retention');
		expect(level(s, t, '2027-01-08')).toBe('gold retention');
		expect(level(s, t, '2027-01-09')).toBe('standard value');
		// Without retention the customer drops at once.
		expect(level(s, spend(0), '2026-01-10')).toBe('standard value');
	});

	it('the value wins when it is higher than the retained level, and a new high restarts the period', () => {
		const again = statsOf([['2025-01-10T12:00:00Z', 2500], ['2026-08-01T12:00:00Z', 900]], '2027-06-01');
		// Platinum's 6 months are over; Gold is both kept and earned again: by value.
		expect(level(again, spend(6), '2026-08-01')).toBe('gold value');
		const higher = statsOf([['2025-01-10T12:00:00Z', 2500], ['2026-08-01T12:00:00Z', 2100]], '2027-06-01');
		expect(level(higher, spend(6), '2026-08-01')).toBe('platinum value');
		// Reached again on 1 August 2026, Platinum by value through 31 July 2027, kept through 30 January 2028.
		expect(level(higher, spend(6), '2027-07-31')).toBe('platinum value');
		expect(level(higher, spend(6), '2027-08-01')).toBe('platinum retention');
		expect(level(higher, spend(6), '2028-01-30')).toBe('platinum retention');
		expect(level(higher, spend(6), '2028-01-31')).toBe('gold retention');
	});

	it('steps down to no level when the lowest level is left', () => {
		const t: TierConfig = { ...spend(3), levels: [
			{ id: 'silver', name: 'Silver', min: 100, max: 500, vip: false },
			{ id: 'gold', name: 'Gold', min: 500, max: null, vip: true }
		] };
		// Gold until 9 January 2026, kept 3 months (to 8 April), Silver 3 more months (to 8 July), then none.
		expect(level(s, t, '2026-04-08')).toBe('gold retention');
		expect(level(s, t, '2026-04-09')).toBe('silver retention');
		expect(level(s, t, '2026-07-08')).toBe('silver retention');
		expect(level(s, t, '2026-07-09')).toBe('null null');
	});

	it('works with calendar-year windows, which reset on 1 January', () => {
		const nov = statsOf([['2025-11-01T12:00:00Z', 2500]], '2026-12-01');
		const t = spend(3, { kind: 'calendarYear' });
		expect(level(nov, t, '2025-12-31')).toBe('platinum value');
		expect(level(nov, t, '2026-01-01')).toBe('platinum retention');
		// Last Platinum day 31 December: kept through the 3 months that start on 1 January.
		expect(level(nov, t, '2026-03-30')).toBe('platinum retention');
		expect(level(nov, t, '2026-03-31')).toBe('gold retention');
		expect(level(nov, t, '2026-06-30')).toBe('gold retention');
		expect(level(nov, t, '2026-07-01')).toBe('standard value');
	});
});

describe('tierLevel with a staff-set level', () => {
	const o: LevelOverride = { levelId: 'platinum', reason: 'Brand ambassador', until: '2026-06-30', by: 'Sam', at: '2026-06-01T10:00:00Z' };
	const s = statsOf([['2026-06-01T12:00:00Z', 600]]);

	it('wins until its end day inclusive, then the computed level applies', () => {
		expect(level(s, spend(), '2026-06-15', o)).toBe('platinum override');
		expect(level(s, spend(), '2026-06-30', o)).toBe('platinum override');
		expect(level(s, spend(), '2026-07-01', o)).toBe('gold value');
		// Also downwards.
		expect(level(s, spend(), '2026-06-15', { ...o, levelId: 'standard' })).toBe('standard override');
	});

	it('is ignored when its level no longer exists', () => {
		expect(level(s, spend(), '2026-06-15', { ...o, levelId: 'diamond' })).toBe('gold value');
	});
});

describe('retention computed from change days equals the definition checked day by day (property)', () => {
	it('for random histories, windows, retention periods and days', () => {
		const rng = new Rng(2026);
		const windows: TierConfig['window'][] = [
			{ kind: 'rollingMonths', months: 12 }, { kind: 'rollingMonths', months: 1 }, { kind: 'rollingMonths', months: 3 },
			{ kind: 'calendarYear' }, { kind: 'allTime' }, { kind: 'since', date: '2025-03-01' }
		];
		for (let run = 0; run < 300; run++) {
			const sales: [string, number][] = [];
			for (let n = rng.int(1, 6); n > 0; n--) {
				const day = addDays('2024-06-01', rng.int(0, 900));
				// Some refunds: the value can go down as well as up.
				sales.push([`${day}T12:00:00Z`, rng.chance(0.2) ? -rng.int(100, 900) : rng.int(100, 2500)]);
			}
			const today = addDays('2025-01-01', rng.int(0, 700));
			const s = statsOf(sales, today);
			const t = spend(rng.pick([1, 2, 3, 6, 12]), rng.pick(windows));
			const levels = sortedLevels(t);
			// The definition, literally: max over j of (highest level on any day of the (j+1)·N months) − j.
			let want = -1;
			for (let j = 0; j < levels.length; j++) {
				for (let d = monthsStart(today, (j + 1) * t.retentionMonths); d <= today; d = addDays(d, 1)) {
					const idx = levelIndex(levels, tierValue(s, t, d));
					if (idx !== -1) want = Math.max(want, idx - j);
				}
			}
			expect(retainedIndex(s, t, levels, today), `run ${run}: ${JSON.stringify({ sales, today, t })}`).toBe(want);
			// tierLevel (which skips the scan when the next level was out of reach) agrees.
			const byValue = levelIndex(levels, tierValue(s, t, today));
			const held = Math.max(byValue, want);
			expect(tierLevel(s, t, { today }).levelId, `run ${run}`).toBe(held === -1 ? null : levels[held].id);
		}
	});
});
