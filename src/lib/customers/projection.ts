// The customers projection: Yjs state → the customers table. Called by the DocStore inside its flush transaction for
// every change, local or remote, so both take exactly the same path.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { ShopDB, CustomerRecord } from '$lib/store/schema';
import type { Customer } from '$lib/domain/customer';
import { customersMap, idOfKey, openingsMap, orphanedFieldKeys, readCustomer } from '$lib/customers/yjs';
import type { OpeningBalance } from '$lib/domain/opening';
import { searchKeys, sortName } from '$lib/domain/search';

export function toRecord(c: Customer): CustomerRecord {
	return { ...c, k: searchKeys(c), sortName: sortName(c) };
}

export const customersProjection: Projection = {
	kind: 'customers',
	tables: ['customers'],
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
		for (const id of ids) {
			const state = readCustomer(map, id);
			if (state.kind === 'live') puts.push(toRecord(state.customer));
			else deletes.push(id);
			// Late field edits of a deleted customer: the app removes them from Yjs (removeOrphans).
			if (state.kind === 'deleted' && orphanedFieldKeys(map, id).length > 0) orphaned.push(id);
		}
		// put(): the projection is the whole derived record, replaced wholesale from the Yjs state.
		if (puts.length) await db.customers.bulkPut(puts);
		if (deletes.length) await db.customers.bulkDelete(deletes);
		return orphaned.length ? { 'customers:orphaned': orphaned } : undefined;
	}
};

/** Opening balances: each bucket's 'openings' map → the openingBalances table (copies only). */
export const openingsProjection: Projection = {
	kind: 'openings',
	tables: ['openingBalances'],
	matches: (name) => name.startsWith('customers-'),
	observe(doc, dirty) {
		openingsMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(key, event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = openingsMap(doc);
		const puts: OpeningBalance[] = [];
		const deletes: string[] = [];
		for (const id of ids) {
			const v = map.get(id);
			if (v) puts.push(v);
			else deletes.push(id);
		}
		// put(): one row per customer, replaced whole from the Yjs value.
		if (puts.length) await db.openingBalances.bulkPut(puts);
		if (deletes.length) await db.openingBalances.bulkDelete(deletes);
	}
};
