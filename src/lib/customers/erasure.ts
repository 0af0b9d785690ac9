// Erasure of a customer's personal data, in the bucket document (shapes in customers/yjs.ts).
//
// Deleting the keys is not enough by itself: Yjs drops the content of deleted items only when the
// document is encoded again (gc), so every store of raw updates is rewritten afterwards (the
// DocStore's compactNow here, the relay's compaction there). And an erasure is a fact that
// outlives the data: the record in ERASURES_MAP makes every tablet delete, on arrival, whatever an
// offline tablet later sends for that customer, so nobody can bring the data back.
import type * as Y from 'yjs';
import type { DeviceRole } from '$lib/domain/privacy/consent';
import { customersMap, ERASURES_MAP, personalKeysOf } from '$lib/customers/yjs';
import { writeTombstone } from '$lib/store/lww';
import type { CustomerRecord } from '$lib/store/schema';
import { emptyDraft } from '$lib/domain/customer';

/** Who erased and when: no personal data (the key is the customer's random id). */
export interface ErasureRecord {
	at: string;
	by: string;
	role?: DeviceRole;
}

export function erasuresMap(doc: Y.Doc): Y.Map<ErasureRecord> {
	return doc.getMap(ERASURES_MAP);
}

export function readErasure(doc: Y.Doc, id: string): ErasureRecord | undefined {
	return erasuresMap(doc).get(id);
}

/**
 * Removes every key of the customer and leaves the tombstone (so code that knows only deletion
 * reads it as deleted) and the erasure record. Returns how many keys went. Also used to remove
 * late arrivals for an erased customer: the tombstone is written again, so the update has clocks
 * the outbox can confirm against the relay (an update of deletions alone has none).
 */
export function eraseInDoc(doc: Y.Doc, id: string, record: ErasureRecord, now: string): number {
	const keys = personalKeysOf(doc, id);
	for (const { map, key } of keys) map.delete(key);
	writeTombstone(customersMap(doc), id, now, []);
	if (!erasuresMap(doc).has(id)) erasuresMap(doc).set(id, record);
	return keys.length;
}

/** Keys of an erased customer still in the document (late or old writes from another tablet). */
export function erasedLeftovers(doc: Y.Doc, id: string): number {
	return readErasure(doc, id) ? personalKeysOf(doc, id).length : 0;
}

/**
 * A merged-away customer's kept record (the merges table) with every personal field emptied: what
 * stays of them once erased is the id, the registration and where their sales now count.
 */
export function anonymisedRecord(r: CustomerRecord): CustomerRecord {
	return { ...emptyDraft(r.registeredAt, r.storeId), id: r.id, updatedAt: r.updatedAt, k: [], sortName: '' };
}
