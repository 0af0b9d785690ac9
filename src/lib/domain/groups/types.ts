// Customer groups as every part of the app sees them. Pure data: no DOM, Dexie or Yjs.
//
// Replicated (Yjs): group definitions (this file's Group), manual memberships and manual tier
// levels (ManualMember). Derived on every tablet, never replicated: who is in which automatic
// group, tier level and RFM segment (Membership), since when and why (MembershipEvent).
import type { ConsentChannel, Gender } from '../customer';

// ---- Rules: a JSON syntax tree with a schema version, never code --------------------------------

/** Version of the rule language this build reads and writes. A newer stored version is kept, shown as "needs an update" and never evaluated. */
export const RULE_SCHEMA_VERSION = 1;

export interface StoredRule {
	version: number;
	root: RuleBlock;
}

/** all: every child holds; any: at least one; none: no child holds. An empty block is invalid. */
export interface RuleBlock {
	kind: 'block';
	op: 'all' | 'any' | 'none';
	children: RuleNode[];
}

export type RuleNode = RuleBlock | Condition;

/** A date in a rule: fixed ('2026-01-01') or relative to the day of evaluation (stays relative). */
export type DateRef = { kind: 'date'; date: string } | { kind: 'daysAgo'; days: number };

/** Which sales a statistic counts. Days are shop-zone days; every window ends today (inclusive). */
export type StatWindow =
	| { kind: 'all' }
	| { kind: 'days'; days: number }
	| { kind: 'months'; months: number }
	| { kind: 'calendarYear' }
	| { kind: 'since'; date: string };

export type NumberOp = 'gte' | 'lte' | 'gt' | 'lt' | 'eq' | 'between';

/** Money in minor units, as everywhere. `max` only with 'between' (inclusive both ends). */
export interface NumberTest {
	op: NumberOp;
	value: number;
	max?: number;
}

export type StatMetric = 'spend' | 'visits' | 'transactions' | 'grossMargin' | 'averageBasket';

export type Condition =
	// Customer attributes
	| ({ kind: 'age' } & NumberTest)
	| { kind: 'birthdayMonth'; months: number[] }
	/** Birthday today or within the next `days` days (0 = today). 29 February counts on 28 February in other years. */
	| { kind: 'birthdayWithin'; days: number }
	| { kind: 'gender'; genders: Gender[] }
	| { kind: 'store'; storeIds: string[] }
	/** Default address's postcode starts with one of them (compared folded, without spaces). */
	| { kind: 'postcodePrefix'; prefixes: string[] }
	| { kind: 'tags'; match: 'all' | 'any'; tags: string[] }
	| { kind: 'consent'; channel: ConsentChannel; granted: boolean }
	| { kind: 'registered'; op: 'before' | 'onOrAfter'; date: DateRef }
	| { kind: 'hasCard'; value: boolean }
	// Statistics (from the derived CustomerStats)
	| ({ kind: 'stat'; metric: StatMetric; window: StatWindow } & NumberTest)
	| ({ kind: 'pointsBalance' } & NumberTest)
	/** Customers without any visit never match (there is no "days since"). */
	| ({ kind: 'daysSinceLastVisit' } & NumberTest)
	| { kind: 'firstVisit'; op: 'before' | 'onOrAfter'; date: DateRef }
	/** Bought (a line with quantity > 0) any of `values` within the last `days` days (null: ever). */
	| { kind: 'bought'; what: 'brand' | 'category' | 'item'; values: string[]; days: number | null }
	/** Member of another group; of one of its levels when levelId is set. Cycles are refused. */
	| { kind: 'memberOf'; groupId: string; levelId: string | null };

export type ConditionKind = Condition['kind'];

// ---- Tiers ----------------------------------------------------------------------------------------

export type TierMetric = 'spend' | 'grossMargin' | 'transactions' | 'visits';

export type TierWindow =
	| { kind: 'rollingMonths'; months: number }
	| { kind: 'calendarYear' }
	| { kind: 'since'; date: string }
	| { kind: 'allTime' };

/** [min, max): min inclusive, max exclusive, null = no upper bound. Money in minor units. */
export interface TierLevel {
	id: string;
	name: string;
	min: number;
	max: number | null;
	vip: boolean;
}

export interface TierConfig {
	metric: TierMetric;
	window: TierWindow;
	/** Sorted by min. */
	levels: TierLevel[];
	/** 0: no retention. Otherwise a level is kept this many months after reaching it; down one level at a time. */
	retentionMonths: number;
}

// ---- Groups ---------------------------------------------------------------------------------------

export type GroupType = 'all' | 'manual' | 'automatic' | 'tiered' | 'rfm';

/** The built-in groups: they always exist and cannot be deleted. */
export const ALL_CUSTOMERS_ID = 'all';
export const RFM_GROUP_ID = 'rfm';

export interface GroupCommon {
	id: string;
	name: string;
	description: string;
	tags: string[];
	vip: boolean;
	/** Category benefits (applied at the till by the benefits issue; stored, validated and shown here). */
	discountPct: number | null;
	loyaltyEnabled: boolean;
	appAccess: boolean;
	createdAt: string;
	createdBy: string;
	updatedAt: string;
}

export type Group =
	| (GroupCommon & { type: 'all' })
	| (GroupCommon & { type: 'manual' })
	| (GroupCommon & { type: 'automatic'; rule: StoredRule })
	| (GroupCommon & { type: 'tiered'; tier: TierConfig })
	/** RFM segments are its levels (fixed ids, see rfm.ts); `enabled` switches the computation on. */
	| (GroupCommon & { type: 'rfm'; enabled: boolean });

/** What forms and the service take to create or update a group. */
export type GroupDraft = DistributiveOmit<Group, 'id' | 'createdAt' | 'createdBy' | 'updatedAt'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// ---- Memberships ----------------------------------------------------------------------------------

/** A staff-set level of a tiered group, replicated; shown as "set by staff" until `until`. */
export interface LevelOverride {
	levelId: string;
	reason: string;
	/** 'YYYY-MM-DD' (shop's zone), inclusive. */
	until: string;
	by: string;
	at: string;
}

/** One customer × manual group, as projected from the replicated data. */
export interface ManualMember {
	customerId: string;
	groupId: string;
	member: boolean;
	/** When and by whom the winning add or remove was made. */
	at: string;
	by: string;
	/** Only on tiered groups. */
	level: LevelOverride | null;
}

/** Key of a membership: a group id, or `${groupId}/${levelId}` for a tier level or RFM segment. */
export type MembershipKey = string;

export function levelKey(groupId: string, levelId: string): MembershipKey {
	return `${groupId}/${levelId}`;
}

/**
 * Derived: everything one customer belongs to (manual groups included; "All customers" implied,
 * not stored). A customer in a tier level has both the group's id and the level's key.
 */
export interface Membership {
	customerId: string;
	keys: MembershipKey[];
	/** key → ISO instant since when. */
	since: Record<MembershipKey, string>;
}

export type MembershipReason = 'rule' | 'sale' | 'date' | 'manual' | 'profile' | 'rebuild' | 'retention';

/** Derived history: joined / left, when, why. */
export interface MembershipEvent {
	seq?: number;
	customerId: string;
	key: MembershipKey;
	change: 'joined' | 'left';
	at: string;
	why: MembershipReason;
	/** Who, for manual changes. */
	by?: string;
}

// ---- Why? -----------------------------------------------------------------------------------------

/** One condition checked against one customer: actual value against the threshold. */
export interface ConditionCheck {
	/** Path in the rule tree ('0.2.1'). */
	path: string;
	condition: Condition;
	holds: boolean;
	/** The customer's value, in the condition's unit (minor units for money, days, years, ...); null when unknown. */
	actual: number | string | string[] | boolean | null;
	/** For number tests that fail: how far from holding (e.g. 8800 minor units to go). */
	gap?: number;
}

export interface Explanation {
	groupId: string;
	holds: boolean;
	/** For automatic groups: each condition; blocks are summarised by their children. */
	checks: ConditionCheck[];
	/** For tiered groups: the metric value, the level by value, the level held (retention, override) and the next level's gap. */
	tier?: {
		value: number;
		levelByValue: string | null;
		levelHeld: string | null;
		heldBecause: 'value' | 'retention' | 'override' | null;
		next: { levelId: string; gap: number } | null;
	};
}
