import { describe, expect, it } from 'vitest';
import type { EvalContext } from './facts';
import { automaticGroup, block, makeFacts, makeSale, manualGroup, rfmGroup, rule, tieredGroup } from './factories';
import { compileGroups, dateDependentGroups, explain, membershipKeys, reevaluateKeys, withDependants } from './evaluate';
import { rfmThresholds } from './rfm';
import { SPEND_TIERS_PRESET } from './tiers';
import type { Group } from './types';

const ctx: EvalContext = { today: '2026-06-15', timeZone: 'Europe/London', now: '2026-06-15T12:00:00.000Z' };

const adults = automaticGroup('adults', { kind: 'age', op: 'gte', value: 18 });
const bigSpenders = automaticGroup('big', { kind: 'stat', metric: 'spend', window: { kind: 'all' }, op: 'gte', value: 50000 });
const tiers = tieredGroup('tiers', SPEND_TIERS_PRESET());
// Defined before what it depends on: order must come from the references, not the list.
const vipGold = automaticGroup('a-vip-gold', rule({ kind: 'memberOf', groupId: 'vip', levelId: null }, { kind: 'memberOf', groupId: 'tiers', levelId: 'gold' }));
const adultNotBig = automaticGroup('a-adult-not-big', rule({ kind: 'memberOf', groupId: 'adults', levelId: null }, block('none', { kind: 'memberOf', groupId: 'big', levelId: null })));

describe('compileGroups', () => {
	it('orders groups after the groups their rules refer to', () => {
		const c = compileGroups([vipGold, adultNotBig, tiers, manualGroup('vip'), adults, bigSpenders], ctx);
		const pos = (id: string) => c.order.findIndex((g) => g.id === id);
		expect(pos('a-adult-not-big')).toBeGreaterThan(pos('adults'));
		expect(pos('a-adult-not-big')).toBeGreaterThan(pos('big'));
		expect(pos('a-vip-gold')).toBeGreaterThan(pos('tiers'));
		expect(c.skipped).toEqual([]);
	});

	it('skips cycles, rules of a newer version and whatever depends on them, and lists them', () => {
		const x = automaticGroup('x', { kind: 'memberOf', groupId: 'y', levelId: null });
		const y = automaticGroup('y', { kind: 'memberOf', groupId: 'x', levelId: null });
		const self = automaticGroup('self', rule({ kind: 'hasCard', value: true }, { kind: 'memberOf', groupId: 'self', levelId: null }));
		const onX = automaticGroup('on-x', { kind: 'memberOf', groupId: 'x', levelId: null });
		const newer = { ...automaticGroup('newer', { kind: 'hasCard', value: true }), rule: { version: 2, root: { kind: 'block', op: 'all', children: [] } } } as Group;
		const onNewer = automaticGroup('on-newer', { kind: 'memberOf', groupId: 'newer', levelId: null });
		const broken = { ...automaticGroup('broken', { kind: 'hasCard', value: true }), rule: { version: 1, root: { kind: 'nonsense' } } } as unknown as Group;
		const c = compileGroups([x, y, self, onX, newer, onNewer, broken, adults], ctx);
		expect(c.skipped).toEqual([
			{ groupId: 'broken', reason: 'invalid' },
			{ groupId: 'newer', reason: 'needs-update' },
			{ groupId: 'on-newer', reason: 'dependency' },
			{ groupId: 'on-x', reason: 'dependency' },
			{ groupId: 'self', reason: 'cycle' },
			{ groupId: 'x', reason: 'cycle' },
			{ groupId: 'y', reason: 'cycle' }
		]);
		expect(c.order.map((g) => g.id)).toEqual(['adults']);
		expect(membershipKeys(c, makeFacts({ cards: ['CARD0001'] }), null)).toEqual(['adults']);
	});
});

describe('membershipKeys', () => {
	const groups = [vipGold, adultNotBig, tiers, manualGroup('vip'), manualGroup('staff'), adults, bigSpenders, rfmGroup(true)];

	it('lists manual, automatic, tier and RFM keys, sorted; deleted groups’ manual memberships are ignored', () => {
		const c = compileGroups(groups, ctx);
		const sales = [makeSale('a', 'c1', '2026-05-01T12:00:00Z', 60000), makeSale('b', 'c1', '2026-05-02T12:00:00Z', 1000)];
		const f = makeFacts({ birthDate: '1990-01-01' }, sales, ctx.today, ctx.timeZone, {
			manual: ['deleted-group', 'vip']
		});
		// Four customers who bought less, less often and longer ago: this one scores 5, 5, 5.
		const others = [1, 2, 3, 4].map((i) => makeFacts({ id: `o${i}` }, [makeSale(`o${i}`, `o${i}`, `2026-0${i}-01T12:00:00Z`, 1000 * i)]));
		const th = rfmThresholds([f, ...others], ctx.today);
		expect(membershipKeys(c, f, th)).toEqual(['a-vip-gold', 'adults', 'big', 'rfm', 'rfm/champions', 'tiers', 'tiers/gold', 'vip']);
		// Without thresholds (RFM never computed yet) there is no RFM key; "All customers" is never listed.
		expect(membershipKeys(c, f, null)).toEqual(['a-vip-gold', 'adults', 'big', 'tiers', 'tiers/gold', 'vip']);
	});

	it('a customer without sales: Standard tier (spend 0), adult, not big, no RFM', () => {
		const c = compileGroups(groups, ctx);
		const f = makeFacts({ birthDate: '1990-01-01' });
		expect(membershipKeys(c, f, rfmThresholds([f], ctx.today))).toEqual(['a-adult-not-big', 'adults', 'tiers', 'tiers/standard']);
	});

	it('RFM switched off gives no RFM keys', () => {
		const c = compileGroups([rfmGroup(false)], ctx);
		const f = makeFacts({}, [makeSale('a', 'c1', '2026-05-01T12:00:00Z', 60000)]);
		expect(membershipKeys(c, f, rfmThresholds([f], ctx.today))).toEqual([]);
	});

	it('a staff-set level wins until its end day', () => {
		const c = compileGroups([tiers], ctx);
		const override = { levelId: 'platinum', reason: 'Press', until: '2026-06-15', by: 'Sam', at: '2026-06-01T10:00:00Z' };
		const f = makeFacts({}, [], ctx.today, ctx.timeZone, { overrides: { tiers: override } });
		expect(membershipKeys(c, f, null)).toEqual(['tiers', 'tiers/platinum']);
		const tomorrow = compileGroups([tiers], { ...ctx, today: '2026-06-16' });
		expect(membershipKeys(tomorrow, f, null)).toEqual(['tiers', 'tiers/standard']);
	});
});

describe('partial re-evaluation', () => {
	const groups = [vipGold, adultNotBig, tiers, manualGroup('vip'), adults, bigSpenders, automaticGroup('card', { kind: 'hasCard', value: true })];

	it('lists date-dependent groups with their dependants, in evaluation order', () => {
		const c = compileGroups(groups, ctx);
		expect(dateDependentGroups(c)).toEqual(['tiers', 'a-vip-gold', 'adults', 'a-adult-not-big']);
		expect([...withDependants(c, ['big'])].sort()).toEqual(['a-adult-not-big', 'big']);
	});

	it('re-evaluating the date-dependent groups on a new day equals a full evaluation', () => {
		const f = makeFacts({ birthDate: '2008-06-16', cards: ['CARD0001'] });
		const before = membershipKeys(compileGroups(groups, ctx), f, null);
		expect(before).toEqual(['card', 'tiers', 'tiers/standard']);
		const next = compileGroups(groups, { ...ctx, today: '2026-06-16' });
		const partial = reevaluateKeys(next, f, null, before, new Set(dateDependentGroups(next)));
		expect(partial).toEqual(['a-adult-not-big', 'adults', 'card', 'tiers', 'tiers/standard']);
		expect(partial).toEqual(membershipKeys(next, f, null));
	});
});

describe('explain', () => {
	it('explains an automatic group condition by condition and a tier with the gap to the next level', () => {
		const c = compileGroups([bigSpenders, tiers], ctx);
		const f = makeFacts({}, [makeSale('a', 'c1', '2026-05-01T12:00:00Z', 41200)]);
		const e = explain(c, f, 'big', null);
		expect(e.holds).toBe(false);
		expect(e.checks.map((x) => [x.path, x.actual, x.gap])).toEqual([['0', 41200, 8800]]);
		expect(explain(c, f, 'tiers', null)).toEqual({
			groupId: 'tiers',
			holds: true,
			checks: [],
			tier: { value: 41200, levelByValue: 'standard', levelHeld: 'standard', heldBecause: 'value', next: { levelId: 'gold', gap: 8800 } }
		});
	});
});
