import { describe, expect, it } from 'vitest';
import type { ConditionCheck, TierConfig } from '$lib/domain/groups/types';
import { checkSentence, explanationSentences } from './explain-words';
import { describeCondition, describeRule, levelRangeWords } from './rule-words';

const ctx = {
	currency: 'GBP',
	storeName: (id: string) => ({ s1: 'High Street' })[id],
	groupName: (id: string) => ({ g1: 'Regulars', t1: 'Spend tiers' })[id],
	levelName: (_g: string, l: string) => ({ gold: 'Gold' })[l]
};

const spend12: ConditionCheck['condition'] = { kind: 'stat', metric: 'spend', window: { kind: 'months', months: 12 }, op: 'gte', value: 50000 };

describe('checkSentence', () => {
	it('says the actual value, the threshold and the gap', () => {
		const s = checkSentence({ path: '0', condition: spend12, holds: false, actual: 41200, gap: 8800 }, ctx);
		expect(s).toEqual({ text: 'Spend in the last 12 months £412.00, needs £500.00: £88.00 to go', holds: false });
	});
	it('says met at exactly the threshold', () => {
		const s = checkSentence({ path: '0', condition: spend12, holds: true, actual: 50000 }, ctx);
		expect(s.text).toBe('Spend in the last 12 months £500.00, needs £500.00: met');
	});
	it('words an upper bound as over', () => {
		const s = checkSentence(
			{ path: '1', condition: { kind: 'daysSinceLastVisit', op: 'lte', value: 30 }, holds: false, actual: 45, gap: 15 },
			ctx
		);
		expect(s.text).toBe('Days since the last visit 45 days, needs at most 30 days: 15 days over');
	});
	it('words a range and a missing value', () => {
		expect(
			checkSentence({ path: '0', condition: { kind: 'age', op: 'between', value: 35, max: 49 }, holds: false, actual: 52, gap: 3 }, ctx).text
		).toBe('Age 52 years, needs 35 years to 49 years: 3 years over');
		expect(
			checkSentence({ path: '0', condition: { kind: 'daysSinceLastVisit', op: 'lte', value: 30 }, holds: false, actual: null }, ctx).text
		).toBe('Days since the last visit is at most 30 days: no visit yet, so not met');
	});
	it('words other conditions with the actual value', () => {
		expect(checkSentence({ path: '0', condition: { kind: 'birthdayMonth', months: [3, 4] }, holds: false, actual: 5 }, ctx).text).toBe(
			'Birthday in March or April: May, not met'
		);
		expect(
			checkSentence({ path: '0', condition: { kind: 'memberOf', groupId: 't1', levelId: 'gold' }, holds: true, actual: true }, ctx).text
		).toBe('Member of “Gold” in “Spend tiers”: a member, met');
		expect(
			checkSentence({ path: '0', condition: { kind: 'store', storeIds: ['s1'] }, holds: true, actual: 's1' }, ctx).text
		).toBe('Registered at High Street: High Street, met');
	});
});

describe('explanationSentences', () => {
	const tier: TierConfig = {
		metric: 'spend',
		window: { kind: 'rollingMonths', months: 12 },
		retentionMonths: 0,
		levels: [
			{ id: 'std', name: 'Standard', min: 0, max: 50000, vip: false },
			{ id: 'gold', name: 'Gold', min: 50000, max: 200000, vip: false },
			{ id: 'plat', name: 'Platinum', min: 200000, max: null, vip: true }
		]
	};
	it('gives a tier level, and the gap to the next one', () => {
		const out = explanationSentences(
			{
				groupId: 't1',
				holds: true,
				checks: [],
				tier: { value: 41200, levelByValue: 'std', levelHeld: 'std', heldBecause: 'value', next: { levelId: 'gold', gap: 8800 } }
			},
			{ ...ctx, tier }
		);
		expect(out.headline).toBe('Standard in “Spend tiers”.');
		expect(out.lines.map((l) => l.text)).toEqual([
			'Spend in the last 12 months £412.00, Standard needs £0.00: met',
			'Spend in the last 12 months £412.00, Gold needs £500.00: £88.00 to go'
		]);
	});
	it('says a level set by staff', () => {
		const out = explanationSentences(
			{ groupId: 't1', holds: true, checks: [], tier: { value: 0, levelByValue: 'std', levelHeld: 'plat', heldBecause: 'override', next: null } },
			{ ...ctx, tier }
		);
		expect(out.headline).toBe('Platinum in “Spend tiers”.');
		expect(out.lines[1].text).toBe('Platinum was set by staff');
	});
	it('gives a rule verdict with each condition', () => {
		const out = explanationSentences(
			{ groupId: 'g1', holds: false, checks: [{ path: '0', condition: spend12, holds: false, actual: 0, gap: 50000 }] },
			ctx
		);
		expect(out.headline).toBe('Not in “Regulars”: the rule does not hold.');
		expect(out.lines).toHaveLength(1);
	});
});

describe('rule words', () => {
	it('describes conditions and nested rules', () => {
		expect(describeCondition(spend12, ctx)).toBe('Spend in the last 12 months is at least £500.00');
		expect(describeCondition({ kind: 'bought', what: 'brand', values: ['Potter'], days: 90 }, ctx)).toBe(
			'Bought the brand Potter in the last 90 days'
		);
		expect(describeCondition({ kind: 'registered', op: 'before', date: { kind: 'daysAgo', days: 365 } }, ctx)).toBe(
			'Registered before 365 days ago'
		);
		expect(
			describeRule(
				{
					version: 1,
					root: {
						kind: 'block',
						op: 'all',
						children: [
							{ kind: 'age', op: 'gte', value: 18 },
							{ kind: 'block', op: 'none', children: [{ kind: 'tags', match: 'any', tags: ['staff', 'press'] }] }
						]
					}
				},
				ctx
			)
		).toEqual(['All of these:', '  Age is at least 18 years', '  None of these:', '    Has a tag staff or press']);
		expect(describeRule({ version: 1, root: { kind: 'block', op: 'all', children: [{ kind: 'hasCard', value: true }] } }, ctx)).toEqual([
			'Has a loyalty card'
		]);
	});
	it('describes level ranges', () => {
		expect(levelRangeWords(0, 50000, 'spend', 'GBP')).toBe('under £500.00');
		expect(levelRangeWords(50000, 200000, 'spend', 'GBP')).toBe('£500.00 to under £2,000.00');
		expect(levelRangeWords(10, null, 'visits', 'GBP')).toBe('10 or more');
	});
});

describe('ruleFromFilter', () => {
	it('turns the list filter, groups included, into one rule', async () => {
		const { ruleFromFilter } = await import('./rule-model');
		const rule = ruleFromFilter({ genders: ['female'], groups: ['all', 'regulars', 'tiers/gold'] });
		expect(rule.root.children).toEqual([
			{ kind: 'gender', genders: ['female'] },
			{ kind: 'memberOf', groupId: 'regulars', levelId: null },
			{ kind: 'memberOf', groupId: 'tiers', levelId: 'gold' }
		]);
	});
});

describe('instantDayWords', () => {
	it('gives the day in the shop’s zone', async () => {
		const { instantDayWords } = await import('./rule-words');
		expect(instantDayWords('2026-03-01T23:30:00Z', 'Europe/London')).toBe('1 Mar 2026');
		expect(instantDayWords('2026-03-01T23:30:00Z', 'Asia/Tokyo')).toBe('2 Mar 2026');
	});
});
