// The duplicate finder as the derive worker runs it: every customer's finder keys (the dupKeys
// table, one short string each, projected with the customer) and the pairs staff dismissed, read
// in one read-only transaction, then compared by the domain's blocking finder
// (domain/duplicates.ts). Merged-away customers have no keys, so they never show up again.
import type { ShopDB } from '$lib/store/schema';
import { decodeDupKeys, findDuplicatePairs } from '$lib/domain/duplicates';
import type { DuplicateScan } from './api';

export async function findDuplicates(db: ShopDB): Promise<DuplicateScan> {
	const t0 = performance.now();
	const { rows, dismissed } = await db.transaction('r', ['dupKeys', 'dismissedPairs'], async () => ({
		rows: await db.dupKeys.toArray(),
		dismissed: (await db.dismissedPairs.toCollection().primaryKeys()) as string[]
	}));
	const customers = rows.map((r) => decodeDupKeys(r.id, r.d));
	const t1 = performance.now();
	const pairs = findDuplicatePairs(customers, new Set(dismissed));
	return { pairs, customers: customers.length, readMs: t1 - t0, compareMs: performance.now() - t1 };
}
