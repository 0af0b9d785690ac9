// The customers projection: Yjs state → the customers table. Called by the DocStore inside its flush transaction for
// every change, local or remote, so both take exactly the same path.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import { dupKeysRow, type ShopDB, type CustomerRecord } from '$lib/store/schema';
import type { Customer } from '$lib/domain/customer';
import { customersMap, idOfKey, orphanedFieldKeys, readCustomer, readMerge } from '$lib/customers/yjs';
import { applyMergeMarks, LATE_EDITS_KIND, MERGE_TABLES } from '$lib/customers/merges';
import type { MergeMark } from '$lib/domain/merge';
import { searchKeys, sortName } from '$lib/domain/search';

export function toRecord(c: Customer): CustomerRecord {
	return { ...c, k: searchKeys(c), sortName: sortName(c) };
}

export const customersProjection: Projection = {
	kind: 'customers',
	tables: ['customers', 'dupKeys', ...MERGE_TABLES],
	matches: (name) => name.startsWith('customers-'),
	observe(doc, dirty) {
		customersMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(idOfKey(key), event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = customersMap(doc);
		const puts: CustomerRecord[] = [];
		const deletes: string[] = [];
		const orphaned: string[] = [];
		const marked: { record: CustomerRecord; mark: MergeMark }[] = [];
		for (const id of ids) {
			const state = readCustomer(map, id);
			const mark = state.kind === 'live' ? readMerge(map, id) : null;
			// A merged-away customer: where its record goes depends on every mark (applyMergeMarks).
			if (state.kind === 'live' && mark) marked.push({ record: toRecord(state.customer), mark });
			else if (state.kind === 'live') puts.push(toRecord(state.customer));
			else deletes.push(id);
			// Late field edits of a deleted customer: the app removes them from Yjs (removeOrphans).
			if (state.kind === 'deleted' && orphanedFieldKeys(map, id).length > 0) orphaned.push(id);
		}
		// put(): the projection is the whole derived record, replaced wholesale from the Yjs state.
		if (puts.length) await db.customers.bulkPut(puts);
		if (deletes.length) await db.customers.bulkDelete(deletes);
		// put(): a customer's finder keys are derived from the record alone, replaced with it.
		if (puts.length) await db.dupKeys.bulkPut(puts.map(dupKeysRow));
		if (deletes.length) await db.dupKeys.bulkDelete(deletes);
		const merged = marked.length ? await applyMergeMarks(db, marked) : {};
		// Edited after their merge (by a tablet that had not heard of it): the app forwards what the
		// survivor should take (MergeService.forwardLateEdits).
		const late = marked.filter(({ record, mark }) => record.updatedAt > mark.at).map(({ record }) => record.id);
		if (late.length) merged[LATE_EDITS_KIND] = late;
		return orphaned.length ? { ...merged, 'customers:orphaned': orphaned } : merged;
	}
};
