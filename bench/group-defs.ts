// The groups a busy shop might define, for the groups benchmark: 50 automatic groups over every
// kind of condition (attributes, statistics over several windows, purchases, memberships of other
// groups), 3 tiered groups (spend, gross margin, visits) and the RFM segments.
import type { Condition, GroupDraft, RuleBlock, TierConfig } from '../src/lib/domain/groups/types';
import { RULE_SCHEMA_VERSION } from '../src/lib/domain/groups/types';

const common = {
	description: '',
	tags: [] as string[],
	vip: false,
	discountPct: null,
	loyaltyEnabled: true,
	appAccess: false
};

const block = (op: RuleBlock['op'], ...children: (Condition | RuleBlock)[]): RuleBlock => ({ kind: 'block', op, children });

function automatic(name: string, root: RuleBlock, tags: string[] = []): GroupDraft {
	return { ...common, name, tags, type: 'automatic', rule: { version: RULE_SCHEMA_VERSION, root } };
}

function tiered(name: string, tier: TierConfig): GroupDraft {
	return { ...common, name, type: 'tiered', tier };
}

const POUNDS = 100;

export function benchGroups(storeIds: string[], brands: string[], categories: string[]): GroupDraft[] {
	const out: GroupDraft[] = [];
	// Age bands and birthdays.
	const bands: [number, number][] = [[18, 24], [25, 34], [35, 49], [50, 64], [65, 120]];
	for (const [lo, hi] of bands) out.push(automatic(`Age ${lo}–${hi}`, block('all', { kind: 'age', op: 'between', value: lo, max: hi }), ['age']));
	for (let m = 1; m <= 12; m++) out.push(automatic(`Birthday month ${m}`, block('all', { kind: 'birthdayMonth', months: [m] }), ['birthday']));
	out.push(automatic('Birthday this week', block('all', { kind: 'birthdayWithin', days: 7 }), ['birthday']));
	// Attributes.
	for (const s of storeIds) out.push(automatic(`Registered at ${s}`, block('all', { kind: 'store', storeIds: [s] }), ['store']));
	out.push(automatic('Women with email consent', block('all', { kind: 'gender', genders: ['female'] }, { kind: 'consent', channel: 'email', granted: true })));
	out.push(automatic('SMS reachable', block('all', { kind: 'consent', channel: 'sms', granted: true }, { kind: 'hasCard', value: true })));
	out.push(automatic('London postcodes', block('any', { kind: 'postcodePrefix', prefixes: ['N', 'E', 'SE', 'SW', 'W', 'NW', 'EC', 'WC'] })));
	out.push(automatic('New this year', block('all', { kind: 'registered', op: 'onOrAfter', date: { kind: 'daysAgo', days: 365 } })));
	out.push(automatic('Newsletter tag', block('all', { kind: 'tags', match: 'any', tags: ['newsletter'] })));
	// Statistics over windows.
	out.push(automatic('Big spenders (12 months)', block('all', { kind: 'stat', metric: 'spend', window: { kind: 'months', months: 12 }, op: 'gte', value: 500 * POUNDS })));
	out.push(automatic('Spent 100+ in 90 days', block('all', { kind: 'stat', metric: 'spend', window: { kind: 'days', days: 90 }, op: 'gte', value: 100 * POUNDS })));
	out.push(automatic('Frequent (5+ visits this year)', block('all', { kind: 'stat', metric: 'visits', window: { kind: 'calendarYear' }, op: 'gte', value: 5 })));
	out.push(automatic('High margin', block('all', { kind: 'stat', metric: 'grossMargin', window: { kind: 'all' }, op: 'gte', value: 300 * POUNDS })));
	out.push(automatic('Large baskets', block('all', { kind: 'stat', metric: 'averageBasket', window: { kind: 'all' }, op: 'gte', value: 60 * POUNDS })));
	out.push(automatic('Points to spend', block('all', { kind: 'pointsBalance', op: 'gte', value: 500 })));
	out.push(automatic('Lapsed (90+ days)', block('all', { kind: 'daysSinceLastVisit', op: 'gte', value: 90 })));
	out.push(automatic('Recent (30 days)', block('all', { kind: 'daysSinceLastVisit', op: 'lte', value: 30 })));
	out.push(automatic('First visit this year', block('all', { kind: 'firstVisit', op: 'onOrAfter', date: { kind: 'daysAgo', days: 365 } })));
	out.push(automatic('One-time buyers', block('all', { kind: 'stat', metric: 'transactions', window: { kind: 'all' }, op: 'eq', value: 1 })));
	// Purchases.
	for (const b of brands.slice(0, 6)) out.push(automatic(`Bought ${b} (6 months)`, block('all', { kind: 'bought', what: 'brand', values: [b], days: 183 }), ['brand']));
	for (const c of categories.slice(0, 3)) out.push(automatic(`Bought ${c} ever`, block('all', { kind: 'bought', what: 'category', values: [c], days: null }), ['category']));
	// Nested blocks.
	out.push(
		automatic(
			'Win-back: spent before, quiet now, reachable',
			block(
				'all',
				{ kind: 'stat', metric: 'spend', window: { kind: 'all' }, op: 'gte', value: 200 * POUNDS },
				{ kind: 'daysSinceLastVisit', op: 'gte', value: 120 },
				block('any', { kind: 'consent', channel: 'email', granted: true }, { kind: 'consent', channel: 'sms', granted: true })
			)
		)
	);
	out.push(
		automatic(
			'Not yet buying',
			block('none', { kind: 'stat', metric: 'transactions', window: { kind: 'all' }, op: 'gte', value: 1 })
		)
	);
	return out.slice(0, 50);
}

export function benchTiers(): GroupDraft[] {
	const levels = (a: number, b: number, unit = POUNDS) => [
		{ id: 'standard', name: 'Standard', min: 0, max: a * unit, vip: false },
		{ id: 'gold', name: 'Gold', min: a * unit, max: b * unit, vip: false },
		{ id: 'platinum', name: 'Platinum', min: b * unit, max: null, vip: true }
	];
	return [
		tiered('Spend tiers', { metric: 'spend', window: { kind: 'rollingMonths', months: 12 }, levels: levels(500, 2000), retentionMonths: 0 }),
		tiered('Margin tiers', { metric: 'grossMargin', window: { kind: 'calendarYear' }, levels: levels(200, 800), retentionMonths: 6 }),
		tiered('Visit tiers', { metric: 'visits', window: { kind: 'allTime' }, levels: levels(3, 10, 1), retentionMonths: 0 })
	];
}
