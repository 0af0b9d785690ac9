import { describe, expect, it } from 'vitest';
import { benefit, GOLD_TIERS, group, tiers } from '$lib/domain/benefits/factories';
import type { Overlap } from '$lib/domain/benefits/overlaps';
import type { EffectivePerks } from '$lib/domain/benefits/types';
import { rfmGroup, tieredGroup } from '$lib/domain/groups/factories';
import { benefitRows, benefitWords, entryWords, overlapWords, perkWords, targetsOf } from './benefit-words';

const ctx = { currency: 'GBP', itemName: (id: string) => ({ mug: 'Mug' })[id] };

describe('benefitWords', () => {
	it('says each kind in plain words', () => {
		expect(benefitWords({ kind: 'discount', pct: 7 }, ctx)).toBe('7 % off');
		expect(benefitWords({ kind: 'discount', pct: 12.5 }, ctx)).toBe('12.5 % off');
		const entry = { match: { kind: 'item' as const, itemId: 'mug' }, price: { kind: 'fixed' as const, amount: 800 } };
		expect(benefitWords({ kind: 'priceBook', name: 'Staff prices', entries: Array(12).fill(entry) }, ctx)).toBe('price book “Staff prices”: 12 entries');
		expect(benefitWords({ kind: 'priceBook', name: 'One', entries: [entry] }, ctx)).toBe('price book “One”: 1 entry');
		expect(benefitWords({ kind: 'pointsMultiplier', factor: 1.5 }, ctx)).toBe('earns 1.5× points');
		expect(benefitWords({ kind: 'redemptionLimit', points: 500, period: 'week' }, ctx)).toBe('may redeem 500 points a week');
		expect(benefitWords({ kind: 'redemptionLimit', points: 1200, period: 'month' }, ctx)).toBe('may redeem 1,200 points a month');
		expect(benefitWords({ kind: 'loyalty', enabled: false }, ctx)).toBe('loyalty off (earns and redeems no points)');
		expect(benefitWords({ kind: 'appAccess', categories: ['Coffee', 'Tea'] }, ctx)).toBe('app access: Coffee, Tea');
		expect(benefitWords({ kind: 'vip' }, ctx)).toBe('VIP');
	});

	it('says price book entries with money in the shop currency', () => {
		expect(entryWords({ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 850 } }, ctx)).toBe('Mug: £8.50');
		expect(entryWords({ match: { kind: 'brand', brand: 'Acme' }, price: { kind: 'pctOff', pct: 10 } }, ctx)).toBe('brand Acme: 10 % off');
		expect(entryWords({ match: { kind: 'category', category: 'Tea' }, price: { kind: 'amountOff', amount: 50 } }, ctx)).toBe('category Tea: £0.50 off each');
		expect(entryWords({ match: { kind: 'item', itemId: 'gone' }, price: { kind: 'fixed', amount: 100 } }, { ...ctx, currency: 'EUR' })).toBe('unknown item gone: €1.00');
	});
});

describe('targetsOf', () => {
	it('offers the whole group then each level or segment', () => {
		expect(targetsOf(tiers()).map((t) => [t.key, t.label])).toEqual([
			['club', 'Whole group'],
			['club/standard', 'Standard'],
			['club/gold', 'Gold'],
			['club/platinum', 'Platinum']
		]);
		const rfm = targetsOf(rfmGroup());
		expect(rfm[0].key).toBe('rfm');
		expect(rfm.some((t) => t.key === 'rfm/champions' && t.label === 'Champions')).toBe(true);
		expect(targetsOf(group('news', '2026-01-01T00:00:00Z'))).toHaveLength(1);
	});
});

describe('benefitRows', () => {
	it('lists settings-implied, stored and newer-version benefits under their targets', () => {
		const g = { ...tieredGroup('club', { ...GOLD_TIERS, levels: GOLD_TIERS.levels.map((l) => (l.id === 'platinum' ? { ...l, vip: true } : l)) }, 'Club'), discountPct: 5 };
		const stored = [
			{ id: 'b-vip', value: benefit('club/gold', { kind: 'vip' }, 'b-vip'), needsUpdate: false },
			{ id: 'b-disc', value: benefit('club/gold', { kind: 'discount', pct: 7 }, 'b-disc'), needsUpdate: false },
			{ id: 'b-new', value: null, needsUpdate: true, target: 'club/gold' },
			{ id: 'b-old', value: benefit('club/bronze', { kind: 'vip' }, 'b-old'), needsUpdate: false }
		];
		const rows = benefitRows(g, stored, ctx);
		expect(rows.map((r) => r.target.key)).toEqual(['club', 'club/standard', 'club/gold', 'club/platinum', 'club/bronze']);
		expect(rows[0].rows).toEqual([{ id: 'group:club:discount', source: 'settings', benefit: expect.objectContaining({ pct: 5 }), words: '5 % off' }]);
		expect(rows[1].rows).toEqual([]);
		expect(rows[2].rows.map((r) => [r.id, r.source, r.words])).toEqual([
			['b-disc', 'stored', '7 % off'],
			['b-vip', 'stored', 'VIP'],
			['b-new', 'needs-update', 'A benefit from a newer version of the app: needs an update']
		]);
		expect(rows[3].rows.map((r) => [r.source, r.words])).toEqual([['settings', 'VIP']]);
		expect(rows[4].target.label).toBe('bronze (removed level)');
	});
});

describe('overlapWords', () => {
	const base = { keys: ['a', 'b'], benefitIds: ['1', '2'], labels: ['Gold −7 %', 'Staff −10 %'], what: 'discount' };
	it('names the overlap and the predicted winner with the reason', () => {
		const o: Overlap = { ...base, kind: 'groups-conflict', winner: { kind: 'one', benefitId: '2', label: 'Staff −10 %', why: 'best price for the customer' } };
		expect(overlapWords(o)).toEqual({
			title: 'A customer in both groups gets two prices for discount: Gold −7 % and Staff −10 %',
			winner: 'Staff −10 % would win: best price for the customer'
		});
		expect(overlapWords({ ...o, kind: 'two-discounts' }).title).toBe('Two discounts on one group or level: Gold −7 % and Staff −10 %');
		expect(overlapWords({ ...o, winner: { kind: 'stack', order: ['Gold −7 %', 'Staff −10 %'] } }).winner).toBe('Both apply, stacked in this order: Gold −7 %, then Staff −10 %');
		expect(overlapWords({ ...o, winner: { kind: 'depends', why: 'x' } }).winner).toBe('Which wins depends on the item: x');
	});
});

describe('perkWords', () => {
	const perks: EffectivePerks = {
		loyaltyEnabled: true,
		loyaltyOffBy: null,
		pointsMultiplier: 1.5,
		multiplierFrom: 'Gold',
		limits: [{ points: 500, period: 'week', label: 'Gold' }],
		vip: true,
		appAccessCategories: ['Tea']
	};
	it('lists multiplier, limits, VIP and app access', () => {
		expect(perkWords(perks)).toEqual(['Earns 1.5× points (Gold)', 'May redeem 500 points a week (Gold)', 'VIP', 'App access: Tea']);
	});
	it('adds what is left of each limit this period', () => {
		const a = { limit: perks.limits[0], used: 180, remaining: 320, bounds: { firstDay: '2026-11-30', nextDay: '2026-12-07', start: 0, end: 0 } };
		expect(perkWords(perks, [a])[1]).toBe('May redeem 500 points a week (Gold): 320 left this week, until 7 Dec 2026');
	});
	it('says loyalty is off and who switched it off', () => {
		expect(perkWords({ ...perks, loyaltyEnabled: false, loyaltyOffBy: 'Staff', limits: [], vip: false, appAccessCategories: [] })).toEqual([
			'Loyalty off (Staff): earns and redeems no points'
		]);
	});
});
