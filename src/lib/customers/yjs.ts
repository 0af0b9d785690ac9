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
import type { ConsentEvent } from '$lib/domain/privacy/consent';
import { CUSTOMER_FIELDS } from '$lib/domain/customer';
import type { MergeMark } from '$lib/domain/merge';
import {
	type FieldEdit,
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

/**
 * Consent history, append-only: '<customerId>/<eventId>' → ConsentEvent (domain/privacy/consent.ts).
 * Keys are random ids only; the events go with the customer when they are deleted or erased.
 */
export const CONSENT_EVENTS_MAP = 'consentEvents';
/**
 * Erasures: '<customerId>' → ErasureRecord (when, by which device; no personal data). Once there,
 * every key of that customer in this document is personal data to remove on sight, whenever and
 * from whichever tablet it arrives (customers/erasure.ts).
 */
export const ERASURES_MAP = 'erasures';

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
	const events = consentEventsOf(map);
	if (events) for (const key of prefixedKeys(events, id)) events.delete(key);
}

export function consentEventsMap(doc: Y.Doc): Y.Map<ConsentEvent> {
	return doc.getMap(CONSENT_EVENTS_MAP);
}

function consentEventsOf(map: Y.Map<unknown>): Y.Map<ConsentEvent> | null {
	return map.doc ? consentEventsMap(map.doc) : null;
}

/** Appends consent events (their ids are fresh: an event is never rewritten). */
export function appendConsentEvents(doc: Y.Doc, customerId: string, events: readonly ConsentEvent[]): void {
	const map = consentEventsMap(doc);
	for (const e of events) map.set(`${customerId}/${e.id}`, e);
}

/**
 * The consent events of the wanted customers, from one pass over the map (a Y.Map has no prefix
 * lookup): once per flush, not once per customer.
 */
export function consentEventsByCustomer(doc: Y.Doc, wanted: Set<string>): Map<string, ConsentEvent[]> {
	const out = new Map<string, ConsentEvent[]>();
	const map = consentEventsMap(doc);
	if (map.size === 0) return out;
	for (const [key, event] of map.entries()) {
		const id = entityOfKey(key);
		if (!wanted.has(id)) continue;
		const list = out.get(id);
		if (list) list.push(event);
		else out.set(id, [event]);
	}
	return out;
}

function prefixedKeys(map: { keys(): IterableIterator<string> }, id: string): string[] {
	const prefix = `${id}/`;
	return [...map.keys()].filter((k) => k.startsWith(prefix));
}

function membersOf(map: Y.Map<unknown>): Y.Map<unknown> | null {
	return map.doc ? map.doc.getMap(MEMBERS_MAP) : null;
}

/** Keys of the customer's manual memberships and levels ('<id>/<groupId>/+', '/-', '/level'). */
function memberKeysOf(members: Y.Map<unknown>, id: string): string[] {
	return prefixedKeys(members, id);
}

/**
 * Every key of one customer in the bucket document, in which map: what an erasure removes. The
 * customers map's own '<id>' key is included only while it holds the record (not a tombstone).
 */
export function personalKeysOf(doc: Y.Doc, id: string): { map: Y.Map<unknown>; key: string }[] {
	const customers = customersMap(doc);
	const out: { map: Y.Map<unknown>; key: string }[] = [];
	if (readBase(customers, id).kind === 'live') out.push({ map: customers, key: id });
	for (const key of prefixedKeys(customers, id)) out.push({ map: customers, key });
	for (const name of [MEMBERS_MAP, CONSENT_EVENTS_MAP]) {
		const map = doc.getMap<unknown>(name);
		for (const key of prefixedKeys(map, id)) out.push({ map, key });
	}
	return out;
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

/**
 * '<id>/mergedInto' → { v: MergeMark, at }: this customer was merged into another (issue 11). Kept
 * out of CUSTOMER_FIELDS (no form edits it); the record itself stays as it was, so an edit made
 * offline to it is kept, and who survives is resolved at projection time (domain/merge.ts).
 */
export const MERGED_FIELD = 'mergedInto';

export function readMerge(map: Y.Map<unknown>, id: string): MergeMark | null {
	const edit = map.get(`${id}/${MERGED_FIELD}`) as FieldEdit | undefined;
	return edit ? (edit.v as MergeMark) : null;
}

export function writeMerge(map: Y.Map<unknown>, id: string, mark: MergeMark): void {
	writeFields(map, id, { [MERGED_FIELD]: mark }, mark.at);
}

/**
 * "Not a duplicate" decisions, in the bucket document of the pair's lower id: map
 * 'notDuplicates', '<a>|<b>' (a < b, random ids only) → { at, by }.
 */
export const NOT_DUPLICATES_MAP = 'notDuplicates';

export interface Dismissal {
	at: string;
	by: string;
}

export function notDuplicatesMap(doc: Y.Doc): Y.Map<Dismissal> {
	return doc.getMap<Dismissal>(NOT_DUPLICATES_MAP);
}
