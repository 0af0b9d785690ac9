import { describe, expect, it } from 'vitest';
import { benefit, group, item, line, pricing, tiers } from './factories';
import { findOverlaps, overlapsOf } from './overlaps';
import { priceWithBenefits } from './price';
import { BENEFIT_SCHEMA_VERSION, type BenefitPolicy } from './types';
import { catalogueOf } from './validate';

const staff = group('staff', '2025-01-01T00:00:00.000Z');
const trade = group('trade', '2025-06-01T00:00:00.000Z');
const friends = group('friends', '2026-01-01T00:00:00.000Z');
const club = tiers();
const GROUPS = [staff, trade, friends, club];
const CAT = catalogueOf([item('mug', 1000), item('tea', 450, { brand: 'Leaf', category: 'Tea' })]);
const P = (kind: BenefitPolicy['kind'], order: string[] = []): BenefitPolicy =>
	(kind === 'priority' ? { version: BENEFIT_SCHEMA_VERSION, kind, order } : { version: BENEFIT_SCHEMA_VERSION, kind }) as BenefitPolicy;

describe('overlaps within one group or level', () => {
	it('two discounts on one level: the higher is used', () => {
		const bs = [benefit('club/gold', { kind: 'discount', pct: 7 }, 'a'), benefit('club/gold', { kind: 'discount', pct: 9 }, 'b')];
		const [o, ...rest] = findOverlaps(bs, GROUPS, P('best-price'));
		expect(rest).toEqual([]);
		expect(o).toMatchObject({ kind: 'two-discounts', keys: ['club/gold'], benefitIds: ['a', 'b'], what: 'discount' });
		expect(o.winner).toMatchObject({ kind: 'one', benefitId: 'b', label: 'Gold −9 %' });
	});

	it('a stored discount beside the group’s own discount field', () => {
		const o = findOverlaps([benefit('staff', { kind: 'discount', pct: 10 }, 'x')], [{ ...staff, discountPct: 15 }], P('best-price'));
		expect(o.map((x) => [x.kind, x.benefitIds])).toEqual([['two-discounts', ['group:staff:discount', 'x']]]);
	});

	it('two price books with the same item: the lower price, with real prices when kinds differ', () => {
		const bs = [
			benefit('trade', { kind: 'priceBook', name: 'A', entries: [{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 800 } }] }, 'pa'),
			benefit('trade', { kind: 'priceBook', name: 'B', entries: [{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'pctOff', pct: 25 } }] }, 'pb')
		];
		const [o] = findOverlaps(bs, GROUPS, P('best-price'), { catalogue: CAT });
		expect(o).toMatchObject({ kind: 'same-price-book-entry', what: 'item Mug', benefitIds: ['pa', 'pb'] });
		expect(o.winner).toMatchObject({ kind: 'one', benefitId: 'pb' }); // 25 % of 10.00 = 7.50 < 8.00
		const [unknownPrice] = findOverlaps(bs, GROUPS, P('best-price'));
		expect(unknownPrice.winner.kind).toBe('depends');
	});
});

describe('overlaps between groups, under each policy', () => {
	const bs = [benefit('staff', { kind: 'discount', pct: 10 }, 's'), benefit('friends', { kind: 'discount', pct: 15 }, 'f')];

	it.each([
		['best-price', [], 'f', 'best price for the customer'],
		['priority', ['staff', 'friends'], 's', 'Staff comes first in the priority order'],
		['newest-group', [], 'f', 'Friends is the more recently created group']
	] as const)('%s', (kind, order, winner, why) => {
		const [o, ...rest] = findOverlaps(bs, GROUPS, P(kind, [...order]));
		expect(rest).toEqual([]);
		expect(o).toMatchObject({ kind: 'groups-conflict', keys: ['friends', 'staff'], what: 'discount' });
		expect(o.winner).toEqual({ kind: 'one', benefitId: winner, label: winner === 's' ? 'Staff −10 %' : 'Friends −15 %', why });
	});

	it('stack: both, in the tie-break order', () => {
		const [o] = findOverlaps(bs, GROUPS, P('stack'));
		expect(o.winner).toEqual({ kind: 'stack', order: ['Staff −10 %', 'Friends −15 %'] });
	});

	it('equal discounts are no conflict, except when they stack', () => {
		const equal = [benefit('staff', { kind: 'discount', pct: 10 }), benefit('friends', { kind: 'discount', pct: 10 })];
		expect(findOverlaps(equal, GROUPS, P('best-price'))).toEqual([]);
		expect(findOverlaps(equal, GROUPS, P('stack'))).toHaveLength(1);
	});

	it('levels of one tier group never overlap each other (a customer holds one level)', () => {
		const levels = [benefit('club/gold', { kind: 'discount', pct: 7 }), benefit('club/platinum', { kind: 'discount', pct: 10 }), benefit('club', { kind: 'discount', pct: 3 })];
		expect(findOverlaps(levels, GROUPS, P('best-price'))).toEqual([]);
	});

	it('groups known never to share a customer are left out', () => {
		expect(findOverlaps(bs, GROUPS, P('best-price'), { canBeTogether: () => false })).toEqual([]);
	});

	it('overlapsOf picks the ones a benefit being saved takes part in', () => {
		const more = [...bs, benefit('trade', { kind: 'discount', pct: 12 }, 't')];
		const all = findOverlaps(more, GROUPS, P('best-price'));
		expect(all).toHaveLength(3);
		expect(overlapsOf('t', all).map((o) => o.keys)).toEqual([['friends', 'trade'], ['staff', 'trade']]);
	});

	it('the predicted winner is the one the till picks', () => {
		for (const policy of [P('best-price'), P('priority', ['staff', 'friends']), P('newest-group')]) {
			const [o] = findOverlaps(bs, GROUPS, policy);
			const till = priceWithBenefits(pricing({ lines: [line(item('mug', 1000))], customer: { keys: ['staff', 'friends'] }, groups: GROUPS, benefits: bs, policy }));
			expect(o.winner.kind === 'one' && o.winner.benefitId, policy.kind).toBe(till.lines[0].winners[0].benefitId);
		}
	});
});
