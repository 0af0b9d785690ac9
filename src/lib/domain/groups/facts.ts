// What group rules read about one customer: a flat, compact record built once per change of the
// customer, their statistics or their manual memberships, and then tested by every group.
import { CONSENT_CHANNELS, defaultAddress, fullName, type ConsentChannel, type Customer, type Gender } from '../customer';
import type { CustomerStats, DayBucket } from '../sales/stats';
import { isValidDate } from '../dates';
import { foldCompact } from '../text';
import type { LevelOverride, ManualMember } from './types';

export interface CustomerFacts {
	id: string;
	name: string;
	/** 'YYYY-MM-DD' or ''. */
	birthDate: string;
	/** Month of birth 1–12, 0 when unknown. */
	birthMonth: number;
	/** 'MM-DD' of the birth date, '' when unknown (birthday conditions compare it without slicing per customer). */
	birthMonthDay: string;
	gender: Gender;
	storeId: string;
	/** Default address's postcode, folded, without spaces ('' when none). */
	postcode: string;
	/** Lower-case, as stored on the customer. */
	tags: string[];
	consent: Record<ConsentChannel, boolean>;
	/** ISO instant. */
	registeredAt: string;
	/** registeredAt as epoch milliseconds (NaN when unreadable), parsed once here, not per rule. */
	registeredMs: number;
	hasCard: boolean;
	/** The part of the customer's statistics rules read (null: never bought anything). */
	stats: RuleStats | null;
	/** Manual groups the customer is in (ids; groups deleted since may still be listed). */
	manual: string[];
	/** Staff-set tier levels by tiered group id. */
	overrides: Record<string, LevelOverride>;
}

/**
 * What rules, tiers and RFM read of CustomerStats. The bookkeeping of the incremental form (sale
 * ids, units per brand and size, top lists) stays out: the derive worker holds the facts of every
 * customer, and those fields are most of a CustomerStats' memory.
 */
export type RuleStats = Pick<
	CustomerStats,
	'customerId' | 'asOf' | 'totalSpend' | 'grossMargin' | 'visits' | 'pointsBalance' | 'averageBasket' | 'days' | 'lastBought'
>;

export function ruleStats(s: CustomerStats): RuleStats {
	return {
		customerId: s.customerId,
		asOf: s.asOf,
		totalSpend: s.totalSpend,
		grossMargin: s.grossMargin,
		visits: s.visits,
		pointsBalance: s.pointsBalance,
		averageBasket: s.averageBasket,
		days: s.days,
		lastBought: s.lastBought
	};
}

/** 'YYYY-MM-DD' shop-zone day and the moment it is evaluated. */
export interface EvalContext {
	today: string;
	timeZone: string;
	/** ISO instant. */
	now: string;
}

// The worker holds the facts of every customer: values most customers share (no manual groups,
// the same consents, the same birthday) are one object or string for all of them.
const NO_GROUPS: string[] = [];
const NO_OVERRIDES: Record<string, LevelOverride> = {};
const shared = new Map<string, string>();
const consents = new Map<string, Record<ConsentChannel, boolean>>();

function share(s: string): string {
	const known = shared.get(s);
	if (known !== undefined) return known;
	if (shared.size > 10_000) shared.clear();
	shared.set(s, s);
	return s;
}

function consentOf(customer: Customer): Record<ConsentChannel, boolean> {
	let key = '';
	for (const ch of CONSENT_CHANNELS) key += customer.consents[ch]?.status === 'granted' ? '1' : '0';
	let c = consents.get(key);
	if (!c) {
		c = {} as Record<ConsentChannel, boolean>;
		CONSENT_CHANNELS.forEach((ch, i) => (c![ch] = key[i] === '1'));
		consents.set(key, Object.freeze(c));
	}
	return c;
}

export function factsOf(customer: Customer, stats: CustomerStats | undefined, manual: readonly ManualMember[]): CustomerFacts {
	const valid = isValidDate(customer.birthDate);
	let groups = NO_GROUPS;
	let overrides = NO_OVERRIDES;
	for (const m of manual) {
		if (m.customerId !== customer.id) continue;
		if (m.member && !groups.includes(m.groupId)) groups = [...groups, m.groupId];
		if (m.level) overrides = { ...overrides, [m.groupId]: m.level };
	}
	return {
		id: customer.id,
		name: fullName(customer),
		birthDate: customer.birthDate,
		birthMonth: valid ? Number(customer.birthDate.slice(5, 7)) : 0,
		birthMonthDay: valid ? share(customer.birthDate.slice(5)) : '',
		gender: customer.gender,
		storeId: customer.storeId,
		postcode: foldCompact(defaultAddress(customer)?.postcode ?? ''),
		tags: customer.tags,
		consent: consentOf(customer),
		registeredAt: customer.registeredAt,
		registeredMs: Date.parse(customer.registeredAt),
		hasCard: customer.cards.length > 0,
		stats: stats ? ruleStats(stats) : null,
		manual: groups.length > 1 ? groups.sort() : groups,
		overrides
	};
}

// ---- Statistics read by rules, tiers and RFM ---------------------------------------------------

export type DayField = 'spend' | 'margin' | 'visits' | 'transactions';

/** Sum of one field over the buckets from `from` to `to` inclusive ('' = from the first). */
export function sumDays(days: readonly DayBucket[], field: DayField, from: string, to: string): number {
	let sum = 0;
	// Newest first: a window ending today usually covers only the last few buckets.
	for (let i = days.length - 1; i >= 0; i--) {
		const b = days[i];
		if (b.day < from) break;
		if (b.day <= to) sum += b[field];
	}
	return sum;
}

/** Shop-zone day of the latest visit (a sale with quantity > 0) on or before `to`, or null. */
export function lastVisitDay(stats: RuleStats | null, to: string): string | null {
	if (!stats) return null;
	for (let i = stats.days.length - 1; i >= 0; i--) {
		const b = stats.days[i];
		if (b.transactions > 0 && b.day <= to) return b.day;
	}
	return null;
}

/** Shop-zone day of the first visit, or null. */
export function firstVisitDay(stats: RuleStats | null): string | null {
	if (!stats) return null;
	for (const b of stats.days) if (b.transactions > 0) return b.day;
	return null;
}
