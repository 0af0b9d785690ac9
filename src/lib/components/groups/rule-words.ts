// Words for groups, rules and tiers as a shop owner reads them. Pure: the rule builder, the group
// list, the profile's "Why?" and the tests share them, so a condition reads the same everywhere.
import type {
	Condition,
	DateRef,
	GroupType,
	NumberOp,
	NumberTest,
	RuleBlock,
	RuleNode,
	StatMetric,
	StatWindow,
	StoredRule,
	TierConfig,
	TierMetric,
	TierWindow
} from '$lib/domain/groups/types';
import { formatMoney } from '$lib/domain/sales/items';

/** What the words need to know of the shop: currency and the names behind ids. */
export interface WordsContext {
	currency: string;
	storeName?: (id: string) => string | undefined;
	groupName?: (id: string) => string | undefined;
	levelName?: (groupId: string, levelId: string) => string | undefined;
}

export const GROUP_TYPE_LABELS: Record<GroupType, string> = {
	all: 'Built in',
	manual: 'Manual',
	automatic: 'Automatic',
	tiered: 'Tiered',
	rfm: 'RFM segments'
};

export const BLOCK_LABELS: Record<RuleBlock['op'], string> = {
	all: 'All of these',
	any: 'Any of these',
	none: 'None of these'
};

export const STAT_METRIC_LABELS: Record<StatMetric, string> = {
	spend: 'Spend',
	visits: 'Visits',
	transactions: 'Number of purchases',
	grossMargin: 'Gross margin',
	averageBasket: 'Average basket'
};

export const TIER_METRIC_LABELS: Record<TierMetric, string> = {
	spend: 'Spend',
	grossMargin: 'Gross margin',
	transactions: 'Number of transactions',
	visits: 'Visits'
};

export const OP_LABELS: Record<NumberOp, string> = {
	gte: 'at least',
	gt: 'more than',
	lte: 'at most',
	lt: 'less than',
	eq: 'exactly',
	between: 'between'
};

const MONTHS = [
	'January', 'February', 'March', 'April', 'May', 'June',
	'July', 'August', 'September', 'October', 'November', 'December'
];

export function monthName(m: number): string {
	return MONTHS[m - 1] ?? String(m);
}

const GENDER_WORDS: Record<string, string> = { female: 'female', male: 'male', other: 'other', 'not-stated': 'not stated' };
const CHANNEL_WORDS: Record<string, string> = { email: 'email', sms: 'SMS', post: 'post' };

export function joinOr(items: string[]): string {
	return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function joinAnd(items: string[]): string {
	return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** '21 Mar 2026' from 'YYYY-MM-DD' (a calendar date, no zone). */
export function dayWords(ymd: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
	if (!m) return ymd;
	return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
		Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
	);
}

export function dateRefWords(d: DateRef): string {
	return d.kind === 'date' ? dayWords(d.date) : `${plural(d.days, 'day')} ago`;
}

export function statWindowWords(w: StatWindow): string {
	switch (w.kind) {
		case 'all':
			return 'ever';
		case 'days':
			return `in the last ${plural(w.days, 'day')}`;
		case 'months':
			return `in the last ${plural(w.months, 'month')}`;
		case 'calendarYear':
			return 'this calendar year';
		case 'since':
			return `since ${dayWords(w.date)}`;
	}
}

export function tierWindowWords(w: TierWindow): string {
	switch (w.kind) {
		case 'rollingMonths':
			return `in the last ${plural(w.months, 'month')}`;
		case 'calendarYear':
			return 'this calendar year';
		case 'since':
			return `since ${dayWords(w.date)}`;
		case 'allTime':
			return 'ever';
	}
}

/** Is this metric an amount of money (minor units) rather than a count? */
export function isMoneyMetric(m: StatMetric | TierMetric): boolean {
	return m === 'spend' || m === 'grossMargin' || m === 'averageBasket';
}

export type Unit = 'money' | 'count' | 'years' | 'days' | 'points';

/** The unit of a condition's number test. */
export function unitOf(c: Condition): Unit {
	if (c.kind === 'stat') return isMoneyMetric(c.metric) ? 'money' : 'count';
	if (c.kind === 'age') return 'years';
	if (c.kind === 'daysSinceLastVisit') return 'days';
	if (c.kind === 'pointsBalance') return 'points';
	return 'count';
}

export function amountWords(n: number, unit: Unit, currency: string): string {
	switch (unit) {
		case 'money':
			return formatMoney(n, currency);
		case 'years':
			return plural(n, 'year');
		case 'days':
			return plural(n, 'day');
		case 'points':
			return plural(n, 'point');
		case 'count':
			return n.toLocaleString('en-GB');
	}
}

/** 'at least £500.00', 'between 35 and 49 years'. */
export function testWords(t: NumberTest, unit: Unit, currency: string): string {
	if (t.op === 'between') {
		const bare = (n: number) => (unit === 'money' ? formatMoney(n, currency) : n.toLocaleString('en-GB'));
		return `between ${bare(t.value)} and ${unit === 'money' || unit === 'count' ? bare(t.max ?? t.value) : amountWords(t.max ?? t.value, unit, currency)}`;
	}
	return `${OP_LABELS[t.op]} ${amountWords(t.value, unit, currency)}`;
}

/** What a condition looks at, lower case: 'spend in the last 12 months', 'age', 'points balance'. */
export function subjectWords(c: Condition): string {
	switch (c.kind) {
		case 'age':
			return 'age';
		case 'stat': {
			const metric = STAT_METRIC_LABELS[c.metric].toLowerCase();
			return `${metric} ${statWindowWords(c.window)}`;
		}
		case 'pointsBalance':
			return 'points balance';
		case 'daysSinceLastVisit':
			return 'days since the last visit';
		case 'birthdayMonth':
			return 'birthday month';
		case 'birthdayWithin':
			return 'days to the next birthday';
		case 'gender':
			return 'gender';
		case 'store':
			return 'registered store';
		case 'postcodePrefix':
			return 'postcode';
		case 'tags':
			return 'tags';
		case 'consent':
			return `${CHANNEL_WORDS[c.channel] ?? c.channel} consent`;
		case 'registered':
			return 'registered';
		case 'hasCard':
			return 'loyalty card';
		case 'firstVisit':
			return 'first visit';
		case 'bought':
			return `bought ${c.what === 'item' ? 'items' : c.what === 'brand' ? 'brands' : 'categories'}`;
		case 'memberOf':
			return 'membership';
	}
}

function capitalise(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

function groupLabel(groupId: string, levelId: string | null, ctx: WordsContext): string {
	const group = ctx.groupName?.(groupId) ?? 'a deleted group';
	if (!levelId) return `“${group}”`;
	return `“${ctx.levelName?.(groupId, levelId) ?? levelId}” in “${group}”`;
}

/** One condition as a sentence: 'Spend in the last 90 days is at least £100.00'. */
export function describeCondition(c: Condition, ctx: WordsContext): string {
	switch (c.kind) {
		case 'age':
		case 'stat':
		case 'pointsBalance':
		case 'daysSinceLastVisit':
			return `${capitalise(subjectWords(c))} is ${testWords(c, unitOf(c), ctx.currency)}`;
		case 'birthdayMonth':
			return `Birthday in ${joinOr(c.months.map(monthName))}`;
		case 'birthdayWithin':
			return c.days === 0 ? 'Birthday is today' : `Birthday within the next ${plural(c.days, 'day')}`;
		case 'gender':
			return `Gender is ${joinOr(c.genders.map((g) => GENDER_WORDS[g] ?? g))}`;
		case 'store':
			return `Registered at ${joinOr(c.storeIds.map((id) => ctx.storeName?.(id) ?? id))}`;
		case 'postcodePrefix':
			return `Postcode starts with ${joinOr(c.prefixes.map((p) => p.toUpperCase()))}`;
		case 'tags':
			return c.match === 'all' ? `Has the tags ${joinAnd(c.tags)}` : `Has a tag ${joinOr(c.tags)}`;
		case 'consent':
			return `${capitalise(CHANNEL_WORDS[c.channel] ?? c.channel)} consent ${c.granted ? 'granted' : 'not granted'}`;
		case 'registered':
			return `Registered ${c.op === 'before' ? 'before' : 'on or after'} ${dateRefWords(c.date)}`;
		case 'hasCard':
			return c.value ? 'Has a loyalty card' : 'Has no loyalty card';
		case 'firstVisit':
			return `First visit ${c.op === 'before' ? 'before' : 'on or after'} ${dateRefWords(c.date)}`;
		case 'bought': {
			const what = c.what === 'item' ? 'the item' : c.what === 'brand' ? 'the brand' : 'the category';
			const when = c.days === null ? 'ever' : `in the last ${plural(c.days, 'day')}`;
			return `Bought ${what} ${joinOr(c.values)} ${when}`;
		}
		case 'memberOf':
			return `Member of ${groupLabel(c.groupId, c.levelId, ctx)}`;
	}
}

/** A rule as indented lines, for the group list's description and the profile. */
export function describeRule(rule: StoredRule, ctx: WordsContext): string[] {
	const lines: string[] = [];
	const walk = (node: RuleNode, depth: number) => {
		if (node.kind === 'block') {
			lines.push(`${'  '.repeat(depth)}${BLOCK_LABELS[node.op]}:`);
			for (const child of node.children) walk(child, depth + 1);
		} else lines.push(`${'  '.repeat(depth)}${describeCondition(node, ctx)}`);
	};
	// A single-condition rule reads as that condition, without "All of these".
	if (rule.root.op === 'all' && rule.root.children.length === 1 && rule.root.children[0].kind !== 'block') {
		return [describeCondition(rule.root.children[0], ctx)];
	}
	walk(rule.root, 0);
	return lines;
}

/** 'Spend in the last 12 months'. */
export function tierSubjectWords(t: Pick<TierConfig, 'metric' | 'window'>): string {
	return `${TIER_METRIC_LABELS[t.metric]} ${tierWindowWords(t.window)}`;
}

/** A tier level's range: 'under £500.00', '£500.00 to £2,000.00', '£2,000.00 or more'. */
export function levelRangeWords(min: number, max: number | null, metric: TierMetric, currency: string): string {
	const f = (n: number) => (isMoneyMetric(metric) ? formatMoney(n, currency) : n.toLocaleString('en-GB'));
	if (max === null) return `${f(min)} or more`;
	if (min <= 0) return `under ${f(max)}`;
	return `${f(min)} to under ${f(max)}`;
}

/** An instant as a day in the shop's zone: '3 Mar 2026'. */
export function instantDayWords(iso: string, timeZone: string): string {
	const t = Date.parse(iso);
	if (Number.isNaN(t)) return '';
	const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
	try {
		return new Intl.DateTimeFormat('en-GB', { ...opts, timeZone }).format(t);
	} catch {
		return new Intl.DateTimeFormat('en-GB', opts).format(t);
	}
}
