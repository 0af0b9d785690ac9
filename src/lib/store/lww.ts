// Records with last-writer-wins fields in one Y.Map: the one shape customers, groups and benefits
// share.
//
//   '<id>'                   → the record as created, one plain JSON value (cheap: no per-field items)
//   '<id>/<field>'           → { v, at } of a field edited later ("shared" field key)
//   '<id>/<field>/<writer>'  → { v, at } of a field edited later by one tablet ("writer" field key)
//   '<id>'                   → { deleted: true, at } once deleted: a tombstone; every field key goes
//
// A shared field key holds one value: when two tablets edit the field offline, Yjs keeps one of the
// two by its own (client id) order, not necessarily the later. A writer key per tablet keeps both
// until someone has seen them, so the later by the tablets' clocks wins (an exact tie goes to the
// larger writer id, so every tablet picks the same). A writer replaces the keys it has seen, its
// edit stamped past the latest of them (a tablet whose clock is behind still overrides what it
// saw), so a field keeps one key once everyone has synced. A reader given the record's keys (fieldKeysOf)
// understands both forms, so a document written with shared keys can move to writer keys without a
// migration. Benefits use writer keys from the start; groups still write shared keys but their
// projection already reads both; customers write and read shared keys only (a map.get per field
// keeps a 100,000-customer import fast).
import type * as Y from 'yjs';

export interface Tombstone {
	deleted: true;
	at: string;
}

export interface FieldEdit {
	v: unknown;
	at: string;
}

export type BaseState<B> = { kind: 'live'; base: B } | { kind: 'deleted'; at: string } | { kind: 'absent' };

/** The record id of any key of the map. */
export function entityOfKey(key: string): string {
	const slash = key.indexOf('/');
	return slash === -1 ? key : key.slice(0, slash);
}

/**
 * The field keys ('<id>/…') of the wanted records, found in one pass over the map (a Y.Map has no
 * prefix lookup): id → its keys. Once per flush or write, not once per record.
 */
export function fieldKeysOf(map: Y.Map<unknown>, wanted: (id: string) => boolean): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const key of map.keys()) {
		const slash = key.indexOf('/');
		if (slash === -1) continue;
		const id = key.slice(0, slash);
		if (!wanted(id)) continue;
		const list = out.get(id);
		if (list) list.push(key);
		else out.set(id, [key]);
	}
	return out;
}

export function readBase<B>(map: Y.Map<unknown>, id: string): BaseState<B> {
	const stored = map.get(id) as B | Tombstone | undefined;
	if (stored === undefined) return { kind: 'absent' };
	if (typeof stored === 'object' && stored !== null && 'deleted' in stored) return { kind: 'deleted', at: stored.at };
	return { kind: 'live', base: stored as B };
}

function fieldOfKey(key: string): { field: string; writer: string } {
	const first = key.indexOf('/');
	const second = key.indexOf('/', first + 1);
	return second === -1 ? { field: key.slice(first + 1), writer: '' } : { field: key.slice(first + 1, second), writer: key.slice(second + 1) };
}

/**
 * The winning edit of each field. `keys`: the record's field keys (fieldKeysOf); without them only
 * shared keys are read (a map.get per field, for maps that never hold writer keys).
 */
export function latestEdits(map: Y.Map<unknown>, id: string, fields: readonly string[], keys?: readonly string[]): Map<string, FieldEdit> {
	const out = new Map<string, FieldEdit>();
	if (!keys) {
		for (const field of fields) {
			const edit = map.get(`${id}/${field}`) as FieldEdit | undefined;
			if (edit) out.set(field, edit);
		}
		return out;
	}
	const allowed = new Set(fields);
	const writerOf = new Map<string, string>();
	for (const key of keys) {
		const { field, writer } = fieldOfKey(key);
		if (!allowed.has(field)) continue;
		const edit = map.get(key) as FieldEdit | undefined;
		if (!edit) continue;
		const best = out.get(field);
		if (!best || edit.at > best.at || (edit.at === best.at && writer > writerOf.get(field)!)) {
			out.set(field, edit);
			writerOf.set(field, writer);
		}
	}
	return out;
}

/**
 * Copies the winning edits into `into` (only fields it already has when `onlyPresent`) and returns
 * the latest moment of change, starting from `since` (the creation).
 */
export function applyEdits(into: Record<string, unknown>, edits: Map<string, FieldEdit>, since: string, opts: { onlyPresent?: boolean } = {}): string {
	let updatedAt = since;
	for (const [field, edit] of edits) {
		if (opts.onlyPresent && !(field in into)) continue;
		into[field] = edit.v;
		if (edit.at > updatedAt) updatedAt = edit.at;
	}
	return updatedAt;
}

export function writeBase(map: Y.Map<unknown>, id: string, value: object): void {
	map.set(id, value);
}

/**
 * Writes only the given fields, each as its own key, so concurrent edits of other fields survive.
 * With `writer` (and the record's current `keys`), each field goes under this tablet's own key and
 * replaces every key of that field this tablet has seen.
 */
export function writeFields(
	map: Y.Map<unknown>,
	id: string,
	changes: Record<string, unknown>,
	now: string,
	opts: { writer?: string; keys?: readonly string[] } = {}
): void {
	for (const [field, v] of Object.entries(changes)) {
		if (opts.writer === undefined) {
			map.set(`${id}/${field}`, { v, at: now } satisfies FieldEdit);
			continue;
		}
		// An edit made after seeing others must beat them even when this tablet's clock is behind
		// theirs: its moment is moved just past the latest it has seen (as a hybrid logical clock).
		let at = now;
		for (const key of opts.keys ?? []) {
			if (fieldOfKey(key).field !== field) continue;
			const edit = map.get(key) as FieldEdit | undefined;
			if (edit && edit.at >= at) at = new Date(Date.parse(edit.at) + 1).toISOString();
			map.delete(key);
		}
		map.set(`${id}/${field}/${opts.writer}`, { v, at } satisfies FieldEdit);
	}
}

/** Leaves a tombstone and removes every field key given (or every shared key of `fields`). */
export function writeTombstone(map: Y.Map<unknown>, id: string, now: string, keys: Iterable<string>): void {
	map.set(id, { deleted: true, at: now } satisfies Tombstone);
	for (const key of keys) map.delete(key);
}

/** Shared keys of every field: what a tombstone removes in maps written with shared keys only. */
export function sharedKeys(id: string, fields: readonly string[]): string[] {
	return fields.map((f) => `${id}/${f}`);
}

/**
 * The fields whose values differ between two versions of a record (structural comparison: values
 * are JSON). With `onlyPresent`, fields the new version lacks are left alone.
 */
export function changedFields(before: object, after: object, fields: readonly string[], opts: { onlyPresent?: boolean } = {}): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const a = before as Record<string, unknown>;
	const b = after as Record<string, unknown>;
	for (const f of fields) {
		if (opts.onlyPresent && !(f in b)) continue;
		if (JSON.stringify(a[f]) !== JSON.stringify(b[f])) out[f] = b[f];
	}
	return out;
}

/** This tablet's writer id in a document (its Yjs client id). */
export function writerOf(map: Y.Map<unknown>): string {
	if (!map.doc) throw new Error('The map is not in a document');
	return String(map.doc.clientID);
}
