// The customers projection: Yjs state → the customers table (and the erasures table). Called by
// the DocStore inside its flush transaction for every change, local or remote, so both take exactly
// the same path.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { ShopDB, CustomerRecord, ErasureRow } from '$lib/store/schema';
import type { Customer } from '$lib/domain/customer';
import type { OpeningBalance } from '$lib/domain/opening';
import type { ConsentEvent } from '$lib/domain/privacy/consent';
import { currentConsents, historyNewestFirst } from '$lib/domain/privacy/consent';
import {
	consentEventsByCustomer,
	consentEventsMap,
	customersMap,
	idOfKey,
	openingsMap,
	orphanedFieldKeys,
	readCustomer,
	readMerge
} from '$lib/customers/yjs';
import { anonymisedRecord, erasedLeftovers, erasuresMap, readErasure } from '$lib/customers/erasure';
import { customerDocName } from '$lib/store/docnames';
import { applyMergeMarks, LATE_EDITS_KIND, MERGE_TABLES } from '$lib/customers/merges';
import type { MergeMark } from '$lib/domain/merge';
import { searchKeys, sortName } from '$lib/domain/search';

export function toRecord(c: Customer, history?: ConsentEvent[]): CustomerRecord {
	const rec: CustomerRecord = { ...c, k: searchKeys(c), sortName: sortName(c) };
	if (history?.length) {
		rec.consents = currentConsents(c.consents, history);
		rec.consentHistory = historyNewestFirst(history);
	}
	return rec;
}

/** Change kind announced for erased customers whose local copies still need cleaning (customers/erasure-service.ts). */
export const ERASED_KIND = 'customers:erased';

export const customersProjection: Projection = {
	kind: 'customers',
	tables: ['customers', 'erasures', 'dupKeys', 'dupKeysQueue', ...MERGE_TABLES],
	matches: (name) => name.startsWith('customers-'),
	observe(doc, dirty) {
		customersMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(idOfKey(key), event.transaction.origin);
		});
		// Consent events and erasures change what the customer's row shows (or whether it exists).
		for (const map of [consentEventsMap(doc), erasuresMap(doc)] as Y.Map<unknown>[]) {
			map.observe((event) => {
				for (const key of event.keysChanged) dirty(idOfKey(key), event.transaction.origin);
			});
		}
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = customersMap(doc);
		const puts: CustomerRecord[] = [];
		const deletes: string[] = [];
		const orphaned: string[] = [];
		const erased: ErasureRow[] = [];
		const events = consentEventsByCustomer(doc, ids);
		const marked: { record: CustomerRecord; mark: MergeMark }[] = [];
		for (const id of ids) {
			const erasure = readErasure(doc, id);
			if (erasure) {
				// Never projected again, whatever arrives for it; leftovers are removed by the app.
				deletes.push(id);
				const leftovers = erasedLeftovers(doc, id) > 0;
				erased.push({ id, ...erasure, doc: customerDocName(id), pending: leftovers ? 1 : 0 });
				continue;
			}
			const state = readCustomer(map, id);
			const mark = state.kind === 'live' ? readMerge(map, id) : null;
			// A merged-away customer: where its record goes depends on every mark (applyMergeMarks).
			if (state.kind === 'live' && mark) marked.push({ record: toRecord(state.customer, events.get(id)), mark });
			else if (state.kind === 'live') puts.push(toRecord(state.customer, events.get(id)));
			else deletes.push(id);
			// Late field edits of a deleted customer: the app removes them from Yjs (removeOrphans).
			if (state.kind === 'deleted' && orphanedFieldKeys(map, id).length > 0) orphaned.push(id);
		}
		// put(): the projection is the whole derived record, replaced wholesale from the Yjs state.
		if (puts.length) await db.customers.bulkPut(puts);
		if (deletes.length) await db.customers.bulkDelete(deletes);
		const toClean: string[] = [];
		if (erased.length) {
			const known = await db.erasures.bulkGet(erased.map((e) => e.id));
			// A newly seen erasure must be cleaned from this tablet's stored log (pending), as must one
			// with leftovers; a row already cleaned stays cleaned while nothing new arrives.
			const rows = erased.map((e, i) => ({ ...e, pending: !known[i] || e.pending ? 1 : known[i]!.pending }));
			// put(): one row per erased customer, replaced whole (its pending flag is recomputed here).
			await db.erasures.bulkPut(rows);
			// A merged-away customer keeps its redirect (late sales still count for the survivor), but
			// the copy of its record goes. modify(): only the record changes, the mark stays.
			await db.merges
				.where('id')
				.anyOf(erased.map((e) => e.id))
				.modify((row) => {
					row.record = anonymisedRecord(row.record);
				});
			for (const r of rows) if (r.pending) toClean.push(r.id);
		}
		// A deleted or erased customer's finder keys (a folded name, an email) go with the record, now;
		// the keys of a customer put here are recomputed when the finder next runs (derived data):
		// one queue row for the batch instead of a keys row per customer.
		if (deletes.length) await db.dupKeys.bulkDelete(deletes);
		const more: Record<string, string[]> = marked.length ? await applyMergeMarks(db, marked) : {};
		const rekey = [...puts.map((r) => r.id), ...(more.customers ?? [])];
		// add(): one queue row per batch, removed by the finder that consumes it.
		if (rekey.length) await db.dupKeysQueue.add({ ids: rekey });
		// Edited after their merge (by a tablet that had not heard of it): the app forwards what the
		// survivor should take (MergeService.forwardLateEdits).
		const late = marked.filter(({ record, mark }) => record.updatedAt > mark.at).map(({ record }) => record.id);
		if (late.length) more[LATE_EDITS_KIND] = late;
		if (orphaned.length) more['customers:orphaned'] = orphaned;
		if (toClean.length) more[ERASED_KIND] = toClean;
		return Object.keys(more).length ? more : undefined;
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
