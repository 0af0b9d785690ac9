// The one Dexie database of a tablet. Replicated data lives in Yjs (src/lib/sync); everything in the
// tables below except `ydocs`/`yupdates`/`kv`-device entries is a projection of it, rebuildable at any time.
import Dexie, { type Table } from 'dexie';
import type { Customer } from '$lib/domain/customer';

/** A customer as projected for reading: the record plus derived keys for the indexes. */
export interface CustomerRecord extends Customer {
	/** Search keys with kind prefixes ('n:', 'e:', 'p:', 'z:', 'c:'), see domain/search.ts. */
	k: string[];
	/** Folded 'last first' for sorting by name with the index. */
	sortName: string;
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

	constructor(name = 'shop-crm') {
		super(name);
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
	}
}
