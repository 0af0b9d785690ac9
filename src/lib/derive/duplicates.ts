// The duplicate finder as the derive worker runs it: every customer's finder keys (the dupKeys
// table, one short string each) and the pairs staff dismissed, read in one read-only transaction,
// then compared by the domain's blocking finder (domain/duplicates.ts). Merged-away and erased
// customers have no keys, so they never show up again.
//
// The keys are derived data: the customers projection only queues the ids it put or removed
// (dupKeysQueue, a row per flush), and the finder brings their keys up to date before it reads.
// A 100,000-row import so writes its customers and a hundred small queue rows, not 100,000 rows
// of keys besides.
import { dupKeysRow, type ShopDB } from '$lib/store/schema';
import { decodeDupKeys, findDuplicatePairs } from '$lib/domain/duplicates';
import type { DuplicateScan } from './api';

/** Customers re-keyed per transaction: a long queue (after an import) is worked off in steps. */
const REKEY_CHUNK = 5000;

/**
 * Recomputes the keys of the queued customers from their rows (a customer no longer in the table —
 * deleted, erased, merged away — loses its keys) and removes those queue rows, a few thousand
 * customers per transaction. Returns how many customers were re-keyed.
 */
export async function refreshDupKeys(db: ShopDB): Promise<number> {
	let total = 0;
	for (;;) {
		const n = await db.transaction('rw', ['dupKeysQueue', 'customers', 'dupKeys'], async () => {
			const seqs: number[] = [];
			const ids = new Set<string>();
			await db.dupKeysQueue.orderBy(':id').until(() => ids.size >= REKEY_CHUNK).each((row) => {
				seqs.push(row.seq!);
				row.ids.forEach((id) => ids.add(id));
			});
			if (seqs.length === 0) return 0;
			const list = [...ids];
			const records = await db.customers.bulkGet(list);
			const puts = records.filter((r) => !!r).map((r) => dupKeysRow(r!));
			const gone = list.filter((_, i) => !records[i]);
			// put(): a customer's keys are derived from the record alone, replaced whole.
			if (puts.length) await db.dupKeys.bulkPut(puts);
			if (gone.length) await db.dupKeys.bulkDelete(gone);
			await db.dupKeysQueue.bulkDelete(seqs);
			return list.length;
		});
		if (n === 0) return total;
		total += n;
	}
}

export async function findDuplicates(db: ShopDB): Promise<DuplicateScan> {
	const t0 = performance.now();
	await refreshDupKeys(db);
	const { rows, dismissed } = await db.transaction('r', ['dupKeys', 'dismissedPairs'], async () => ({
		rows: await db.dupKeys.toArray(),
		dismissed: (await db.dismissedPairs.toCollection().primaryKeys()) as string[]
	}));
	const customers = rows.map((r) => decodeDupKeys(r.id, r.d));
	const t1 = performance.now();
	const pairs = findDuplicatePairs(customers, new Set(dismissed));
	return { pairs, customers: customers.length, readMs: t1 - t0, compareMs: performance.now() - t1 };
}
