// Merged customers as projected (issue 11). A merged-away customer carries a replicated mark
// ('<id>/mergedInto'); which customer survives is resolved here, at projection time, over every
// mark this tablet holds (domain/merge.ts: transitively, a cycle of opposite merges keeps its
// lowest id). What the resolution decides is applied to the tables in the flush's transaction:
//   - the customers table holds survivors only; merged-away records wait in `merges`;
//   - every sale and point adjustment of a merged-away id is re-pointed to its survivor, and so is
//     each one projected later (a sale rung up offline to the old id): statistics, points and
//     groups count them once, for the survivor, with no change to the immutable sale itself.
// The ids re-pointed are announced as changed sales and adjustments, so the derive stage counts
// them for the survivor; the merged-away ids as 'merges', whose statistics it drops.
import * as Y from 'yjs';
import type { Projection, ChangeSet } from '$lib/store/docstore';
import type { CustomerRecord, MergeRow, ShopDB } from '$lib/store/schema';
import type { MergeMark } from '$lib/domain/merge';
import { resolveSurvivors } from '$lib/domain/merge';
import { notDuplicatesMap } from './yjs';

/** ChangeSet kind: customers merged away by this flush (the derive stage drops their statistics). */
export const MERGES_KIND = 'merges';
/** ChangeSet kind: merged-away customers edited after their merge (the app forwards the edits). */
export const LATE_EDITS_KIND = 'customers:merge-late';
/** Tables the customers projection writes for merges. */
export const MERGE_TABLES = ['merges', 'dupKeys', 'sales', 'adjustments'];

/**
 * Records the marks given (customers projected with a mark), resolves every survivor again and
 * applies what changed. Runs inside the flush transaction (tables: customers + MERGE_TABLES).
 */
export async function applyMergeMarks(db: ShopDB, marked: { record: CustomerRecord; mark: MergeMark }[]): Promise<ChangeSet> {
	const fresh = new Set(marked.map((m) => m.record.id));
	const before = new Map((await db.merges.toArray()).map((r) => [r.id, r]));
	for (const { record, mark } of marked) {
		const old = before.get(record.id);
		before.set(record.id, { id: record.id, into: mark.into, at: mark.at, by: mark.by, survivor: old?.survivor ?? '', record });
	}
	const survivors = resolveSurvivors(new Map([...before.values()].map((r) => [r.id, r.into])));
	const changed: MergeRow[] = [];
	for (const row of before.values()) {
		const survivor = survivors.get(row.id)!;
		if (survivor === row.survivor && !fresh.has(row.id)) continue;
		changed.push({ ...row, survivor });
	}
	if (changed.length === 0) return {};
	// put(): a merge row is the mark, its resolution and the record, replaced whole.
	await db.merges.bulkPut(changed);
	const back = changed.filter((r) => r.survivor === r.id);
	const away = changed.filter((r) => r.survivor !== r.id);
	// put(): a customer surviving a cycle of merges is shown again as its record stands.
	if (back.length) await db.customers.bulkPut(back.map((r) => r.record));
	if (away.length) await db.customers.bulkDelete(away.map((r) => r.id));
	// The merged-away customer's finder keys go now; a survivor shown again is re-keyed by the finder
	// (its id is among the customers this returns, which the projection queues).
	if (away.length) await db.dupKeys.bulkDelete(away.map((r) => r.id));
	const sales: string[] = [];
	const points: string[] = [];
	for (const r of away) {
		// modify(): only the customer a row counts for changes; the sale is otherwise as replicated.
		await db.sales.where('customerId').equals(r.id).modify((s) => {
			s.customerId = r.survivor;
			sales.push(s.id);
		});
		await db.adjustments.where('customerId').equals(r.id).modify((a) => {
			a.customerId = r.survivor;
			points.push(a.id);
		});
	}
	const out: ChangeSet = { customers: changed.flatMap((r) => [r.id, r.survivor]) };
	if (away.length) out[MERGES_KIND] = away.map((r) => r.id);
	if (sales.length) out.sales = sales;
	if (points.length) out.points = points;
	return out;
}

/** The survivor of each given customer id that was merged away (ids not merged away are absent). */
export async function survivorsOf(db: ShopDB, ids: Iterable<string>): Promise<Map<string, string>> {
	const list = [...new Set(ids)];
	if (list.length === 0) return new Map();
	const rows = await db.merges.bulkGet(list);
	const out = new Map<string, string>();
	for (const r of rows) if (r && r.survivor !== r.id) out.set(r.id, r.survivor);
	return out;
}

/** Re-points records of merged-away customers to their survivors (sales, adjustments as projected). */
export async function redirectCustomers<T extends { customerId?: string | null }>(db: ShopDB, rows: T[]): Promise<T[]> {
	const survivors = await survivorsOf(db, rows.map((r) => r.customerId).filter((id): id is string => !!id));
	if (survivors.size === 0) return rows;
	return rows.map((r) => (r.customerId && survivors.has(r.customerId) ? { ...r, customerId: survivors.get(r.customerId)! } : r));
}

/** "Not a duplicate" decisions → dismissedPairs (every customer bucket may hold some). */
export const dismissalsProjection: Projection = {
	kind: 'dismissals',
	tables: ['dismissedPairs'],
	matches: (name) => name.startsWith('customers-'),
	observe(doc, dirty) {
		notDuplicatesMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(key, event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = notDuplicatesMap(doc);
		const puts = [...ids].flatMap((pair) => {
			const d = map.get(pair);
			return d ? [{ pair, at: d.at, by: d.by }] : [];
		});
		// put(): one row per pair, as replicated.
		if (puts.length) await db.dismissedPairs.bulkPut(puts);
	}
};
