// The derive worker's one typed contract (STYLE 2). The main thread calls it through
// Comlink.wrap<DeriveApi>(); tests call a Deriver directly. Per-feature parts (statistics, group
// memberships) are composed into it.
import type { ChangeSet } from '$lib/store/docstore';
import type { Explanation, StoredRule } from '$lib/domain/groups/types';
import type { RulePreview } from '$lib/groups/api';
import type { RfmMovement } from '$lib/groups/derive';
import type { MembershipKey } from '$lib/domain/groups/types';
import type { GroupReport } from '$lib/domain/reports/report';
import type { DuplicatePair } from '$lib/domain/duplicates';

/** The duplicate finder's answer: the pairs, and what it took (for the view and the benchmark). */
export interface DuplicateScan {
	pairs: DuplicatePair[];
	customers: number;
	/** Milliseconds: reading the customers, and comparing them. */
	readMs: number;
	compareMs: number;
}

/**
 * Bumped whenever what is derived, or how, changes: the first start after an update then rebuilds
 * every derived row from the replicated data.
 */
// 5: opening balances from customer imports counted into statistics (CustomerStats.opening, an
// opening day bucket).
export const DERIVE_VERSION = 5;

/** Where the derivation state lives in the kv table. */
export const DERIVE_STATE_KEY = 'derive.state';

/** What the derivation needs to know of the world; passed in by the main thread on every call. */
export interface DeriveContext {
	/** 'YYYY-MM-DD' in the shop's time zone. */
	today: string;
	timeZone: string;
	/** ISO instant, for "last rebuilt". */
	now: string;
}

export interface DeriveProgress {
	phase: 'rebuild' | 'roll';
	done: number;
	total: number;
}

export type RebuildReason = 'requested' | 'new-version' | 'time-zone' | 'clock-back';

/** Persisted beside the derived tables (kv 'derive.state'); what Settings shows. */
export interface DeriveState {
	version: number;
	/** Zone the day buckets were computed in: a change of zone rebuilds. */
	timeZone: string;
	/** Day the rolling windows were last rolled forward to. */
	asOf: string;
	/** When the last full rebuild finished (ISO), or null before the first. */
	rebuiltAt: string | null;
	/** A rebuild in progress: customers up to `cursor` (inclusive) are done. Survives a closed tab. */
	rebuild: { cursor: string; reason: RebuildReason; startedAt: string; done: number; total: number } | null;
}

/** ChangeSet key under which the ids of customers whose statistics changed are announced. */
export const STATS_KIND = 'stats';
/** Announced after a rebuild or a roll that may have changed any customer's statistics. */
export const STATS_ALL_KIND = 'stats:all';

/** 'urgent': the small-lane rows (the till's own flushes); 'all': the bulk lane's too. */
export type DrainLane = 'urgent' | 'all';

export interface DeriveApi {
	/** Opens the shop's database (same name as the main thread's). */
	open(dbName: string): Promise<void>;
	/**
	 * On start: resumes an interrupted rebuild, rebuilds on a new derivation version or time zone,
	 * rolls the rolling windows forward past midnight, then derives whatever is queued.
	 */
	start(ctx: DeriveContext, onProgress?: (p: DeriveProgress) => void): Promise<ChangeSet>;
	/**
	 * Derives queued changes (each batch in one transaction) and returns what changed: the small
	 * lane only ('urgent': what the till waits for), or both ('all', the bulk lane a slice at a time).
	 */
	drain(ctx: DeriveContext, lane?: DrainLane): Promise<ChangeSet>;
	/** One batch, small lane first, else a slice of the bulk lane; `more`: call again. */
	drainSlice(ctx: DeriveContext): Promise<{ changes: ChangeSet; more: boolean }>;
	/** Recomputes every derived row from the replicated data, resumably. */
	rebuild(ctx: DeriveContext, reason: RebuildReason, onProgress?: (p: DeriveProgress) => void): Promise<ChangeSet>;
	/** Moves rolling windows forward to ctx.today (midnight), reading no sale unless the date went back. */
	roll(ctx: DeriveContext, onProgress?: (p: DeriveProgress) => void): Promise<ChangeSet>;
	state(): Promise<DeriveState | null>;
	/** Live count of a rule being edited, over every customer's facts held by the worker. */
	preview(rule: StoredRule, excludeGroupId: string | null, ctx: DeriveContext): Promise<RulePreview>;
	/** "Why?" for one customer and one automatic or tiered group. */
	explain(customerId: string, groupId: string, ctx: DeriveContext): Promise<Explanation>;
	/** RFM: customers per segment at the start of the month against now; null while RFM is off. */
	rfmMovement(): Promise<RfmMovement | null>;
	/**
	 * The group report of a group or level over shop-zone days [from, to]: its members now, from
	 * their statistics and the shop's day totals (no sale is read). The range is validated by the caller.
	 */
	report(key: MembershipKey, from: string, to: string, ctx: DeriveContext): Promise<GroupReport>;
	/** Possible duplicate customers (shared email, phone or card; similar names with the same postcode or birth date). */
	duplicates(): Promise<DuplicateScan>;
}
