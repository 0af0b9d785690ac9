// "Why?" in words: an Explanation (from the derive worker) turned into one sentence per condition,
// each with the customer's actual value against the threshold and the gap, e.g.
// "Spend in the last 12 months £412.00, needs £500.00: £88.00 to go". Pure and unit-tested.
import type { Condition, ConditionCheck, Explanation, NumberTest, TierConfig } from '$lib/domain/groups/types';
import { formatMoney } from '$lib/domain/sales/items';
import {
	amountWords,
	dayWords,
	describeCondition,
	isMoneyMetric,
	joinAnd,
	monthName,
	subjectWords,
	tierSubjectWords,
	unitOf,
	type WordsContext
} from './rule-words';

export interface CheckSentence {
	text: string;
	holds: boolean;
}

const NUMBER_KINDS = new Set<Condition['kind']>(['age', 'stat', 'pointsBalance', 'daysSinceLastVisit']);

function capitalise(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "needs £500.00", "needs at most 30 days", "needs between 35 and 49 years". */
function needsWords(t: NumberTest, fmt: (n: number) => string): string {
	switch (t.op) {
		case 'gte':
			return `needs ${fmt(t.value)}`;
		case 'gt':
			return `needs more than ${fmt(t.value)}`;
		case 'lte':
			return `needs at most ${fmt(t.value)}`;
		case 'lt':
			return `needs less than ${fmt(t.value)}`;
		case 'eq':
			return `needs exactly ${fmt(t.value)}`;
		case 'between':
			return `needs ${fmt(t.value)} to ${fmt(t.max ?? t.value)}`;
	}
}

/** Which way the value must move to hold: up ("to go") or down ("over"). */
function gapDirection(t: NumberTest, actual: number): 'up' | 'down' | 'either' {
	switch (t.op) {
		case 'gte':
		case 'gt':
			return 'up';
		case 'lte':
		case 'lt':
			return 'down';
		case 'eq':
			return actual < t.value ? 'up' : 'down';
		case 'between':
			return actual < t.value ? 'up' : actual > (t.max ?? t.value) ? 'down' : 'either';
	}
}

/** The customer's value as words, in the condition's own unit. */
export function actualWords(check: ConditionCheck, ctx: WordsContext): string {
	const { actual, condition: c } = check;
	if (actual === null || actual === undefined) return 'unknown';
	if (typeof actual === 'boolean') {
		if (c.kind === 'memberOf') return actual ? 'a member' : 'not a member';
		if (c.kind === 'hasCard') return actual ? 'has a card' : 'no card';
		if (c.kind === 'consent') return actual ? 'granted' : 'not granted';
		return actual ? 'yes' : 'no';
	}
	if (Array.isArray(actual)) return actual.length ? joinAnd(actual) : 'none';
	if (typeof actual === 'number') {
		if (c.kind === 'birthdayMonth') return monthName(actual);
		return amountWords(actual, unitOf(c), ctx.currency);
	}
	if (c.kind === 'store') return ctx.storeName?.(actual) ?? actual;
	if (c.kind === 'gender') return actual === 'not-stated' ? 'not stated' : actual;
	// Dates (registered, first visit, birth date, last bought) as days.
	if (/^\d{4}-\d{2}-\d{2}/.test(actual)) return dayWords(actual.slice(0, 10));
	return actual;
}

/** One condition checked: "Spend in the last 12 months £412.00, needs £500.00: £88.00 to go". */
export function checkSentence(check: ConditionCheck, ctx: WordsContext): CheckSentence {
	const c = check.condition;
	if (NUMBER_KINDS.has(c.kind) && typeof check.actual === 'number') {
		const t = c as Condition & NumberTest;
		const unit = unitOf(c);
		const fmt = (n: number) => amountWords(n, unit, ctx.currency);
		let text = `${capitalise(subjectWords(c))} ${fmt(check.actual)}, ${needsWords(t, fmt)}`;
		if (check.holds) text += ': met';
		else if (check.gap !== undefined && check.gap > 0) {
			const dir = gapDirection(t, check.actual);
			text += `: ${fmt(check.gap)} ${dir === 'down' ? 'over' : 'to go'}`;
		} else text += ': not met';
		return { text, holds: check.holds };
	}
	if (NUMBER_KINDS.has(c.kind) && check.actual === null) {
		const reason = c.kind === 'daysSinceLastVisit' ? 'no visit yet' : c.kind === 'age' ? 'no date of birth' : 'unknown';
		return { text: `${describeCondition(c, ctx)}: ${reason}, so not met`, holds: check.holds };
	}
	const verdict = check.holds ? 'met' : 'not met';
	return { text: `${describeCondition(c, ctx)}: ${actualWords(check, ctx)}, ${verdict}`, holds: check.holds };
}

/** The whole "Why?" of a group: its verdict first, then one sentence per condition (or the tier). */
export function explanationSentences(
	e: Explanation,
	ctx: WordsContext & { groupName: (id: string) => string | undefined; tier?: TierConfig }
): { headline: string; lines: CheckSentence[] } {
	const name = ctx.groupName(e.groupId) ?? 'this group';
	if (e.tier && ctx.tier) return tierSentences(e.tier, ctx.tier, name, ctx.currency);
	const headline = e.holds ? `In “${name}”: the rule holds.` : `Not in “${name}”: the rule does not hold.`;
	return { headline, lines: e.checks.map((ch) => checkSentence(ch, ctx)) };
}

function tierSentences(
	t: NonNullable<Explanation['tier']>,
	tier: TierConfig,
	groupName: string,
	currency: string
): { headline: string; lines: CheckSentence[] } {
	const money = isMoneyMetric(tier.metric);
	const fmt = (n: number) => (money ? formatMoney(n, currency) : n.toLocaleString('en-GB'));
	const levelName = (id: string | null) => (id ? (tier.levels.find((l) => l.id === id)?.name ?? id) : null);
	const held = levelName(t.levelHeld);
	const byValue = levelName(t.levelByValue);
	const lines: CheckSentence[] = [];
	const value = `${tierSubjectWords(tier)} ${fmt(t.value)}`;
	if (byValue) {
		const level = tier.levels.find((l) => l.id === t.levelByValue)!;
		lines.push({ text: `${value}, ${byValue} needs ${fmt(level.min)}: met`, holds: true });
	} else lines.push({ text: `${value}: below every level`, holds: false });
	if (t.heldBecause === 'retention' && held)
		lines.push({ text: `Keeps ${held} for ${tier.retentionMonths} months after reaching it (retention)`, holds: true });
	if (t.heldBecause === 'override' && held) lines.push({ text: `${held} was set by staff`, holds: true });
	if (t.next) {
		const next = tier.levels.find((l) => l.id === t.next!.levelId);
		if (next) {
			lines.push({
				text: `${tierSubjectWords(tier)} ${fmt(t.value)}, ${next.name} needs ${fmt(next.min)}: ${fmt(t.next.gap)} to go`,
				holds: false
			});
		}
	}
	const headline = held ? `${held} in “${groupName}”.` : `In no level of “${groupName}”.`;
	return { headline, lines };
}
