// The customers projection: Yjs state → the customers table. Called by the DocStore inside its flush transaction for
// every change, local or remote, so both take exactly the same path.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { ShopDB, CustomerRecord } from '$lib/store/schema';
import type { Customer } from '$lib/domain/customer';
import { customersMap, idOfKey, orphanedFieldKeys, readCustomer } from '$lib/customers/yjs';
import { searchKeys, sortName } from '$lib/domain/search';

export function toRecord(c: Customer): CustomerRecord {
	return { ...c, k: searchKeys(c), sortName: sortName(c) };
}

/**
 * Deleted customers seen with late field edits during a flush, by the flush's database
 * connection (apply and finish of one flush share it); see DexieCustomerService.removeOrphans.
 */
const orphaned = new WeakMap<ShopDB, string[]>();

export const customersProjection: Projection = {
	kind: 'customers',
	tables: ['customers'],
	finishKind: 'customers:orphaned',
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
		for (const id of ids) {
			const state = readCustomer(map, id);
			if (state.kind === 'live') puts.push(toRecord(state.customer));
			else deletes.push(id);
			if (state.kind === 'deleted' && orphanedFieldKeys(map, id).length > 0) {
				orphaned.set(db, [...(orphaned.get(db) ?? []), id]);
			}
		}
		// put(): the projection is the whole derived record, replaced wholesale from the Yjs state.
		if (puts.length) await db.customers.bulkPut(puts);
		if (deletes.length) await db.customers.bulkDelete(deletes);
	},
	async finish(db: ShopDB) {
		const ids = orphaned.get(db) ?? [];
		orphaned.delete(db);
		return ids;
	}
};
