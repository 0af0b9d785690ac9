import { describe, expect, it } from 'vitest';
import { addDays, ageOn, monthsStart } from '../dates';
import { matchesFilter, toListRow, withStats, type CustomerFilter } from '../list';
import { Rng } from '../random';
import { computeStats, windowStart } from '../sales/stats';
import type { CustomerFacts, EvalContext } from './facts';
import { factsOf } from './facts';
import { automaticGroup, block, makeCustomer, makeFacts, makeLine, makeSale, manualGroup, rule, tieredGroup } from './factories';
import {
	compileRule,
	explainRule,
	filterToRule,
	isDateDependent,
	readRule,
	validateRule,
	windowFrom,
	type MemberOf
} from './rules';
import { SPEND_TIERS_PRESET } from './tiers';
import type { Condition, Group, StoredRule } from './types';

const TZ = 'Europe/London';
const ctxOn = (today: string, timeZone = TZ): EvalContext => ({ today, timeZone, now: `${today}T12:00:00.000Z` });
const nobody: MemberOf = () => false;

function holds(c: Condition, f: CustomerFacts, today = '2026-06-15', memberOf: MemberOf = nobody, timeZone = TZ): boolean {
	return compileRule(rule(c), ctxOn(today, timeZone))(f, memberOf);
}

describe('age', () => {
	const born = (birthDate: string) => makeFacts({ birthDate });

	it('counts the birthday itself: a customer turning 35 today is 35', () => {
		const f = born('1991-06-15');
		expect(holds({ kind: 'age', op: 'gte', value: 35 }, f, '2026-06-15')).toBe(true);
		expect(holds({ kind: 'age', op: 'gte', value: 35 }, f, '2026-06-14')).toBe(false);
		expect(holds({ kind: 'age', op: 'eq', value: 35 }, f, '2026-06-15')).toBe(true);
	});

	it('enters 35–49 on the 35th birthday and leaves it on the 50th', () => {
		const range: Condition = { kind: 'age', op: 'between', value: 35, max: 49 };
		expect(holds(range, born('1991-06-15'), '2026-06-14')).toBe(false);
		expect(holds(range, born('1991-06-15'), '2026-06-15')).toBe(true);
		expect(holds(range, born('1976-06-15'), '2026-06-14')).toBe(true);
		expect(holds(range, born('1976-06-15'), '2026-06-15')).toBe(false);
	});

	it('agrees with ageOn for every operator, including 29 February birthdays (older on 1 March)', () => {
		const births = ['2000-02-29', '1991-06-15', '1990-12-31', '1991-01-01', '2026-06-16', ''];
		const days = ['2025-02-27', '2025-02-28', '2025-03-01', '2024-02-28', '2024-02-29', '2026-06-15', '2026-12-31', '2027-01-01'];
		const ops: Condition[] = [];
		for (const value of [0, 24, 25, 26, 35]) {
			for (const op of ['gte', 'gt', 'lte', 'lt', 'eq'] as const) ops.push({ kind: 'age', op, value });
			ops.push({ kind: 'age', op: 'between', value, max: value + 1 });
		}
		for (const b of births) {
			for (const d of days) {
				const age = ageOn(b, d);
				for (const c of ops) {
					if (c.kind !== 'age') continue;
					const want =
						age !== null &&
						{ gte: age >= c.value, gt: age > c.value, lte: age <= c.value, lt: age < c.value, eq: age === c.value,
							between: age >= c.value && age <= (c.max ?? 0) }[c.op];
					expect(holds(c, born(b), d), `${b} on ${d}: age ${c.op} ${c.value}`).toBe(want);
				}
			}
		}
		// Spelled out: born 29 Feb 2000, on 28 Feb 2025 still 24, on 1 March 25.
		expect(holds({ kind: 'age', op: 'gte', value: 25 }, born('2000-02-29'), '2025-02-28')).toBe(false);
		expect(holds({ kind: 'age', op: 'gte', value: 25 }, born('2000-02-29'), '2025-03-01')).toBe(true);
	});

	it('never matches a customer without a date of birth', () => {
		expect(holds({ kind: 'age', op: 'lte', value: 150 }, born(''))).toBe(false);
	});
});

describe('birthdays', () => {
	const born = (birthDate: string) => makeFacts({ birthDate });

	it('birthdayMonth matches the month of birth', () => {
		expect(holds({ kind: 'birthdayMonth', months: [6, 7] }, born('1991-06-15'))).toBe(true);
		expect(holds({ kind: 'birthdayMonth', months: [1, 12] }, born('1991-06-15'))).toBe(false);
		expect(holds({ kind: 'birthdayMonth', months: [6] }, born(''))).toBe(false);
	});

	it('birthdayWithin: 0 is today; N days are today and the N next days', () => {
		expect(holds({ kind: 'birthdayWithin', days: 0 }, born('1991-06-15'), '2026-06-15')).toBe(true);
		expect(holds({ kind: 'birthdayWithin', days: 0 }, born('1991-06-16'), '2026-06-15')).toBe(false);
		expect(holds({ kind: 'birthdayWithin', days: 7 }, born('1991-06-22'), '2026-06-15')).toBe(true);
		expect(holds({ kind: 'birthdayWithin', days: 7 }, born('1991-06-23'), '2026-06-15')).toBe(false);
		// Yesterday's birthday is 364 days away.
		expect(holds({ kind: 'birthdayWithin', days: 7 }, born('1991-06-14'), '2026-06-15')).toBe(false);
	});

	it('birthdayWithin crosses the year end', () => {
		const within3 = { kind: 'birthdayWithin', days: 3 } as const;
		for (const b of ['1980-12-31', '1980-01-01', '1980-01-02', '1980-01-03']) expect(holds(within3, born(b), '2026-12-31'), b).toBe(true);
		expect(holds(within3, born('1980-01-04'), '2026-12-31')).toBe(false);
		expect(holds(within3, born('1980-01-02'), '2026-12-30')).toBe(true);
		expect(holds(within3, born('1980-01-03'), '2026-12-30')).toBe(false);
		expect(holds(within3, born('1980-12-29'), '2026-12-30')).toBe(false);
	});

	it('counts 29 February birthdays on 28 February in other years', () => {
		const leapling = born('2000-02-29');
		const today = { kind: 'birthdayWithin', days: 0 } as const;
		expect(holds(today, leapling, '2027-02-28')).toBe(true);
		expect(holds(today, leapling, '2027-03-01')).toBe(false);
		expect(holds(today, leapling, '2028-02-28')).toBe(false);
		expect(holds(today, leapling, '2028-02-29')).toBe(true);
		expect(holds({ kind: 'birthdayWithin', days: 2 }, leapling, '2027-02-26')).toBe(true);
		expect(holds({ kind: 'birthdayWithin', days: 1 }, leapling, '2027-02-26')).toBe(false);
	});
});

describe('customer attributes', () => {
	it('gender, store and card', () => {
		const f = makeFacts({ gender: 'male', storeId: 'soho', cards: ['CARD0001'] });
		expect(holds({ kind: 'gender', genders: ['male', 'other'] }, f)).toBe(true);
		expect(holds({ kind: 'gender', genders: ['female'] }, f)).toBe(false);
		expect(holds({ kind: 'store', storeIds: ['soho'] }, f)).toBe(true);
		expect(holds({ kind: 'store', storeIds: ['camden'] }, f)).toBe(false);
		expect(holds({ kind: 'hasCard', value: true }, f)).toBe(true);
		expect(holds({ kind: 'hasCard', value: false }, makeFacts())).toBe(true);
	});

	it('postcode prefix of the default address, folded and without spaces', () => {
		const address = { id: 'a1', label: '', line1: '1 Road', line2: '', city: 'London', region: '', postcode: 'SW1A 1AA', country: 'GB' };
		const f = makeFacts({ addresses: [address], defaultAddressId: 'a1' });
		expect(f.postcode).toBe('sw1a1aa');
		expect(holds({ kind: 'postcodePrefix', prefixes: ['sw1a 1'] }, f)).toBe(true);
		expect(holds({ kind: 'postcodePrefix', prefixes: ['SW19', 'E1'] }, f)).toBe(false);
		expect(holds({ kind: 'postcodePrefix', prefixes: ['SW'] }, makeFacts())).toBe(false);
	});

	it('tags: all or any, compared lower-case', () => {
		const f = makeFacts({ tags: ['vip', 'wholesale'] });
		expect(holds({ kind: 'tags', match: 'all', tags: ['VIP', 'wholesale'] }, f)).toBe(true);
		expect(holds({ kind: 'tags', match: 'all', tags: ['vip', 'staff'] }, f)).toBe(false);
		expect(holds({ kind: 'tags', match: 'any', tags: ['staff', ' Vip '] }, f)).toBe(true);
		expect(holds({ kind: 'tags', match: 'any', tags: ['staff'] }, f)).toBe(false);
	});

	it('consent per channel: granted, or not granted (withdrawn or never asked)', () => {
		const f = makeFacts({
			consents: {
				email: { status: 'granted', date: '2026-01-01T00:00:00Z', source: 'till', recordedBy: 'Sam' },
				sms: { status: 'withdrawn', date: '2026-01-01T00:00:00Z', source: 'till', recordedBy: 'Sam' }
			}
		});
		expect(holds({ kind: 'consent', channel: 'email', granted: true }, f)).toBe(true);
		expect(holds({ kind: 'consent', channel: 'sms', granted: true }, f)).toBe(false);
		expect(holds({ kind: 'consent', channel: 'sms', granted: false }, f)).toBe(true);
		expect(holds({ kind: 'consent', channel: 'post', granted: false }, f)).toBe(true);
	});

	it('registered before / on or after a day in the shop’s zone, fixed or relative', () => {
		// 23:30 UTC on 31 March is 00:30 on 1 April in London (summer time).
		const f = makeFacts({ registeredAt: '2026-03-31T23:30:00.000Z' });
		const onOrAfter = (date: string): Condition => ({ kind: 'registered', op: 'onOrAfter', date: { kind: 'date', date } });
		expect(holds(onOrAfter('2026-04-01'), f)).toBe(true);
		expect(holds(onOrAfter('2026-04-02'), f)).toBe(false);
		expect(holds({ kind: 'registered', op: 'before', date: { kind: 'date', date: '2026-04-01' } }, f)).toBe(false);
		expect(holds(onOrAfter('2026-04-01'), f, '2026-06-15', nobody, 'UTC')).toBe(false);
		// "In the last 30 days" stays relative: true 30 days after, false 31 days after.
		const recent: Condition = { kind: 'registered', op: 'onOrAfter', date: { kind: 'daysAgo', days: 30 } };
		expect(holds(recent, f, '2026-05-01')).toBe(true);
		expect(holds(recent, f, '2026-05-02')).toBe(false);
	});
});

describe('statistics', () => {
	const today = '2026-06-15';

	it('spend of exactly 500.00: gte holds, gt does not', () => {
		const f = makeFacts({}, [makeSale('a', 'c1', '2026-06-01T12:00:00Z', 30000), makeSale('b', 'c1', '2026-06-02T12:00:00Z', 20000)]);
		const at = (op: 'gte' | 'gt' | 'lt' | 'lte' | 'eq'): Condition => ({ kind: 'stat', metric: 'spend', window: { kind: 'months', months: 12 }, op, value: 50000 });
		expect(holds(at('gte'), f, today)).toBe(true);
		expect(holds(at('gt'), f, today)).toBe(false);
		expect(holds(at('lte'), f, today)).toBe(true);
		expect(holds(at('lt'), f, today)).toBe(false);
		expect(holds(at('eq'), f, today)).toBe(true);
	});

	it('a sale at 23:59 and one at 00:01 shop time fall on different days', () => {
		// London in June is UTC+1: 22:59 UTC is 23:59 on the 14th, 23:01 UTC is 00:01 on the 15th.
		const late = makeSale('late', 'c1', '2026-06-14T22:59:00Z', 1000);
		const early = makeSale('early', 'c1', '2026-06-14T23:01:00Z', 2000);
		const f = makeFacts({}, [late, early], today);
		const spendIn = (days: number, value: number): Condition => ({ kind: 'stat', metric: 'spend', window: { kind: 'days', days }, op: 'eq', value });
		expect(holds(spendIn(1, 2000), f, today)).toBe(true);
		expect(holds(spendIn(2, 3000), f, today)).toBe(true);
		// In UTC both are on the 14th: today's window holds neither.
		const utc = makeFacts({}, [late, early], today, 'UTC');
		expect(holds(spendIn(1, 0), utc, today, nobody, 'UTC')).toBe(true);
		// New York (UTC−4): 18:59 and 19:01 on the 14th, one day.
		const ny = makeFacts({}, [late, early], today, 'America/New_York');
		expect(ny.stats!.days.map((d) => d.day)).toEqual(['2026-06-14']);
	});

	it('days windows are today and the N−1 days before', () => {
		const f = makeFacts({}, [makeSale('a', 'c1', '2026-05-17T12:00:00Z', 1000)], today);
		const in30: Condition = { kind: 'stat', metric: 'visits', window: { kind: 'days', days: 30 }, op: 'gte', value: 1 };
		expect(windowFrom({ kind: 'days', days: 30 }, today)).toBe('2026-05-17');
		expect(holds(in30, f, today)).toBe(true);
		expect(holds(in30, f, '2026-06-16')).toBe(false);
	});

	it('months windows start like the statistics’ 12-month window', () => {
		for (let d = '2023-12-25'; d <= '2025-03-05'; d = addDays(d, 1)) expect(monthsStart(d, 12), d).toBe(windowStart(d));
		expect(windowFrom({ kind: 'months', months: 1 }, '2026-03-31')).toBe('2026-03-01');
		expect(windowFrom({ kind: 'months', months: 3 }, '2026-06-15')).toBe('2026-03-16');
		const f = makeFacts({}, [makeSale('a', 'c1', '2026-03-16T12:00:00Z', 1000), makeSale('b', 'c1', '2026-03-15T12:00:00Z', 500)], today);
		expect(holds({ kind: 'stat', metric: 'spend', window: { kind: 'months', months: 3 }, op: 'eq', value: 1000 }, f, today)).toBe(true);
	});

	it('calendar year, since a date, all time; margin, transactions, visits and average basket', () => {
		const sales = [
			makeSale('a', 'c1', '2025-12-31T12:00:00Z', 4000),
			makeSale('b', 'c1', '2026-01-01T12:00:00Z', 1000),
			makeSale('c', 'c1', '2026-01-01T15:00:00Z', 2000),
			makeSale('d', 'c1', '2026-03-01T12:00:00Z', 3000)
		];
		const f = makeFacts({}, sales, today);
		type Stat = Extract<Condition, { kind: 'stat' }>;
		const stat = (metric: Stat['metric'], window: Stat['window'], value: number): Condition =>
			({ kind: 'stat', metric, window, op: 'eq', value });
		const year = { kind: 'calendarYear' } as const;
		expect(holds(stat('spend', year, 6000), f, today)).toBe(true);
		expect(holds(stat('transactions', year, 3), f, today)).toBe(true);
		expect(holds(stat('visits', year, 2), f, today)).toBe(true);
		expect(holds(stat('averageBasket', year, 2000), f, today)).toBe(true);
		expect(holds(stat('grossMargin', year, 3000), f, today)).toBe(true);
		expect(holds(stat('spend', { kind: 'since', date: '2026-01-02' }, 3000), f, today)).toBe(true);
		expect(holds(stat('spend', { kind: 'all' }, 10000), f, today)).toBe(true);
		expect(holds(stat('transactions', { kind: 'all' }, 4), f, today)).toBe(true);
		expect(holds(stat('visits', { kind: 'all' }, 3), f, today)).toBe(true);
		expect(holds(stat('averageBasket', { kind: 'all' }, 2500), f, today)).toBe(true);
	});

	it('a customer who never bought has 0 of everything and no visit', () => {
		const f = makeFacts();
		expect(holds({ kind: 'stat', metric: 'spend', window: { kind: 'all' }, op: 'lt', value: 100 }, f)).toBe(true);
		expect(holds({ kind: 'pointsBalance', op: 'eq', value: 0 }, f)).toBe(true);
		expect(holds({ kind: 'daysSinceLastVisit', op: 'gte', value: 0 }, f)).toBe(false);
		expect(holds({ kind: 'firstVisit', op: 'before', date: { kind: 'date', date: '2100-01-01' } }, f)).toBe(false);
		expect(holds({ kind: 'bought', what: 'brand', values: ['Potters'], days: null }, f)).toBe(false);
	});

	it('points balance', () => {
		const f = makeFacts({}, [makeSale('a', 'c1', '2026-06-01T12:00:00Z', 1000, { pointsEarned: 120 })]);
		expect(holds({ kind: 'pointsBalance', op: 'gte', value: 120 }, f)).toBe(true);
		expect(holds({ kind: 'pointsBalance', op: 'gt', value: 120 }, f)).toBe(false);
	});

	it('days since the last visit, by shop-zone day; refunds are not visits', () => {
		const sale = makeSale('a', 'c1', '2026-05-16T22:30:00Z', 1000); // 23:30 on 16 May in London
		const refund = makeSale('r', 'c1', '2026-06-10T10:00:00Z', 0, { lines: [makeLine({ qty: -1 })], refundOf: 'a' });
		const f = makeFacts({}, [sale, refund], today);
		const since = (op: 'gte' | 'lt' | 'eq', value: number): Condition => ({ kind: 'daysSinceLastVisit', op, value });
		expect(holds(since('eq', 30), f, today)).toBe(true);
		expect(holds(since('gte', 30), f, today)).toBe(true);
		expect(holds(since('gte', 31), f, today)).toBe(false);
		expect(holds(since('lt', 30), f, today)).toBe(false);
		expect(holds({ kind: 'daysSinceLastVisit', op: 'between', value: 20, max: 30 }, f, today)).toBe(true);
	});

	it('first visit before / on or after a day', () => {
		const f = makeFacts({}, [makeSale('a', 'c1', '2026-01-31T23:30:00Z', 1000), makeSale('b', 'c1', '2026-05-01T12:00:00Z', 1000)]);
		expect(holds({ kind: 'firstVisit', op: 'before', date: { kind: 'date', date: '2026-02-01' } }, f)).toBe(true);
		expect(holds({ kind: 'firstVisit', op: 'onOrAfter', date: { kind: 'date', date: '2026-02-01' } }, f)).toBe(false);
		expect(holds({ kind: 'firstVisit', op: 'onOrAfter', date: { kind: 'daysAgo', days: 135 } }, f, today)).toBe(true);
		expect(holds({ kind: 'firstVisit', op: 'onOrAfter', date: { kind: 'daysAgo', days: 134 } }, f, today)).toBe(false);
	});

	it('bought a brand, category or item ever or in the last N days (today and N−1 before)', () => {
		const sale = makeSale('a', 'c1', '2026-05-17T12:00:00Z', 1000, {
			lines: [makeLine({ itemId: 'teapot', brand: 'Hearth', category: 'Kitchen' })]
		});
		const returned = makeSale('r', 'c1', '2026-06-14T12:00:00Z', 0, { lines: [makeLine({ itemId: 'vase', brand: 'Nordic', qty: -1 })] });
		const f = makeFacts({}, [sale, returned], today);
		const bought = (what: 'brand' | 'category' | 'item', values: string[], days: number | null): Condition => ({ kind: 'bought', what, values, days });
		expect(holds(bought('brand', ['Acme', 'Hearth'], null), f)).toBe(true);
		expect(holds(bought('category', ['Kitchen'], 30), f)).toBe(true);
		expect(holds(bought('category', ['Kitchen'], 29), f)).toBe(false);
		expect(holds(bought('item', ['teapot'], 30), f)).toBe(true);
		expect(holds(bought('item', ['vase'], null), f)).toBe(false);
		expect(holds(bought('brand', ['Nordic'], null), f)).toBe(false);
	});
});

describe('groups and blocks', () => {
	it('memberOf a group or one of its levels', () => {
		const memberOf: MemberOf = (k) => k === 'vip' || k === 'tiers' || k === 'tiers/gold';
		const f = makeFacts();
		expect(holds({ kind: 'memberOf', groupId: 'vip', levelId: null }, f, undefined, memberOf)).toBe(true);
		expect(holds({ kind: 'memberOf', groupId: 'tiers', levelId: 'gold' }, f, undefined, memberOf)).toBe(true);
		expect(holds({ kind: 'memberOf', groupId: 'tiers', levelId: 'platinum' }, f, undefined, memberOf)).toBe(false);
		expect(holds({ kind: 'memberOf', groupId: 'other', levelId: null }, f, undefined, memberOf)).toBe(false);
		// Everyone is in "All customers", though it is never a stored key.
		expect(holds({ kind: 'memberOf', groupId: 'all', levelId: null }, f, undefined, nobody)).toBe(true);
	});

	it('all, any and none blocks, nested', () => {
		const f = makeFacts({ gender: 'female', storeId: 'camden', tags: ['vip'] });
		const female: Condition = { kind: 'gender', genders: ['female'] };
		const soho: Condition = { kind: 'store', storeIds: ['soho'] };
		const vip: Condition = { kind: 'tags', match: 'any', tags: ['vip'] };
		const run = (r: StoredRule) => compileRule(r, ctxOn('2026-06-15'))(f, nobody);
		expect(run(rule(female, soho))).toBe(false);
		expect(run(rule(block('any', female, soho)))).toBe(true);
		expect(run(rule(block('none', soho)))).toBe(true);
		expect(run(rule(block('none', soho, vip)))).toBe(false);
		expect(run(rule(female, block('any', soho, block('all', vip, block('none', soho)))))).toBe(true);
		expect(run(rule(female, block('any', soho, block('all', vip, block('none', female)))))).toBe(false);
	});
});

// ---- Validation -----------------------------------------------------------------------------------

describe('validateRule', () => {
	const tiers = tieredGroup('tiers', SPEND_TIERS_PRESET(), 'Spend tiers');
	const groups: Group[] = [manualGroup('vip', 'VIP'), tiers];
	const codes = (r: StoredRule, gs: Group[] = groups, selfId: string | null = null, storeIds?: string[]) =>
		validateRule(r, gs, selfId, { storeIds }).map((e) => `${e.field} ${e.code}`);

	it('accepts a good rule', () => {
		expect(codes(rule({ kind: 'age', op: 'between', value: 18, max: 30 }, { kind: 'memberOf', groupId: 'tiers', levelId: 'gold' }))).toEqual([]);
	});

	it('refuses empty blocks, at their place', () => {
		expect(codes(rule())).toEqual(['rule rule-empty-block']);
		expect(codes(rule({ kind: 'hasCard', value: true }, block('any')))).toEqual(['rule.1 rule-empty-block']);
	});

	it('refuses an unknown condition (from another version’s data)', () => {
		const r = rule({ kind: 'hasCard', value: true }, block('all', { kind: 'loyaltyApp' } as unknown as Condition));
		expect(codes(r)).toEqual(['rule.1.0 rule-unknown-condition']);
		expect(validateRule(r, groups, null)[0].params).toEqual({ kind: 'loyaltyApp' });
	});

	it('refuses missing values and NaN', () => {
		expect(codes(rule({ kind: 'age', op: 'gte' } as unknown as Condition))).toEqual(['rule.0.value rule-value-missing']);
		expect(codes(rule({ kind: 'age', op: 'gte', value: NaN }))).toEqual(['rule.0.value rule-value-missing']);
		expect(codes(rule({ kind: 'pointsBalance', op: 'between', value: 1 }))).toEqual(['rule.0.max rule-value-missing']);
		expect(codes(rule({ kind: 'gender', genders: [] }))).toEqual(['rule.0.genders rule-value-missing']);
		expect(codes(rule({ kind: 'bought', what: 'brand', values: [''], days: null }))).toEqual(['rule.0.values.0 rule-value-missing']);
	});

	it('refuses impossible ranges: min above max, month 13, negative days', () => {
		expect(codes(rule({ kind: 'stat', metric: 'spend', window: { kind: 'all' }, op: 'between', value: 500, max: 100 }))).toEqual([
			'rule.0.max rule-range-impossible'
		]);
		expect(codes(rule({ kind: 'birthdayMonth', months: [3, 13] }))).toEqual(['rule.0.months.1 rule-range-impossible']);
		expect(codes(rule({ kind: 'birthdayMonth', months: [0] }))).toEqual(['rule.0.months.0 rule-range-impossible']);
		expect(codes(rule({ kind: 'birthdayWithin', days: -1 }))).toEqual(['rule.0.days rule-range-impossible']);
		expect(codes(rule({ kind: 'stat', metric: 'spend', window: { kind: 'days', days: -7 }, op: 'gte', value: 1 }))).toEqual([
			'rule.0.window.days rule-range-impossible'
		]);
		expect(codes(rule({ kind: 'stat', metric: 'spend', window: { kind: 'months', months: 13 }, op: 'gte', value: 1 }))).toEqual([
			'rule.0.window.months rule-range-impossible'
		]);
		expect(codes(rule({ kind: 'registered', op: 'before', date: { kind: 'daysAgo', days: -3 } }))).toEqual(['rule.0.date rule-range-impossible']);
		expect(codes(rule({ kind: 'registered', op: 'before', date: { kind: 'date', date: '2026-02-30' } }))).toEqual(['rule.0.date rule-date-invalid']);
		expect(codes(rule({ kind: 'daysSinceLastVisit', op: 'gte', value: -1 }))).toEqual(['rule.0.value rule-range-impossible']);
		expect(codes(rule({ kind: 'bought', what: 'item', values: ['x'], days: 0 }))).toEqual(['rule.0.days rule-range-impossible']);
	});

	it('refuses stores the shop does not have, when told which it has', () => {
		const r = rule({ kind: 'store', storeIds: ['camden', 'paris'] });
		expect(codes(r, groups, null, ['camden', 'soho'])).toEqual(['rule.0.storeIds.1 store-unknown']);
		expect(codes(r)).toEqual([]);
	});

	it('refuses memberOf an unknown group or level', () => {
		expect(codes(rule({ kind: 'memberOf', groupId: 'gone', levelId: null }))).toEqual(['rule.0.groupId rule-unknown-group']);
		expect(codes(rule({ kind: 'memberOf', groupId: 'tiers', levelId: 'diamond' }))).toEqual(['rule.0.levelId rule-unknown-level']);
		expect(codes(rule({ kind: 'memberOf', groupId: 'vip', levelId: 'gold' }))).toEqual(['rule.0.levelId rule-unknown-level']);
	});

	it('refuses a cycle through memberOf, self-reference included, at the offending condition', () => {
		const self = automaticGroup('a', rule({ kind: 'hasCard', value: true }), 'Group A');
		const selfRef = rule({ kind: 'hasCard', value: true }, block('any', { kind: 'gender', genders: ['male'] }, { kind: 'memberOf', groupId: 'a', levelId: null }));
		expect(codes(selfRef, [...groups, self], 'a')).toEqual(['rule.1.1 rule-cycle']);
		// b refers to c, c refers to a: a may not refer to b.
		const b = automaticGroup('b', rule({ kind: 'memberOf', groupId: 'c', levelId: null }), 'Group B');
		const c = automaticGroup('c', rule({ kind: 'memberOf', groupId: 'a', levelId: null }), 'Group C');
		const all = [...groups, self, b, c];
		const e = validateRule(rule({ kind: 'memberOf', groupId: 'b', levelId: null }), all, 'a');
		expect(e.map((x) => `${x.field} ${x.code}`)).toEqual(['rule.0 rule-cycle']);
		expect(e[0].params?.path).toBe('“Group A” → “Group B” → “Group C” → “Group A”');
		// A new group (no id yet) cannot be part of a cycle.
		expect(codes(rule({ kind: 'memberOf', groupId: 'b', levelId: null }), all, null)).toEqual([]);
	});

	it('refuses a rule of a newer version and blocks nested too deep', () => {
		expect(codes({ version: 2, root: { kind: 'block', op: 'all', children: [{ kind: 'hasCard', value: true }] } })).toEqual(['rule rule-needs-update']);
		let deep: StoredRule['root'] = { kind: 'block', op: 'all', children: [{ kind: 'hasCard', value: true }] };
		for (let i = 0; i < 9; i++) deep = { kind: 'block', op: 'all', children: [deep] };
		expect(codes({ version: 1, root: deep })).toEqual(['rule.0.0.0.0.0.0.0.0 rule-too-deep']);
	});
});

describe('compileRule on an unfinished draft (live preview)', () => {
	it('matches nobody instead of throwing', () => {
		const f = makeFacts({ birthDate: '1990-01-01' });
		const drafts = [
			rule(),
			rule({ kind: 'age', op: 'gte' } as unknown as Condition),
			rule({ kind: 'birthdayMonth' } as unknown as Condition),
			rule({ kind: 'stat', metric: 'spend', window: { kind: 'days' }, op: 'gte', value: 1 } as unknown as Condition),
			rule({ kind: 'hasCard', value: false }, block('any')),
			{ version: 1 } as StoredRule,
			null as unknown as StoredRule
		];
		for (const d of drafts) expect(compileRule(d, ctxOn('2026-06-15'))(f, nobody), JSON.stringify(d)).toBe(false);
		// A finished part next to an empty "none" block still counts.
		expect(compileRule(rule({ kind: 'hasCard', value: false }, block('none')), ctxOn('2026-06-15'))(f, nobody)).toBe(false);
		expect(compileRule(rule({ kind: 'hasCard', value: false }), ctxOn('2026-06-15'))(f, nobody)).toBe(true);
	});
});

describe('readRule', () => {
	const good = rule({ kind: 'hasCard', value: true });

	it('reads version 1', () => {
		expect(readRule(JSON.parse(JSON.stringify(good)))).toEqual({ ok: true, rule: good });
	});

	it('refuses a newer version without reading it, however it looks', () => {
		expect(readRule({ ...good, version: 2 })).toEqual({ ok: false, reason: 'newer-version' });
		expect(readRule({ version: 99, root: 'something else entirely' })).toEqual({ ok: false, reason: 'newer-version' });
	});

	it('refuses malformed rules', () => {
		for (const raw of [null, 'rule', [], {}, { version: '1', root: good.root }, { version: 1 }, { version: 1, root: { kind: 'block', op: 'xor', children: [] } },
			rule({ kind: 'age', op: 'gte', value: 'old' } as unknown as Condition), rule({ kind: 'telepathy' } as unknown as Condition), { version: 1.5, root: good.root }]) {
			expect(readRule(raw), JSON.stringify(raw)).toEqual({ ok: false, reason: 'invalid' });
		}
	});

	it('migrates an old version step by step through the migration table, and refuses a version with no way up', () => {
		const v0 = { version: 0, root: { kind: 'block', op: 'all', children: [{ kind: 'card', has: true }] } };
		const migrations = {
			0: (r: Record<string, unknown>) => ({ version: 1, root: { kind: 'block', op: 'all', children: [{ kind: 'hasCard', value: true }] }, was: r.version })
		};
		const read = readRule(v0, migrations);
		expect(read.ok).toBe(true);
		expect(read.ok && read.rule.root).toEqual(good.root);
		expect(readRule(v0)).toEqual({ ok: false, reason: 'invalid' });
		// A build of version 2 with a migration 1 → 2 reads version 1 and still refuses version 3.
		const up = { 1: (r: Record<string, unknown>) => ({ ...r, version: 2 }) };
		expect(readRule(good, up, 2).ok).toBe(true);
		expect(readRule({ ...good, version: 3 }, up, 2)).toEqual({ ok: false, reason: 'newer-version' });
	});
});

describe('explainRule', () => {
	it('shows each condition with the customer’s value and the gap to the threshold', () => {
		const f = makeFacts({ birthDate: '1991-06-15', tags: ['vip'] }, [makeSale('a', 'c1', '2026-05-01T12:00:00Z', 41200)]);
		const r = rule(
			{ kind: 'stat', metric: 'spend', window: { kind: 'months', months: 12 }, op: 'gte', value: 50000 },
			block('any', { kind: 'age', op: 'lt', value: 30 }, { kind: 'tags', match: 'any', tags: ['vip'] }),
			{ kind: 'memberOf', groupId: 'vip', levelId: null }
		);
		const checks = explainRule(r, f, (k) => k === 'vip', ctxOn('2026-06-15'));
		expect(checks.map((c) => [c.path, c.holds, c.actual, c.gap])).toEqual([
			['0', false, 41200, 8800],
			['1.0', false, 35, 6],
			['1.1', true, ['vip'], undefined],
			['2', true, true, undefined]
		]);
	});
});

describe('isDateDependent', () => {
	it('is true for age, birthdays ahead, windows, relative dates and days since', () => {
		const dep = (c: Condition) => isDateDependent(rule(c));
		expect(dep({ kind: 'age', op: 'gte', value: 18 })).toBe(true);
		expect(dep({ kind: 'birthdayWithin', days: 7 })).toBe(true);
		expect(dep({ kind: 'birthdayMonth', months: [1] })).toBe(false);
		expect(dep({ kind: 'stat', metric: 'spend', window: { kind: 'days', days: 90 }, op: 'gte', value: 1 })).toBe(true);
		expect(dep({ kind: 'stat', metric: 'spend', window: { kind: 'all' }, op: 'gte', value: 1 })).toBe(false);
		expect(dep({ kind: 'registered', op: 'before', date: { kind: 'daysAgo', days: 3 } })).toBe(true);
		expect(dep({ kind: 'registered', op: 'before', date: { kind: 'date', date: '2026-01-01' } })).toBe(false);
		expect(dep({ kind: 'daysSinceLastVisit', op: 'gte', value: 3 })).toBe(true);
		expect(dep({ kind: 'bought', what: 'brand', values: ['x'], days: 30 })).toBe(true);
		expect(dep({ kind: 'bought', what: 'brand', values: ['x'], days: null })).toBe(false);
		expect(isDateDependent(rule({ kind: 'hasCard', value: true }, block('none', { kind: 'age', op: 'gte', value: 18 })))).toBe(true);
	});
});

// ---- From a list filter -----------------------------------------------------------------------------

describe('filterToRule', () => {
	const today = '2026-06-15';
	const rng = new Rng(8);
	const population = Array.from({ length: 300 }, (_, i) => {
		const id = `c${i}`;
		const year = rng.int(1940, 2010);
		const c = makeCustomer({
			id,
			birthDate: rng.chance(0.1) ? '' : `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
			gender: rng.pick(['female', 'male', 'other', 'not-stated'] as const),
			storeId: rng.pick(['camden', 'soho', '']),
			tags: rng.chance(0.5) ? [rng.pick(['vip', 'staff', 'trade'])] : [],
			consents: rng.chance(0.5) ? { email: { status: rng.pick(['granted', 'withdrawn'] as const), date: '2026-01-01T00:00:00Z', source: 'till', recordedBy: 'Sam' } } : {}
		});
		const sales = Array.from({ length: rng.int(0, 4) }, (_, k) =>
			makeSale(`${id}-${k}`, id, `${addDays(today, -rng.int(0, 500))}T12:00:00Z`, rng.int(100, 40000), { pointsEarned: rng.int(0, 300) })
		);
		const stats = sales.length ? computeStats(id, sales, [], today, TZ) : undefined;
		return { row: withStats(toListRow(c), stats), facts: factsOf(c, stats, []) };
	});
	// Birthdays exactly on the age boundaries.
	population.push(...['1991-06-15', '1991-06-16', '1976-06-15', '1976-06-16'].map((birthDate, i) => {
		const c = makeCustomer({ id: `b${i}`, birthDate });
		return { row: toListRow(c), facts: factsOf(c, undefined, []) };
	}));

	const filters: [string, CustomerFilter][] = [
		['ageMin', { ageMin: 35 }],
		['ageMax', { ageMax: 49 }],
		['ageMin and ageMax', { ageMin: 35, ageMax: 49 }],
		['genders', { genders: ['female', 'other'] }],
		['birthMonths', { birthMonths: [6, 12] }],
		['storeIds', { storeIds: ['soho'] }],
		['consent', { consent: [{ channel: 'email', granted: true }] }],
		['consent withdrawn', { consent: [{ channel: 'email', granted: false }] }],
		['tags', { tags: ['VIP'] }],
		['spend12mMin', { spend12mMin: 10000 }],
		['visitsMin', { visitsMin: 2 }],
		['pointsMin', { pointsMin: 200 }],
		['several', { ageMin: 20, genders: ['female'], spend12mMin: 1, storeIds: ['camden', 'soho'] }]
	];
	for (const [name, filter] of filters) {
		it(`${name}: the rule matches exactly the rows the filter matches`, () => {
			const r = filterToRule(filter);
			expect(validateRule(r, [], null)).toEqual([]);
			const test = compileRule(r, ctxOn(today));
			const byFilter = population.filter((p) => matchesFilter(p.row, filter, today)).map((p) => p.row.id);
			const byRule = population.filter((p) => test(p.facts, nobody)).map((p) => p.facts.id);
			expect(byFilter.length).toBeGreaterThan(0);
			expect(byFilter.length).toBeLessThan(population.length);
			expect(byRule).toEqual(byFilter);
		});
	}

	it('an empty filter gives an empty rule, which validation refuses', () => {
		expect(validateRule(filterToRule({}), [], null).map((e) => e.code)).toEqual(['rule-empty-block']);
	});
});
