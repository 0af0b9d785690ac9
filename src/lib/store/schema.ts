// The one Dexie database of a tablet. Replicated data lives in Yjs (src/lib/sync); everything in the
// tables below except `ydocs`/`yupdates`/`kv`-device entries is a projection of it, rebuildable at any time.
import Dexie, { type Table } from 'dexie';
import type { Customer } from '$lib/domain/customer';
import type { ConsentEvent } from '$lib/domain/privacy/consent';
import type { Item, PointAdjustment, Sale } from '$lib/domain/sales/types';
import type { CustomerStats } from '$lib/domain/sales/stats';
import { dupKeysOf, encodeDupKeys, type DuplicateInput } from '$lib/domain/duplicates';
import type { Benefit, Coupon } from '$lib/domain/benefits/types';
import type { Group, ManualMember, Membership, MembershipEvent, MembershipKey } from '$lib/domain/groups/types';
import type { ShopDay } from '$lib/domain/reports/report';
import type { CampaignRecord } from '$lib/domain/reports/campaign';
import type { OpeningBalance } from '$lib/domain/opening';

/** A customer as projected for reading: the record plus derived keys for the indexes. */
export interface CustomerRecord extends Customer {
	/** Search keys with kind prefixes ('n:', 'e:', 'p:', 'z:', 'c:'), see domain/search.ts. */
	k: string[];
	/** Folded 'last first' for sorting by name with the index. */
	sortName: string;
	/** Every recorded consent change, newest first (absent when none was recorded). */
	consentHistory?: ConsentEvent[];
}

/**
 * A customer whose personal data was erased (projected from the bucket's erasures map): what the
 * profile shows instead of them, and the erasure log. No personal data.
 */
export interface ErasureRow {
	/** The customer's random id. */
	id: string;
	at: string;
	by: string;
	role?: 'owner' | 'staff';
	/** The bucket document that held them. */
	doc: string;
	/** 1 while this tablet's stored Yjs log may still hold erased content (cleanup pending). */
	pending: 0 | 1;
}

/** Yjs state of one replicated document, compacted: all updates merged into one. */
export interface YDocSnapshot {
	name: string;
	state: Uint8Array;
}

/** One Yjs update not yet folded into its document's snapshot. */
export interface YUpdateRow {
	seq?: number;
	doc: string;
	update: Uint8Array;
}

/**
 * A local change not yet confirmed by the relay: the clocks it reached for each Yjs client.
 * It is confirmed (and removed) once the relay's state vector covers them.
 */
export interface OutboxRow {
	seq?: number;
	doc: string;
	clocks: Record<number, number>;
	at: number;
}

export interface ItemRecord extends Item {
	/** Search keys: folded name/brand word prefixes come from the words, plus sku and barcode. */
	k: string[];
}

/**
 * The ids a committed flush changed, kept until the derive worker has recomputed what depends on
 * them (written in the flush's own transaction, deleted in the derivation's): a worker killed
 * mid-derivation loses nothing, and a batch is derived whole or not at all.
 */
export interface DeriveQueueRow {
	seq?: number;
	changes: Record<string, string[]>;
	at: number;
	/**
	 * 0: a small flush (the till's own), derived first, in order. 1: a big flush (an import's
	 * chunk, a first sync), derived after every small one, a slice at a time, so a sale at the till
	 * is never queued behind it.
	 */
	lane: 0 | 1;
}

/** A group definition as projected from Yjs. */
export interface GroupRow {
	id: string;
	/** As stored; when needsUpdate, its rule is in a form this version cannot read (kept, never evaluated). */
	group: Group;
	needsUpdate: boolean;
}

/** Derived: members of a group or level now (written with each derivation). */
export interface GroupCountRow {
	key: MembershipKey;
	count: number;
}

/**
 * A benefit or coupon as projected from Yjs, read through domain/benefits/read.ts. A record from a
 * newer version of the app is kept as it arrived (`raw`), shown as "needs an update", never applied.
 */
export interface BenefitRow {
	id: string;
	/** The membership key it is for (also when it needs an update, so its group lists it). */
	target: string;
	value: Benefit | null;
	needsUpdate: boolean;
	raw: Record<string, unknown>;
}

export interface CouponRow {
	id: string;
	/** Normalised (normalizeCode): the till looks a typed code up by it. */
	code: string;
	value: Coupon | null;
	needsUpdate: boolean;
	raw: Record<string, unknown>;
}

/**
 * A customer carrying a "merged into" mark (issue 11), as projected: the mark, the survivor it
 * resolves to now (itself when it survives a cycle of concurrent opposite merges) and the record,
 * so it can be shown again without its document should it turn out to survive.
 */
export interface MergeRow {
	id: string;
	into: string;
	at: string;
	by: string;
	survivor: string;
	record: CustomerRecord;
}

/**
 * A customer's duplicate-finder keys (domain/duplicates.ts encodeDupKeys), projected with the
 * customer: one short string per row, so the finder reads 100,000 in a fraction of what the
 * customer records take.
 */
export interface DupKeysRow {
	id: string;
	d: string;
}

/**
 * Customers whose duplicate-finder keys are to be recomputed: one row per projected batch (the ids
 * the customers projection put or removed), consumed by the finder (derive/duplicates.ts) before
 * it reads the keys. One row per batch instead of a keys row per customer keeps the import's
 * flush to the customers it writes.
 */
export interface DupKeysQueueRow {
	seq?: number;
	ids: string[];
}

/** A pair marked "Not a duplicate" (replicated; pair = pairKey(a, b)). */
export interface DismissedPairRow {
	pair: string;
	at: string;
	by: string;
}

export function dupKeysRow(c: DuplicateInput): DupKeysRow {
	return { id: c.id, d: encodeDupKeys(dupKeysOf(c)) };
}

export interface KvRow {
	key: string;
	value: unknown;
}

export class ShopDB extends Dexie {
	customers!: Table<CustomerRecord, string>;
	ydocs!: Table<YDocSnapshot, string>;
	yupdates!: Table<YUpdateRow, number>;
	kv!: Table<KvRow, string>;
	outbox!: Table<OutboxRow, number>;
	items!: Table<ItemRecord, string>;
	sales!: Table<Sale, string>;
	adjustments!: Table<PointAdjustment, string>;
	customerStats!: Table<CustomerStats, string>;
	deriveQueue!: Table<DeriveQueueRow, number>;
	groups!: Table<GroupRow, string>;
	manualMembers!: Table<ManualMember, [string, string]>;
	memberships!: Table<Membership, string>;
	membershipEvents!: Table<MembershipEvent, number>;
	groupCounts!: Table<GroupCountRow, string>;
	benefits!: Table<BenefitRow, string>;
	coupons!: Table<CouponRow, string>;
	shopDays!: Table<ShopDay, string>;
	campaigns!: Table<CampaignRecord, string>;
	openingBalances!: Table<OpeningBalance, string>;
	erasures!: Table<ErasureRow, string>;
	merges!: Table<MergeRow, string>;
	dismissedPairs!: Table<DismissedPairRow, string>;
	dupKeys!: Table<DupKeysRow, string>;
	dupKeysQueue!: Table<DupKeysQueueRow, number>;

	/**
	 * `strict`: a second instance on the same database whose transactions are flushed to disk
	 * before they complete (used for finalised sales: a power cut just after "Paid" loses nothing).
	 */
	constructor(name = 'shop-crm', opts: { durability?: 'strict' | 'relaxed' | 'default' } = {}) {
		super(name, { chromeTransactionDurability: opts.durability ?? 'default' });
		// Indexes kept to what queries need: each one costs import time at 100,000 customers.
		// *k: as-you-type search, and (its exact 'e:', 'p:', 'c:' keys) duplicate and card checks;
		// sortName: the first list page.
		this.version(1).stores({
			customers: 'id, *k, sortName',
			ydocs: 'name',
			yupdates: '++seq, doc',
			kv: 'key',
			outbox: '++seq, doc'
		});
		// Sales, items and loyalty (issue 4). New tables only: nothing to migrate. Projections are
		// filled from the replicated documents by the DocStore as they load or sync.
		this.version(2).stores({
			items: 'id, sku, barcode, *k',
			sales: 'id, customerId, at, receiptNo, refundOf',
			adjustments: 'id, customerId',
			customerStats: 'customerId'
		});
		// The derive stage (issue 7): statistics are computed by a worker after each flush, from this
		// queue. A new table only; existing statistics are rebuilt once because the derivation
		// version stored in kv ('derive.state') is missing.
		this.version(3).stores({
			deriveQueue: '++seq'
		});
		// Fewer search keys per customer (issue 7: no name key that another name key starts with, no
		// phone key of the national number alone where '0' + it is a key; the k index is the largest
		// cost of an import). Same index, new contents: every customer's keys are derived again from
		// the record itself; nothing else changes.
		// The key code (and the phone metadata it needs) is loaded only for this old upgrade:
		// the derive worker opens this schema too and never needs it otherwise. Dexie.waitFor keeps
		// the upgrade transaction alive while the module loads.
		this.version(4)
			.stores({})
			.upgrade(async (tx) => {
				const { searchKeys } = await Dexie.waitFor(import('$lib/domain/search'));
				await tx
					.table<CustomerRecord, string>('customers')
					.toCollection()
					.modify((c) => {
						c.k = searchKeys(c);
					});
			});
		// Customer groups (issue 8). Replicated: definitions (groups) and manual memberships and
		// levels (manualMembers; by group for "members of", by customer by the compound key).
		// Derived by the derive worker: memberships (*keys: "members of X" and "groups of Y" are both
		// index lookups), their history, and member counts. New tables only; they fill as the
		// documents load and the derivation (a new DERIVE_VERSION) runs.
		this.version(5).stores({
			groups: 'id',
			manualMembers: '[customerId+groupId], groupId',
			memberships: 'customerId, *keys',
			membershipEvents: '++seq, customerId',
			groupCounts: 'key'
		});
		// Group benefits and coupons (issue 9), projected from the 'benefits' document (the policy
		// is a kv row). target: a group's benefits; code: a coupon typed at the till. Not unique:
		// two tablets offline may each create a coupon with one code, and the projection must
		// still hold both (the back office shows the clash). New tables only.
		this.version(6).stores({
			benefits: 'id, target',
			coupons: 'id, code'
		});
		// Group reports and campaign exports (issue 9). Derived: the shop's totals per shop-zone day
		// (shopDays, rebuilt with the derivation version), and an index on the membership history
		// by group and time, for "who joined and left in the range". Replicated (a projection of the
		// 'campaigns' document): the log of campaign exports, listed by group. New tables and an
		// index only: nothing to migrate, the index is built from the rows already there.
		this.version(7).stores({
			shopDays: 'day',
			campaigns: 'id, groupId',
			membershipEvents: '++seq, customerId, [key+at]'
		});
		// Opening balances (issue 11), projected from each customer bucket's 'openings' map: one row
		// per customer, read by the statistics (all of them on a rebuild). A new table only.
		this.version(8).stores({
			openingBalances: 'customerId'
		});
		// Erasures (issue 11), projected from each customer bucket's erasures map; pending: cleanups
		// to resume after a closed tab. A new table only; it fills as the buckets load.
		this.version(9).stores({
			erasures: 'id, pending'
		});
		// Duplicate merge (issue 11). Projected from the customer buckets: merged-away customers
		// (by survivor: "who was merged into X"), "Not a duplicate" decisions, and each customer's
		// duplicate-finder keys. New tables; the keys of the customers already here are computed
		// once from their records (nothing is merged or dismissed before this version).
		this.version(10)
			.stores({
				merges: 'id, survivor',
				dismissedPairs: 'pair',
				dupKeys: 'id'
			})
			.upgrade(async (tx) => {
				const rows: DupKeysRow[] = [];
				await tx
					.table<CustomerRecord, string>('customers')
					.toCollection()
					.each((c) => {
						rows.push(dupKeysRow(c));
					});
				await tx.table<DupKeysRow, string>('dupKeys').bulkPut(rows);
			});
		// The duplicate-finder keys are derived when the finder runs, from the ids each flush queues
		// here (a row per batch), no longer written per customer in the flush. A new table only.
		this.version(11).stores({
			dupKeysQueue: '++seq'
		});
		// Two lanes in the derive queue (indexed, so each lane's rows are found without reading the
		// other's): rows queued before this version are small-lane.
		this.version(12)
			.stores({
				deriveQueue: '++seq, lane'
			})
			.upgrade(async (tx) => {
				await tx
					.table<DeriveQueueRow, number>('deriveQueue')
					.toCollection()
					.modify((row) => {
						row.lane = 0;
					});
			});
	}
}
