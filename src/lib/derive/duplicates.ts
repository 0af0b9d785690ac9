// The duplicate finder as the derive worker runs it: every customer of this tablet and the pairs
// staff dismissed, read in one read-only transaction, then compared by the domain's blocking
// finder (domain/duplicates.ts). Merged-away customers are not in the customers table, so they
// never show up again.
import type { ShopDB } from '$lib/store/schema';
import { findDuplicatePairs } from '$lib/domain/duplicates';
import type { DuplicateScan } from './api';

export async function findDuplicates(db: ShopDB): Promise<DuplicateScan> {
	const t0 = performance.now();
	const { customers, dismissed } = await db.transaction('r', ['customers', 'dismissedPairs'], async () => ({
		customers: await db.customers.toArray(),
		dismissed: (await db.dismissedPairs.toCollection().primaryKeys()) as string[]
	}));
	const t1 = performance.now();
	const pairs = findDuplicatePairs(customers, new Set(dismissed));
	return { pairs, customers: customers.length, readMs: t1 - t0, compareMs: performance.now() - t1 };
}
