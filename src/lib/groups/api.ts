// The contract between the UI and the groups data layer. Components depend on these types only;
// DexieGroupService (service.ts, over Dexie + Yjs + the derive worker) implements them.
import type { FieldError } from '$lib/domain/errors';
import type {
	Explanation,
	Group,
	GroupDraft,
	LevelOverride,
	MembershipEvent,
	MembershipKey,
	StoredRule
} from '$lib/domain/groups/types';

/** A group as the list shows it. */
export interface GroupRecord {
	group: Group;
	/**
	 * The stored definition is from a newer version of the app (a rule version this build cannot
	 * read): shown as "needs an update", never evaluated, never edited here.
	 */
	needsUpdate: boolean;
	/** Derived: members now (for tiered/RFM: in any level), and per level. */
	members: number;
	levels: Record<string, number>;
}

export type GroupWriteResult = { ok: true; id: string } | { ok: false; errors: FieldError[] };

export interface BulkProgress {
	done: number;
	total: number;
}

export interface BulkOutcome {
	/** Customers whose memberships changed. */
	changed: number;
	cancelled: boolean;
}

/** Live count while a rule is edited. */
export interface RulePreview {
	count: number;
	total: number;
	sample: { id: string; name: string }[];
}

export interface CustomerGroupInfo {
	key: MembershipKey;
	groupId: string;
	levelId: string | null;
	name: string;
	/** 'Gold' within 'Spend tiers'. */
	levelName: string | null;
	type: Group['type'];
	vip: boolean;
	since: string | null;
	/** Tier level set by staff. */
	override: LevelOverride | null;
}

export interface GroupService {
	/** Every group including the built-in ones, with member counts. */
	list(): Promise<GroupRecord[]>;
	get(id: string): Promise<GroupRecord | undefined>;
	/** Validates (name required and unique, rule, levels, self-reference through memberOf) then writes. */
	create(draft: GroupDraft): Promise<GroupWriteResult>;
	update(id: string, draft: GroupDraft, base?: GroupDraft): Promise<GroupWriteResult>;
	/**
	 * Refused with a message when built in, or when another group's rule uses it. Refused with
	 * 'benefit-group-in-use' when benefits or coupons depend on it, unless `removeDependents`: then
	 * its benefits are deleted and its keys taken out of coupons in the same write (a coupon left
	 * without groups is closed, never opened to everyone).
	 */
	remove(id: string, opts?: { removeDependents?: boolean }): Promise<GroupWriteResult>;
	/**
	 * Removes every manual member key (adds, removes, levels) of deleted groups from the customer
	 * buckets: done by remove(), and by every tablet that hears of a deletion or receives a late
	 * add for a deleted group (GROUPS_DELETED_KIND). Returns how many keys went.
	 */
	purgeMembers(groupIds: string[]): Promise<number>;
	/**
	 * Adds customers to manual groups ('every-manual': all of them). In batches; each batch is one
	 * transaction, so a cancel stops between batches and never leaves half a batch.
	 */
	addMembers(
		groupIds: string[] | 'every-manual',
		customerIds: string[],
		opts?: { signal?: AbortSignal; onProgress?: (p: BulkProgress) => void; by?: string }
	): Promise<BulkOutcome>;
	/** Removes customers from manual groups ('every-manual': from all). "All customers" cannot be chosen. */
	removeMembers(
		groupIds: string[] | 'every-manual',
		customerIds: string[],
		opts?: { signal?: AbortSignal; onProgress?: (p: BulkProgress) => void; by?: string }
	): Promise<BulkOutcome>;
	/** Sets (or with null clears) a staff-set level of a tiered group. */
	setLevel(customerId: string, groupId: string, override: LevelOverride | null): Promise<GroupWriteResult>;
	/** Groups and levels the customer is in now ("All customers" first). */
	groupsOf(customerId: string): Promise<CustomerGroupInfo[]>;
	/** Joined / left, newest first. */
	history(customerId: string): Promise<MembershipEvent[]>;
	/** Customer ids in a group or level (index lookup). */
	memberIds(key: MembershipKey): Promise<string[]>;
	/** "Why?" for an automatic group or a tiered group's level. */
	explain(customerId: string, groupId: string): Promise<Explanation>;
	/** Live count of a rule being edited (evaluated in the derive worker). */
	preview(rule: StoredRule, excludeGroupId?: string): Promise<RulePreview>;
	/** RFM: customers per segment now and a month ago, and how many moved from each to each. */
	rfmMovement(): Promise<{ since: string | null; from: string[]; to: string[]; counts: number[][] } | null>;
}
