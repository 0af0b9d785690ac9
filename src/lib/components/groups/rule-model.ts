// The rule builder's building blocks: which conditions a shop owner can pick, under what name,
// and the fresh condition each pick starts from. A value not entered yet is NaN, so the rule's
// validation reports "missing value" at that field instead of a silent 0.
import type { Condition, RuleBlock, StatMetric, StoredRule } from '$lib/domain/groups/types';
import { ALL_CUSTOMERS_ID, RULE_SCHEMA_VERSION } from '$lib/domain/groups/types';
import { filterToRule } from '$lib/domain/groups/rules';
import type { CustomerFilter } from '$lib/domain/list';
import type { FieldError } from '$lib/domain/errors';

export interface ConditionPick {
	key: string;
	label: string;
	section: 'About the customer' | 'Purchases' | 'Groups';
	make: () => Condition;
}

const stat = (metric: StatMetric, label: string): ConditionPick => ({
	key: `stat:${metric}`,
	label,
	section: 'Purchases',
	make: () => ({ kind: 'stat', metric, window: { kind: 'days', days: 90 }, op: 'gte', value: NaN })
});

export const CONDITION_PICKS: ConditionPick[] = [
	{ key: 'age', label: 'Age (years)', section: 'About the customer', make: () => ({ kind: 'age', op: 'between', value: NaN, max: NaN }) },
	{ key: 'birthdayMonth', label: 'Birthday month', section: 'About the customer', make: () => ({ kind: 'birthdayMonth', months: [] }) },
	{ key: 'birthdayWithin', label: 'Birthday coming up', section: 'About the customer', make: () => ({ kind: 'birthdayWithin', days: 7 }) },
	{ key: 'gender', label: 'Gender', section: 'About the customer', make: () => ({ kind: 'gender', genders: [] }) },
	{ key: 'store', label: 'Registered store', section: 'About the customer', make: () => ({ kind: 'store', storeIds: [] }) },
	{ key: 'postcodePrefix', label: 'Postcode starts with', section: 'About the customer', make: () => ({ kind: 'postcodePrefix', prefixes: [] }) },
	{ key: 'tags', label: 'Customer tags', section: 'About the customer', make: () => ({ kind: 'tags', match: 'any', tags: [] }) },
	{ key: 'consent', label: 'Marketing consent', section: 'About the customer', make: () => ({ kind: 'consent', channel: 'email', granted: true }) },
	{
		key: 'registered',
		label: 'Registration date',
		section: 'About the customer',
		make: () => ({ kind: 'registered', op: 'onOrAfter', date: { kind: 'daysAgo', days: 30 } })
	},
	{ key: 'hasCard', label: 'Has a loyalty card', section: 'About the customer', make: () => ({ kind: 'hasCard', value: true }) },
	stat('spend', 'Spend'),
	stat('visits', 'Visits'),
	stat('transactions', 'Number of purchases'),
	stat('grossMargin', 'Gross margin'),
	stat('averageBasket', 'Average basket'),
	{ key: 'pointsBalance', label: 'Points balance', section: 'Purchases', make: () => ({ kind: 'pointsBalance', op: 'gte', value: NaN }) },
	{
		key: 'daysSinceLastVisit',
		label: 'Days since the last visit',
		section: 'Purchases',
		make: () => ({ kind: 'daysSinceLastVisit', op: 'gte', value: NaN })
	},
	{
		key: 'firstVisit',
		label: 'First visit date',
		section: 'Purchases',
		make: () => ({ kind: 'firstVisit', op: 'onOrAfter', date: { kind: 'daysAgo', days: 30 } })
	},
	{ key: 'bought:brand', label: 'Bought a brand', section: 'Purchases', make: () => ({ kind: 'bought', what: 'brand', values: [], days: 90 }) },
	{
		key: 'bought:category',
		label: 'Bought a category',
		section: 'Purchases',
		make: () => ({ kind: 'bought', what: 'category', values: [], days: 90 })
	},
	{ key: 'bought:item', label: 'Bought an item', section: 'Purchases', make: () => ({ kind: 'bought', what: 'item', values: [], days: 90 }) },
	{ key: 'memberOf', label: 'Member of a group', section: 'Groups', make: () => ({ kind: 'memberOf', groupId: '', levelId: null }) }
];

/** The picker entry a condition belongs to. */
export function pickKey(c: Condition): string {
	if (c.kind === 'stat') return `stat:${c.metric}`;
	if (c.kind === 'bought') return `bought:${c.what}`;
	return c.kind;
}

export function newBlock(op: RuleBlock['op'] = 'all'): RuleBlock {
	return { kind: 'block', op, children: [CONDITION_PICKS.find((p) => p.key === 'stat:spend')!.make()] };
}

export function newRule(): StoredRule {
	return { version: RULE_SCHEMA_VERSION, root: newBlock('all') };
}

/** Errors at exactly this path. */
export function errorsAt(errors: readonly FieldError[], path: string): FieldError[] {
	return errors.filter((e) => e.field === path);
}

/** Comma- or semicolon-separated words as a list (tags, postcodes, brands). */
export function splitList(text: string): string[] {
	return text
		.split(/[,;]/)
		.map((t) => t.trim())
		.filter(Boolean);
}

/** The rule as plain data (no Svelte proxies), for the worker and for storage. */
export function plainRule(rule: StoredRule): StoredRule {
	return JSON.parse(JSON.stringify(rule, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v))) as StoredRule;
}

/**
 * A customer-list filter as a rule: the domain's filterToRule, plus the list's group filter as
 * "member of" conditions (the list's own group keys: a group id or `${groupId}/${levelId}`).
 */
export function ruleFromFilter(filter: CustomerFilter): StoredRule {
	const { groups, ...rest } = filter;
	const rule = filterToRule(rest);
	for (const key of groups ?? []) {
		if (key === ALL_CUSTOMERS_ID) continue;
		const slash = key.indexOf('/');
		rule.root.children.push({
			kind: 'memberOf',
			groupId: slash === -1 ? key : key.slice(0, slash),
			levelId: slash === -1 ? null : key.slice(slash + 1)
		});
	}
	return rule;
}
