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
