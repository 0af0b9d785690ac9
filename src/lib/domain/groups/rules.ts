// The rule language of automatic groups: reading stored rules (versioned JSON, never code),
// validating drafts with a message at the place of each mistake, compiling a rule into a closure
// that costs a handful of comparisons per customer, and explaining a result condition by condition.
import { CONSENT_CHANNELS, GENDERS } from '../customer';
import { addDays, ageOn, daysBetween, dayOfInstant, isValidDate, monthsStart, startOfDayIn, yearsBefore } from '../dates';
import type { FieldError } from '../errors';
import type { CustomerFilter } from '../list';
import { lastBoughtDay } from '../sales/stats';
import { foldCompact } from '../text';
import { normalizeTag, LIMITS } from '../validate';
import { firstVisitDay, lastVisitDay, sumDays, type CustomerFacts, type EvalContext, type RuleStats } from './facts';
import { RFM_SEGMENT_IDS } from './rfm';
import {
	ALL_CUSTOMERS_ID,
	levelKey,
	RFM_GROUP_ID,
	RULE_SCHEMA_VERSION,
	type Condition,
	type ConditionCheck,
	type DateRef,
	type Group,
	type MembershipKey,
	type NumberTest,
	type RuleBlock,
	type RuleNode,
	type StatMetric,
	type StatWindow,
	type StoredRule
} from './types';

/** Blocks nest at most this deep (the builder shows them indented; deeper is unreadable). */
export const MAX_RULE_DEPTH = 8;

const NUMBER_OPS = ['gte', 'lte', 'gt', 'lt', 'eq', 'between'];
const METRICS: readonly StatMetric[] = ['spend', 'visits', 'transactions', 'grossMargin', 'averageBasket'];
const CONDITION_KINDS = [
	'age', 'birthdayMonth', 'birthdayWithin', 'gender', 'store', 'postcodePrefix', 'tags', 'consent', 'registered',
	'hasCard', 'stat', 'pointsBalance', 'daysSinceLastVisit', 'firstVisit', 'bought', 'memberOf'
];

export type MemberOf = (key: MembershipKey) => boolean;
export type CompiledRule = (f: CustomerFacts, memberOf: MemberOf) => boolean;

// ---- Reading stored rules ------------------------------------------------------------------------

/** Upgrades a stored rule of version n to version n + 1 (keyed by n). Only version 1 exists so far. */
export type RuleMigration = (raw: Record<string, unknown>) => Record<string, unknown>;
export const RULE_MIGRATIONS: Readonly<Record<number, RuleMigration>> = {};

export type ReadRuleResult = { ok: true; rule: StoredRule } | { ok: false; reason: 'newer-version' | 'invalid' };

// Problems that make a rule unsafe to evaluate, as opposed to a draft not finished yet.
const MALFORMED = new Set(['rule-unknown-condition', 'rule-value-missing', 'rule-date-invalid', 'rule-too-deep', 'rule-empty-block']);

/**
 * A stored rule as this build reads it: older versions migrated step by step, a newer version
 * refused (kept, shown as "needs an update", never evaluated), anything malformed refused.
 */
export function readRule(
	raw: unknown,
	migrations: Readonly<Record<number, RuleMigration>> = RULE_MIGRATIONS,
	current: number = RULE_SCHEMA_VERSION
): ReadRuleResult {
	if (!isObject(raw) || typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 0) {
		return { ok: false, reason: 'invalid' };
	}
	if (raw.version > current) return { ok: false, reason: 'newer-version' };
	let r: Record<string, unknown> = raw;
	while ((r.version as number) < current) {
		const from = r.version as number;
		const migrate = migrations[from];
		if (!migrate) return { ok: false, reason: 'invalid' };
		r = migrate(r);
		if (r.version !== from + 1) return { ok: false, reason: 'invalid' };
	}
	const errors: FieldError[] = [];
	checkNode(r.root, 'rule', 0, { groups: null, selfId: null, storeIds: null }, errors);
	if (errors.some((e) => MALFORMED.has(e.code))) return { ok: false, reason: 'invalid' };
	return { ok: true, rule: r as unknown as StoredRule };
}

function isObject(x: unknown): x is Record<string, unknown> {
	return typeof x === 'object' && x !== null && !Array.isArray(x);
}

// ---- Validation ----------------------------------------------------------------------------------

interface CheckContext {
	/** null: do not check references (reading a stored rule). */
	groups: Group[] | null;
	selfId: string | null;
	storeIds: ReadonlySet<string> | null;
}

/**
 * Every mistake in a rule being saved, at its place: 'rule' for the root block, 'rule.0.2' for
 * the third child of the first child, 'rule.0.2.value' for its value. `groups` are the live
 * groups (built-in ones included); `selfId` the group being edited (null when new).
 */
export function validateRule(
	rule: StoredRule,
	groups: Group[],
	selfId: string | null,
	opts: { storeIds?: readonly string[] } = {}
): FieldError[] {
	const errors: FieldError[] = [];
	if (!isObject(rule) || rule.version !== RULE_SCHEMA_VERSION) {
		const newer = isObject(rule) && typeof rule.version === 'number' && rule.version > RULE_SCHEMA_VERSION;
		return [{ field: 'rule', code: newer ? 'rule-needs-update' : 'rule-unknown-condition' }];
	}
	const ctx: CheckContext = { groups, selfId, storeIds: opts.storeIds ? new Set(opts.storeIds) : null };
	checkNode(rule.root, 'rule', 0, ctx, errors);
	return errors;
}

function checkNode(node: unknown, path: string, depth: number, ctx: CheckContext, errors: FieldError[]): void {
	const err: Report = (field, code, params) => {
		errors.push(params ? { field, code, params } : { field, code });
	};
	if (!isObject(node) || typeof node.kind !== 'string') return err(path, 'rule-unknown-condition');
	if (node.kind === 'block') {
		if (depth >= MAX_RULE_DEPTH) return err(path, 'rule-too-deep', { max: String(MAX_RULE_DEPTH) });
		if (node.op !== 'all' && node.op !== 'any' && node.op !== 'none') return err(path, 'rule-unknown-condition', { kind: String(node.op) });
		if (!Array.isArray(node.children) || node.children.length === 0) return err(path, 'rule-empty-block');
		node.children.forEach((child, i) => checkNode(child, `${path}.${i}`, depth + 1, ctx, errors));
		return;
	}
	if (!CONDITION_KINDS.includes(node.kind)) return err(path, 'rule-unknown-condition', { kind: node.kind });
	checkCondition(node as unknown as Condition, path, ctx, err);
}

type Report = (field: string, code: FieldError['code'], params?: Record<string, string>) => void;

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isWhole = (x: unknown): x is number => isNum(x) && Number.isInteger(x);

function checkNumberTest(c: NumberTest, path: string, err: Report, what: string): boolean {
	if (!NUMBER_OPS.includes(c.op)) {
		err(`${path}.op`, 'rule-unknown-condition', { kind: String(c.op) });
		return false;
	}
	if (!isNum(c.value)) {
		err(`${path}.value`, 'rule-value-missing', { what });
		return false;
	}
	if (c.op === 'between') {
		if (!isNum(c.max)) {
			err(`${path}.max`, 'rule-value-missing', { what: 'the upper limit' });
			return false;
		}
		if (c.value > c.max) {
			err(`${path}.max`, 'rule-range-impossible', { why: 'The upper limit is below the lower limit: no customer can match' });
			return false;
		}
	}
	return true;
}

function checkList(list: unknown, path: string, err: Report, what: string): list is unknown[] {
	if (!Array.isArray(list) || list.length === 0) {
		err(path, 'rule-value-missing', { what });
		return false;
	}
	return true;
}

function checkDateRef(d: DateRef, path: string, err: Report): void {
	if (!isObject(d)) return err(path, 'rule-date-invalid');
	if (d.kind === 'date') {
		if (typeof d.date !== 'string' || !isValidDate(d.date)) err(path, 'rule-date-invalid');
	} else if (d.kind === 'daysAgo') {
		if (!isNum(d.days)) err(path, 'rule-date-invalid');
		else if (!isWhole(d.days) || d.days < 0) err(path, 'rule-range-impossible', { why: 'Enter a whole number of days ago, 0 or more' });
	} else err(path, 'rule-date-invalid');
}

function checkWindow(w: StatWindow, path: string, err: Report): void {
	if (!isObject(w)) return err(path, 'rule-unknown-condition');
	switch (w.kind) {
		case 'all':
		case 'calendarYear':
			return;
		case 'days':
			if (!isNum(w.days)) return err(`${path}.days`, 'rule-value-missing', { what: 'the number of days' });
			if (!isWhole(w.days) || w.days < 1 || w.days > 36_600)
				err(`${path}.days`, 'rule-range-impossible', { why: 'Enter a whole number of days, 1 or more' });
			return;
		case 'months':
			if (!isNum(w.months)) return err(`${path}.months`, 'rule-value-missing', { what: 'the number of months' });
			if (!isWhole(w.months) || w.months < 1 || w.months > 12)
				err(`${path}.months`, 'rule-range-impossible', { why: 'Enter a whole number of months from 1 to 12' });
			return;
		case 'since':
			if (typeof w.date !== 'string' || !isValidDate(w.date)) err(`${path}.date`, 'rule-date-invalid');
			return;
		default:
			err(path, 'rule-unknown-condition', { kind: String((w as { kind: unknown }).kind) });
	}
}

function checkCondition(c: Condition, p: string, ctx: CheckContext, err: Report): void {
	switch (c.kind) {
		case 'age':
			if (checkNumberTest(c, p, err, 'an age') && (c.value < 0 || c.value > 150 || (c.op === 'between' && c.max! > 150)))
				err(`${p}.value`, 'rule-range-impossible', { why: 'Enter an age from 0 to 150' });
			return;
		case 'birthdayMonth':
			if (!checkList(c.months, `${p}.months`, err, 'at least one month')) return;
			c.months.forEach((m, i) => {
				if (!isWhole(m) || m < 1 || m > 12) err(`${p}.months.${i}`, 'rule-range-impossible', { why: 'A month is 1 (January) to 12 (December)' });
			});
			return;
		case 'birthdayWithin':
			if (!isNum(c.days)) return err(`${p}.days`, 'rule-value-missing', { what: 'the number of days' });
			if (!isWhole(c.days) || c.days < 0 || c.days > 366)
				err(`${p}.days`, 'rule-range-impossible', { why: 'Enter a whole number of days from 0 (today) to 366' });
			return;
		case 'gender':
			if (!checkList(c.genders, `${p}.genders`, err, 'at least one gender')) return;
			c.genders.forEach((g, i) => {
				if (!(GENDERS as readonly string[]).includes(g)) err(`${p}.genders.${i}`, 'gender-invalid');
			});
			return;
		case 'store':
			if (!checkList(c.storeIds, `${p}.storeIds`, err, 'at least one store')) return;
			c.storeIds.forEach((id, i) => {
				if (typeof id !== 'string' || id === '') err(`${p}.storeIds.${i}`, 'rule-value-missing', { what: 'a store' });
				else if (ctx.storeIds && !ctx.storeIds.has(id)) err(`${p}.storeIds.${i}`, 'store-unknown', { storeId: id });
			});
			return;
		case 'postcodePrefix':
			if (!checkList(c.prefixes, `${p}.prefixes`, err, 'at least one postcode start')) return;
			c.prefixes.forEach((x, i) => {
				if (typeof x !== 'string' || foldCompact(x) === '') err(`${p}.prefixes.${i}`, 'rule-value-missing', { what: 'the start of a postcode' });
			});
			return;
		case 'tags':
			if (c.match !== 'all' && c.match !== 'any') return err(`${p}.match`, 'rule-unknown-condition', { kind: String(c.match) });
			if (!checkList(c.tags, `${p}.tags`, err, 'at least one tag')) return;
			c.tags.forEach((t, i) => {
				const tag = typeof t === 'string' ? normalizeTag(t) : '';
				if (tag === '') err(`${p}.tags.${i}`, 'rule-value-missing', { what: 'a tag' });
				else if (tag.length > LIMITS.tag || /[,;]/.test(tag)) err(`${p}.tags.${i}`, 'tag-invalid', { tag });
			});
			return;
		case 'consent':
			if (!(CONSENT_CHANNELS as readonly string[]).includes(c.channel)) err(`${p}.channel`, 'rule-unknown-condition', { kind: String(c.channel) });
			if (typeof c.granted !== 'boolean') err(`${p}.granted`, 'rule-value-missing', { what: 'given or not given' });
			return;
		case 'registered':
		case 'firstVisit':
			if (c.op !== 'before' && c.op !== 'onOrAfter') err(`${p}.op`, 'rule-unknown-condition', { kind: String(c.op) });
			checkDateRef(c.date, `${p}.date`, err);
			return;
		case 'hasCard':
			if (typeof c.value !== 'boolean') err(`${p}.value`, 'rule-value-missing', { what: 'yes or no' });
			return;
		case 'stat':
			if (!METRICS.includes(c.metric)) err(`${p}.metric`, 'rule-unknown-condition', { kind: String(c.metric) });
			checkWindow(c.window, `${p}.window`, err);
			checkNumberTest(c, p, err, 'an amount');
			return;
		case 'pointsBalance':
			checkNumberTest(c, p, err, 'a number of points');
			return;
		case 'daysSinceLastVisit':
			if (checkNumberTest(c, p, err, 'a number of days') && c.value < 0)
				err(`${p}.value`, 'rule-range-impossible', { why: 'Days since the last visit cannot be negative' });
			return;
		case 'bought':
			if (!['brand', 'category', 'item'].includes(c.what)) err(`${p}.what`, 'rule-unknown-condition', { kind: String(c.what) });
			if (checkList(c.values, `${p}.values`, err, `at least one ${c.what === 'item' ? 'item' : c.what}`)) {
				c.values.forEach((v, i) => {
					if (typeof v !== 'string' || v === '') err(`${p}.values.${i}`, 'rule-value-missing', { what: `a ${c.what}` });
				});
			}
			if (c.days === undefined) err(`${p}.days`, 'rule-value-missing', { what: 'a number of days, or “ever”' });
			else if (c.days !== null) {
				if (!isNum(c.days)) err(`${p}.days`, 'rule-value-missing', { what: 'a number of days, or “ever”' });
				else if (!isWhole(c.days) || c.days < 1) err(`${p}.days`, 'rule-range-impossible', { why: 'Enter a whole number of days, 1 or more' });
			}
			return;
		case 'memberOf':
			if (typeof c.groupId !== 'string' || c.groupId === '') return err(`${p}.groupId`, 'rule-value-missing', { what: 'a group' });
			if (c.levelId !== null && typeof c.levelId !== 'string') return err(`${p}.levelId`, 'rule-value-missing', { what: 'a level' });
			if (ctx.groups) checkMemberOf(c, p, ctx, ctx.groups, err);
			return;
	}
}

function checkMemberOf(c: Extract<Condition, { kind: 'memberOf' }>, p: string, ctx: CheckContext, groups: Group[], err: Report): void {
	const byId = new Map(groups.map((g) => [g.id, g]));
	if (c.groupId === ctx.selfId) {
		const self = byId.get(c.groupId);
		return err(p, 'rule-cycle', { path: `${quote(self?.name)} → ${quote(self?.name)}` });
	}
	const target = byId.get(c.groupId);
	if (!target) return err(`${p}.groupId`, 'rule-unknown-group');
	if (c.levelId !== null && !levelIdsOf(target).has(c.levelId)) return err(`${p}.levelId`, 'rule-unknown-level', { group: target.name });
	if (ctx.selfId === null) return;
	// A cycle: the target's rule (or a rule it refers to, and so on) refers back to this group.
	const chain = pathTo(c.groupId, ctx.selfId, byId, new Set());
	if (chain) {
		const self = byId.get(ctx.selfId);
		err(p, 'rule-cycle', { path: [quote(self?.name), ...chain.map((id) => quote(byId.get(id)?.name))].join(' → ') });
	}
}

const quote = (name: string | undefined) => `“${name ?? 'this group'}”`;

/** Ids from `from` to `to` through memberOf references (both ends included), or null. */
function pathTo(from: string, to: string, byId: Map<string, Group>, seen: Set<string>): string[] | null {
	if (from === to) return [to];
	if (seen.has(from)) return null;
	seen.add(from);
	for (const next of referencedGroups(byId.get(from))) {
		const rest = pathTo(next, to, byId, seen);
		if (rest) return [from, ...rest];
	}
	return null;
}

/** Level ids a memberOf condition may name for this group. */
export function levelIdsOf(g: Group): ReadonlySet<string> {
	if (g.type === 'tiered') return new Set(g.tier.levels.map((l) => l.id));
	if (g.type === 'rfm' || g.id === RFM_GROUP_ID) return RFM_SEGMENT_IDS;
	return new Set();
}

/** Ids of the groups an automatic group's rule refers to through memberOf (sorted, distinct). */
export function referencedGroups(g: Group | undefined): string[] {
	if (!g || g.type !== 'automatic' || !isObject(g.rule)) return [];
	const out = new Set<string>();
	const walk = (n: unknown) => {
		if (!isObject(n)) return;
		if (n.kind === 'block' && Array.isArray(n.children)) n.children.forEach(walk);
		else if (n.kind === 'memberOf' && typeof n.groupId === 'string') out.add(n.groupId);
	};
	walk(g.rule.root);
	return [...out].sort();
}

// ---- Dates a rule depends on -----------------------------------------------------------------------

export function resolveDate(d: DateRef, today: string): string {
	return d.kind === 'date' ? d.date : addDays(today, -d.days);
}

/** First day of a statistics window ending today ('' = from the first sale). */
export function windowFrom(w: StatWindow, today: string): string {
	switch (w.kind) {
		case 'all':
			return '';
		case 'days':
			return addDays(today, -(w.days - 1));
		case 'months':
			return monthsStart(today, w.months);
		case 'calendarYear':
			return today.slice(0, 4) + '-01-01';
		case 'since':
			return w.date;
	}
}

/** Whether the rule's answer can change from one day to the next with no new data. */
export function isDateDependent(rule: StoredRule): boolean {
	const walk = (n: RuleNode): boolean => {
		if (n.kind === 'block') return n.children.some(walk);
		switch (n.kind) {
			case 'age':
			case 'birthdayWithin':
			case 'daysSinceLastVisit':
				return true;
			case 'registered':
			case 'firstVisit':
				return n.date.kind === 'daysAgo';
			case 'stat':
				// 'since' too: a sale dated after today (a till clock ahead) enters when its day comes.
				return n.window.kind !== 'all';
			case 'bought':
				return n.days !== null;
			default:
				return false;
		}
	};
	return walk(rule.root);
}

// ---- Values ----------------------------------------------------------------------------------------

/** A statistic over a window ending today; a customer who never bought has 0 of everything. */
export function statValue(stats: RuleStats | null, metric: StatMetric, window: StatWindow, today: string): number {
	if (!stats) return 0;
	if (window.kind === 'all') {
		switch (metric) {
			case 'spend':
				return stats.totalSpend;
			case 'grossMargin':
				return stats.grossMargin;
			case 'transactions':
				return stats.visits;
			case 'visits':
				return sumDays(stats.days, 'visits', '', '9999-12-31');
			case 'averageBasket':
				return stats.averageBasket;
		}
	}
	const from = windowFrom(window, today);
	return statFrom(stats, metric, from, today);
}

function statFrom(stats: RuleStats, metric: StatMetric, from: string, today: string): number {
	switch (metric) {
		case 'spend':
			return sumDays(stats.days, 'spend', from, today);
		case 'grossMargin':
			return sumDays(stats.days, 'margin', from, today);
		case 'transactions':
			return sumDays(stats.days, 'transactions', from, today);
		case 'visits':
			return sumDays(stats.days, 'visits', from, today);
		case 'averageBasket': {
			const t = sumDays(stats.days, 'transactions', from, today);
			return t > 0 ? Math.round(sumDays(stats.days, 'spend', from, today) / t) : 0;
		}
	}
}

/** How far `x` is from holding the test (in its unit; 1 for a strict bound just missed), or 0. */
export function numberGap(t: NumberTest, x: number): number {
	switch (t.op) {
		case 'gte':
			return Math.max(0, t.value - x);
		case 'gt':
			return x > t.value ? 0 : t.value - x + 1;
		case 'lte':
			return Math.max(0, x - t.value);
		case 'lt':
			return x < t.value ? 0 : x - t.value + 1;
		case 'eq':
			return Math.abs(x - t.value);
		case 'between':
			return x < t.value ? t.value - x : x > (t.max ?? x) ? x - (t.max ?? x) : 0;
	}
}

/** The whole numbers a test accepts, as [lowest, highest] (either may be infinite; empty when lo > hi). */
function wholeRange(t: NumberTest): [number, number] {
	switch (t.op) {
		case 'gte':
			return [Math.ceil(t.value), Infinity];
		case 'gt':
			return [Math.floor(t.value) + 1, Infinity];
		case 'lte':
			return [-Infinity, Math.floor(t.value)];
		case 'lt':
			return [-Infinity, Math.ceil(t.value) - 1];
		case 'eq':
			return Number.isInteger(t.value) ? [t.value, t.value] : [1, 0];
		case 'between':
			return [Math.ceil(t.value), Math.floor(t.max ?? NaN)];
	}
}

function isLeap(y: number): boolean {
	return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Month-days ('MM-DD') that are a birthday on one of the days today … today + days. */
function birthdaysWithin(today: string, days: number): Set<string> {
	const out = new Set<string>();
	for (let i = 0; i <= Math.min(days, 366); i++) {
		const d = addDays(today, i);
		const md = d.slice(5);
		out.add(md);
		// 29 February birthdays are kept on 28 February in other years.
		if (md === '02-28' && !isLeap(Number(d.slice(0, 4)))) out.add('02-29');
	}
	return out;
}

/** Days from today to the next birthday (0 = today; 29 February counted on 28 February in other years), or null. */
export function daysToBirthday(birthDate: string, today: string): number | null {
	if (!isValidDate(birthDate)) return null;
	for (let i = 0; i <= 366; i++) if (birthdaysWithin(addDays(today, i), 0).has(birthDate.slice(5))) return i;
	return null;
}

// ---- Compilation -----------------------------------------------------------------------------------

/**
 * The rule as a closure. Everything that depends only on the rule and the day (date bounds,
 * birthday sets, window starts) is worked out here once, so testing one customer is a few
 * comparisons and, for statistics, a short sum over their last day buckets.
 */
export function compileRule(rule: StoredRule, ctx: EvalContext): CompiledRule {
	// A draft being edited (a live preview) may be unfinished: it matches nobody rather than
	// throwing. Empty blocks compile fine (an empty "all" holds for nobody).
	const errors: FieldError[] = [];
	if (isObject(rule)) checkNode(rule.root, 'rule', 0, { groups: null, selfId: null, storeIds: null }, errors);
	if (!isObject(rule) || errors.some((e) => MALFORMED.has(e.code) && e.code !== 'rule-empty-block')) return () => false;
	return compileNode(rule.root, ctx);
}

function compileNode(n: RuleNode, ctx: EvalContext): CompiledRule {
	if (n.kind === 'block') return compileBlock(n, ctx);
	return compileCondition(n, ctx);
}

// Conditions are pure, so a block may test them in any order: the cheap ones first (attributes,
// then memberships, then sums over day buckets, then nested blocks) settle most customers early.
const COST: Partial<Record<RuleNode['kind'], number>> = {
	memberOf: 1, stat: 2, daysSinceLastVisit: 2, firstVisit: 2, bought: 2, postcodePrefix: 1, tags: 1, block: 3
};

function compileBlock(b: RuleBlock, ctx: EvalContext): CompiledRule {
	const cost = (n: RuleNode) => COST[n.kind] ?? 0;
	const children = [...b.children].sort((x, y) => cost(x) - cost(y)).map((c) => compileNode(c, ctx));
	const n = children.length;
	// "All of" or "any of" one condition is that condition: one call less per customer.
	if (n === 1 && b.op !== 'none') return children[0];
	if (b.op === 'all') {
		return (f, m) => {
			for (let i = 0; i < n; i++) if (!children[i](f, m)) return false;
			return n > 0;
		};
	}
	const any: CompiledRule = (f, m) => {
		for (let i = 0; i < n; i++) if (children[i](f, m)) return true;
		return false;
	};
	return b.op === 'any' ? any : (f, m) => n > 0 && !any(f, m);
}

function compileCondition(c: Condition, ctx: EvalContext): CompiledRule {
	const { today } = ctx;
	switch (c.kind) {
		case 'age': {
			// Ages become birth-date bounds, as in the customer list: age ≥ a exactly when born on
			// or before the same month-day a years ago (29 February birthdays age on 1 March, like ageOn).
			const [lo, hi] = wholeRange(c);
			if (lo > hi || hi < 0) return () => false;
			const latest = yearsBefore(today, Math.max(0, lo));
			const earliestExcluded = hi === Infinity ? '' : yearsBefore(today, hi + 1);
			return (f) => f.birthDate.length === 10 && f.birthDate <= latest && f.birthDate > earliestExcluded;
		}
		case 'birthdayMonth': {
			const months = new Set(c.months);
			return (f) => months.has(f.birthMonth);
		}
		case 'birthdayWithin': {
			const days = birthdaysWithin(today, c.days);
			return (f) => f.birthMonthDay !== '' && days.has(f.birthMonthDay);
		}
		case 'gender': {
			const genders = new Set<string>(c.genders);
			return (f) => genders.has(f.gender);
		}
		case 'store': {
			const stores = new Set(c.storeIds);
			return (f) => stores.has(f.storeId);
		}
		case 'postcodePrefix': {
			const prefixes = c.prefixes.map(foldCompact).filter((p) => p !== '');
			return (f) => {
				if (f.postcode === '') return false;
				for (const p of prefixes) if (f.postcode.startsWith(p)) return true;
				return false;
			};
		}
		case 'tags': {
			const tags = c.tags.map(normalizeTag);
			if (c.match === 'all') {
				return (f) => {
					for (const t of tags) if (!f.tags.includes(t)) return false;
					return true;
				};
			}
			return (f) => {
				for (const t of tags) if (f.tags.includes(t)) return true;
				return false;
			};
		}
		case 'consent': {
			const { channel, granted } = c;
			return (f) => f.consent[channel] === granted;
		}
		case 'registered': {
			const bound = startOfDayIn(resolveDate(c.date, today), ctx.timeZone);
			return c.op === 'before' ? (f) => f.registeredMs < bound : (f) => f.registeredMs >= bound;
		}
		case 'hasCard': {
			const want = c.value;
			return (f) => f.hasCard === want;
		}
		case 'stat': {
			// Statistics are whole numbers (minor units, counts, a rounded average): the test is
			// a range of whole numbers, compared inline.
			const [lo, hi] = wholeRange(c);
			if (lo > hi) return () => false;
			const { metric, window } = c;
			if (window.kind === 'all') {
				return (f) => {
					const x = statValue(f.stats, metric, window, today);
					return x >= lo && x <= hi;
				};
			}
			const from = windowFrom(window, today);
			const zeroHolds = 0 >= lo && 0 <= hi;
			return (f) => {
				if (f.stats === null) return zeroHolds;
				const x = statFrom(f.stats, metric, from, today);
				return x >= lo && x <= hi;
			};
		}
		case 'pointsBalance': {
			const [lo, hi] = wholeRange(c);
			return (f) => {
				const x = f.stats === null ? 0 : f.stats.pointsBalance;
				return x >= lo && x <= hi;
			};
		}
		case 'daysSinceLastVisit': {
			// n days since ⇔ last visit on today − n: the test becomes a range of days.
			const [lo, hi] = wholeRange(c);
			if (lo > hi) return () => false;
			const earliest = hi === Infinity ? '' : addDays(today, -hi);
			const latest = lo === -Infinity ? today : addDays(today, -lo);
			return (f) => {
				const d = lastVisitDay(f.stats, today);
				return d !== null && d >= earliest && d <= latest;
			};
		}
		case 'firstVisit': {
			const bound = resolveDate(c.date, today);
			const before = c.op === 'before';
			return (f) => {
				const d = firstVisitDay(f.stats);
				return d !== null && (before ? d < bound : d >= bound);
			};
		}
		case 'bought': {
			const prefix = c.what === 'brand' ? 'b:' : c.what === 'category' ? 'c:' : 'i:';
			const keys = c.values.map((v) => prefix + v);
			const from = c.days === null ? '' : addDays(today, -(c.days - 1));
			return (f) => {
				const lb = f.stats?.lastBought;
				if (!lb) return false;
				for (const k of keys) {
					const d = lastBoughtDay(lb, k);
					if (d !== undefined && d >= from) return true;
				}
				return false;
			};
		}
		case 'memberOf': {
			// "All customers" is implied, never a stored key.
			if (c.groupId === ALL_CUSTOMERS_ID) return () => c.levelId === null;
			const key = c.levelId === null ? c.groupId : levelKey(c.groupId, c.levelId);
			return (_f, memberOf) => memberOf(key);
		}
	}
}

// ---- Why? --------------------------------------------------------------------------------------------

/** Every condition of the rule checked against one customer, with their actual value. */
export function explainRule(rule: StoredRule, f: CustomerFacts, memberOf: MemberOf, ctx: EvalContext): ConditionCheck[] {
	const out: ConditionCheck[] = [];
	const walk = (n: RuleNode, path: string) => {
		if (n.kind === 'block') return n.children.forEach((c, i) => walk(c, path === '' ? String(i) : `${path}.${i}`));
		const holds = compileCondition(n, ctx)(f, memberOf);
		const actual = actualValue(n, f, memberOf, ctx);
		const check: ConditionCheck = { path, condition: n, holds, actual };
		if (!holds && typeof actual === 'number' && 'op' in n && NUMBER_OPS.includes(n.op as string)) {
			check.gap = numberGap(n as NumberTest, actual);
		}
		out.push(check);
	};
	walk(rule.root, '');
	return out;
}

function actualValue(c: Condition, f: CustomerFacts, memberOf: MemberOf, ctx: EvalContext): ConditionCheck['actual'] {
	const { today } = ctx;
	switch (c.kind) {
		case 'age':
			return ageOn(f.birthDate, today);
		case 'birthdayMonth':
			return f.birthMonth || null;
		case 'birthdayWithin':
			return daysToBirthday(f.birthDate, today);
		case 'gender':
			return f.gender;
		case 'store':
			return f.storeId || null;
		case 'postcodePrefix':
			return f.postcode || null;
		case 'tags':
			return f.tags;
		case 'consent':
			return f.consent[c.channel] ?? false;
		case 'registered':
			return Number.isNaN(f.registeredMs) ? null : dayOfInstant(f.registeredMs, ctx.timeZone);
		case 'hasCard':
			return f.hasCard;
		case 'stat':
			return statValue(f.stats, c.metric, c.window, today);
		case 'pointsBalance':
			return f.stats?.pointsBalance ?? 0;
		case 'daysSinceLastVisit': {
			const d = lastVisitDay(f.stats, today);
			return d === null ? null : daysBetween(d, today);
		}
		case 'firstVisit':
			return firstVisitDay(f.stats);
		case 'bought': {
			const prefix = c.what === 'brand' ? 'b:' : c.what === 'category' ? 'c:' : 'i:';
			let last: string | null = null;
			for (const v of c.values) {
				const d = f.stats ? lastBoughtDay(f.stats.lastBought, prefix + v) : undefined;
				if (d !== undefined && (last === null || d > last)) last = d;
			}
			return last;
		}
		case 'memberOf':
			if (c.groupId === ALL_CUSTOMERS_ID) return c.levelId === null;
			return memberOf(c.levelId === null ? c.groupId : levelKey(c.groupId, c.levelId));
	}
}

// ---- From the customer list's filter ---------------------------------------------------------------

/**
 * The customer list's filter as a rule matching exactly the same customers (for "save this filter
 * as an automatic group"). An empty filter gives an empty block, which validation refuses.
 */
export function filterToRule(filter: CustomerFilter): StoredRule {
	const children: Condition[] = [];
	const set = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n);
	const { ageMin, ageMax } = filter;
	if (set(ageMin) && set(ageMax)) children.push({ kind: 'age', op: 'between', value: ageMin, max: ageMax });
	else if (set(ageMin)) children.push({ kind: 'age', op: 'gte', value: ageMin });
	else if (set(ageMax)) children.push({ kind: 'age', op: 'lte', value: ageMax });
	if (filter.genders?.length) children.push({ kind: 'gender', genders: [...filter.genders] });
	if (filter.birthMonths?.length) children.push({ kind: 'birthdayMonth', months: [...filter.birthMonths] });
	if (filter.storeIds?.length) children.push({ kind: 'store', storeIds: [...filter.storeIds] });
	for (const c of filter.consent ?? []) children.push({ kind: 'consent', channel: c.channel, granted: c.granted });
	if (filter.tags?.length) children.push({ kind: 'tags', match: 'all', tags: filter.tags.map((t) => t.trim().toLowerCase()) });
	if (set(filter.spend12mMin))
		children.push({ kind: 'stat', metric: 'spend', window: { kind: 'months', months: 12 }, op: 'gte', value: filter.spend12mMin });
	// The list's "visits" are sales with quantity > 0 over all time: the rule language's transactions.
	if (set(filter.visitsMin)) children.push({ kind: 'stat', metric: 'transactions', window: { kind: 'all' }, op: 'gte', value: filter.visitsMin });
	if (set(filter.pointsMin)) children.push({ kind: 'pointsBalance', op: 'gte', value: filter.pointsMin });
	return { version: RULE_SCHEMA_VERSION, root: { kind: 'block', op: 'all', children } };
}
