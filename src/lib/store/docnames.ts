// How the replicated data is partitioned into Yjs documents (one websocket and one in-memory doc each).
// Customers are spread over a fixed number of buckets by a hash of their random id: a bucket of
// 100,000 / 16 ≈ 6,000 customers loads in tens of milliseconds, and only buckets being edited or
// synced are held in memory. The count is part of the data format: changing it needs a migration.
export const CUSTOMER_BUCKETS = 16;

export const SETTINGS_DOC = 'settings';

export function customerDocName(id: string): string {
	return `customers-${bucketOf(id, CUSTOMER_BUCKETS).toString(16)}`;
}

export function allCustomerDocNames(): string[] {
	return Array.from({ length: CUSTOMER_BUCKETS }, (_, b) => `customers-${b.toString(16)}`);
}

/** FNV-1a: stable across platforms and versions, unlike anything engine-provided. */
export function bucketOf(id: string, buckets: number): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < id.length; i++) {
		h ^= id.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0) % buckets;
}

/** The item catalogue: small (thousands of items), one document. */
export const ITEMS_DOC = 'items';
/** Point adjustments made by staff (earning and redeeming are part of the sales). */
export const POINTS_DOC = 'points';

/**
 * Sales are immutable and are partitioned by the UTC month they were rung up in, and within a
 * month over SALES_SHARDS documents by a hash of the sale's random id: old months stop changing,
 * a tablet fetches only the documents whose heads changed, and a month stays far below the
 * relay's per-document limit (16 MiB by default) even for a shop of 100,000 customers (the demo
 * shop's busiest month is ~31 MiB of sales: one document could not have synced it). UTC, not the
 * shop's zone, so a change of time zone never moves a sale to another document. The shard count
 * is part of the data format, like CUSTOMER_BUCKETS.
 */
export const SALES_SHARDS = 8;

export function salesDocName(sale: { at: string; id: string }): string {
	return `sales-${sale.at.slice(0, 7)}-${bucketOf(sale.id, SALES_SHARDS)}`;
}

/**
 * Before sales were sharded, a month was one document ('sales-2026-11'). Those documents stay as
 * they are (projected like the others, every name starting 'sales-'); a change to one of their
 * sales (tracking it to a customer) is written where the sale lives.
 */
export function unshardedSalesDocName(at: string): string {
	return `sales-${at.slice(0, 7)}`;
}

/**
 * Group definitions: 200 groups at most, edited rarely, one small document. Manual memberships are
 * not here but in the customer's own bucket (groups/yjs.ts), so they partition with customers.
 */
export const GROUPS_DOC = 'groups';

/**
 * Benefits of groups and levels, coupons and the shop's benefit policy: hundreds of small
 * definitions, edited rarely, read whole by every till. One small document.
 */
export const BENEFITS_DOC = 'benefits';
