// How customers are shaped inside their bucket documents (one Y.Map named 'customers' per bucket).
//
//   '<id>'          → the record as created, one plain JSON value   (cheap: ~1 KB of heap, no per-field items)
//   '<id>/<field>'  → { v, at } for each field edited after creation (per-field last-writer-wins)
//   '<id>'          → { deleted: true, at } once deleted: a tombstone, no personal data
//
// Per-field merge costs Yjs items only for fields actually edited, so 100,000 customers weigh what
// their JSON weighs (ARCHITECTURE.md measured ~100 MB vs ~480 MB for a Y.Map per customer) and two
// tablets editing different fields of one customer both keep their edit. Deleting removes every
// field value (Yjs garbage-collects deleted content) and leaves only the id, which is random.
import * as Y from 'yjs';
import type { Customer, CustomerDraft, CustomerField } from '$lib/domain/customer';
import type { OpeningBalance } from '$lib/domain/opening';
import { CUSTOMER_FIELDS } from '$lib/domain/customer';
import {
	applyEdits,
	changedFields as changedLwwFields,
	entityOfKey,
	latestEdits,
	readBase,
	sharedKeys,
	writeBase,
	writeFields,
	writeTombstone
} from '$lib/store/lww';

export const CUSTOMERS_MAP = 'customers';
/**
 * The same bucket document holds the customer's manual group memberships and staff-set tier levels
 * (keys '<customerId>/<groupId>/…', shaped by groups/yjs.ts): they partition with the customer and
 * go with them when the customer is deleted.
 */
export const MEMBERS_MAP = 'members';
/**
 * Opening balances brought in by an import (domain/opening.ts): '<customerId>' → the balance, one
 * value per customer (a later import replaces it whole; Yjs picks one of two concurrent writes on
 * every tablet alike). In the customer's own bucket, so it replicates with them and goes with them.
 */
export const OPENINGS_MAP = 'openings';

export function openingsMap(doc: Y.Doc): Y.Map<OpeningBalance> {
	return doc.getMap(OPENINGS_MAP);
}

export function writeOpening(doc: Y.Doc, value: OpeningBalance): void {
	openingsMap(doc).set(value.customerId, value);
}

export function readOpening(doc: Y.Doc, id: string): OpeningBalance | null {
	return openingsMap(doc).get(id) ?? null;
}

interface BaseValue extends CustomerDraft {
	createdAt: string;
}

export type CustomerState = { kind: 'live'; customer: Customer } | { kind: 'deleted' } | { kind: 'absent' };

export function customersMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(CUSTOMERS_MAP);
}

export const idOfKey = entityOfKey;

/** Edits are read from shared field keys only: a map.get per field keeps a 100,000-customer import fast. */
export function readCustomer(map: Y.Map<unknown>, id: string): CustomerState {
	const stored = readBase<BaseValue>(map, id);
	if (stored.kind !== 'live') return { kind: stored.kind };
	const customer: Customer = { ...stored.base, id, updatedAt: stored.base.createdAt } as Customer & { createdAt?: string };
	delete (customer as { createdAt?: string }).createdAt;
	customer.updatedAt = applyEdits(customer as unknown as Record<string, unknown>, latestEdits(map, id, CUSTOMER_FIELDS), customer.updatedAt);
	return { kind: 'live', customer };
}

export function writeNewCustomer(map: Y.Map<unknown>, id: string, draft: CustomerDraft, now: string): void {
	writeBase(map, id, { ...draft, createdAt: now } satisfies BaseValue);
}

/** Writes only the given fields, each as its own key, so concurrent edits of other fields survive. */
export function writeCustomerFields(
	map: Y.Map<unknown>,
	id: string,
	changes: Partial<Record<CustomerField, unknown>>,
	now: string
): void {
	writeFields(map, id, changes, now);
}

export function deleteCustomer(map: Y.Map<unknown>, id: string, now: string): void {
	writeTombstone(map, id, now, sharedKeys(id, CUSTOMER_FIELDS));
	const members = membersOf(map);
	if (members) for (const key of memberKeysOf(members, id)) members.delete(key);
	if (map.doc && openingsMap(map.doc).has(id)) openingsMap(map.doc).delete(id);
}

function membersOf(map: Y.Map<unknown>): Y.Map<unknown> | null {
	return map.doc ? map.doc.getMap(MEMBERS_MAP) : null;
}

/** Keys of the customer's manual memberships and levels ('<id>/<groupId>/+', '/-', '/level'). */
function memberKeysOf(members: Y.Map<unknown>, id: string): string[] {
	const prefix = `${id}/`;
	return [...members.keys()].filter((k) => k.startsWith(prefix));
}

/**
 * Field edits (and group memberships) made on a tablet that had not yet heard of the deletion
 * arrive after it; they belong to a deleted customer and are removed by whichever tablet sees them
 * (DexieCustomerService.removeOrphans).
 */
export function orphanedFieldKeys(map: Y.Map<unknown>, id: string): string[] {
	if (readBase<BaseValue>(map, id).kind !== 'deleted') return [];
	const members = membersOf(map);
	return [...CUSTOMER_FIELDS.map((f) => `${id}/${f}`).filter((k) => map.has(k)), ...(members ? memberKeysOf(members, id) : [])];
}

/** The fields whose values differ (structural comparison: values are JSON). */
export function changedFields(before: CustomerDraft, after: CustomerDraft): Partial<Record<CustomerField, unknown>> {
	return changedLwwFields(before, after, CUSTOMER_FIELDS) as Partial<Record<CustomerField, unknown>>;
}
