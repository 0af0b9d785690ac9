// How groups are shaped in Yjs (DESIGN.md, "Replication").
//
// Definitions: document 'groups', map 'groups', like customers:
//   '<id>'          → the definition as created (one JSON value)
//   '<id>/<field>'  → { v, at } for each field edited later (last writer wins per field)
//   '<id>'          → { deleted: true, at } once deleted
// The built-in groups ("All customers", RFM) exist without a stored definition; only their edited
// fields are stored, as '<id>/<field>'.
//
// Manual memberships and staff-set tier levels: in the customer's bucket document, map 'members':
//   '<customerId>/<groupId>/+/<writer>'  → { at, by } of an add
//   '<customerId>/<groupId>/-/<writer>'  → { at, by } of a remove
//   '<customerId>/<groupId>/level'       → LevelOverride | null
// A deleted group takes every one of these keys along (GroupService.purgeMembers), on the tablet
// that deleted it and on every tablet that hears of the deletion, also later: an add recorded
// offline on another tablet for a group deleted meanwhile is dropped on arrival (the deletion wins,
// whatever the clocks say: a deleted group never comes back, so neither do its members).
// Adds and removes (and each writer's marks) are separate keys, so an add on one tablet and a
// remove on another (both offline) both survive the merge and the answer is computed from them:
// the later by the tablets' clocks wins, an exact tie goes to the removal. Every tablet reads the
// same marks, so every tablet gets the same answer.
import * as Y from 'yjs';
import type { Group, GroupDraft, LevelOverride, ManualMember } from '$lib/domain/groups/types';
import { MEMBERS_MAP } from '$lib/customers/yjs';
import { builtInGroups } from '$lib/domain/groups/groups';
import {
	applyEdits,
	changedFields,
	entityOfKey,
	fieldKeysOf,
	latestEdits,
	readBase,
	sharedKeys,
	writeBase,
	writeFields,
	writeTombstone
} from '$lib/store/lww';

export const GROUPS_MAP = 'groups';

/** Every field of a definition that can be edited after creation (the type cannot). */
export const GROUP_FIELDS = [
	'name',
	'description',
	'tags',
	'vip',
	'discountPct',
	'loyaltyEnabled',
	'appAccess',
	'rule',
	'tier',
	'enabled'
] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];

type BaseValue = GroupDraft & { createdAt: string; createdBy: string };

export type GroupState = { kind: 'live'; group: Group } | { kind: 'deleted' } | { kind: 'absent' };

export function groupsMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(GROUPS_MAP);
}

export const groupIdOfKey = entityOfKey;

/**
 * The definition as stored, edits applied. Fields are copied as they are: a rule from a newer
 * version of the app stays exactly as it arrived (the projection marks it, nobody rewrites it).
 * `keys`: the group's field keys (fieldKeysOf), needed only to read edits under writer keys.
 */
export function readGroup(map: Y.Map<unknown>, id: string, keys?: readonly string[]): GroupState {
	const stored = readBase<BaseValue>(map, id);
	const builtIn = builtInGroups().find((g) => g.id === id);
	if (stored.kind === 'deleted') return { kind: 'deleted' };
	if (stored.kind === 'absent' && !builtIn) return { kind: 'absent' };
	const group = (stored.kind === 'live' ? { ...stored.base, id, updatedAt: stored.base.createdAt } : { ...builtIn! }) as Group;
	group.updatedAt = applyEdits(group as unknown as Record<string, unknown>, latestEdits(map, id, GROUP_FIELDS, keys), group.updatedAt, { onlyPresent: true });
	return { kind: 'live', group };
}

export function writeNewGroup(map: Y.Map<unknown>, id: string, draft: GroupDraft, now: string, by: string): void {
	writeBase(map, id, { ...draft, createdAt: now, createdBy: by } satisfies BaseValue);
}

/** Writes only the given fields, each as its own key, so concurrent edits of other fields survive. */
export function writeGroupFields(map: Y.Map<unknown>, id: string, changes: Partial<Record<GroupField, unknown>>, now: string): void {
	writeFields(map, id, changes, now);
}

export function deleteGroup(map: Y.Map<unknown>, id: string, now: string): void {
	writeTombstone(map, id, now, [...sharedKeys(id, GROUP_FIELDS), ...(fieldKeysOf(map, (g) => g === id).get(id) ?? [])]);
}

/** The fields whose values differ between two drafts of the same type (values are JSON). */
export function changedGroupFields(before: GroupDraft, after: GroupDraft): Partial<Record<GroupField, unknown>> {
	return changedFields(before, after, GROUP_FIELDS, { onlyPresent: true }) as Partial<Record<GroupField, unknown>>;
}

// ---- Manual memberships -------------------------------------------------------------------------

interface Mark {
	at: string;
	by: string;
}

export function membersMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(MEMBERS_MAP);
}

/** 'customerId/groupId' of a members key; the entity id of the manual-members projection. */
export function pairOfKey(key: string): string {
	const first = key.indexOf('/');
	const second = key.indexOf('/', first + 1);
	return second === -1 ? key : key.slice(0, second);
}

export function pairId(customerId: string, groupId: string): string {
	return `${customerId}/${groupId}`;
}

export function splitPair(pair: string): { customerId: string; groupId: string } {
	const slash = pair.indexOf('/');
	return { customerId: pair.slice(0, slash), groupId: pair.slice(slash + 1) };
}

/**
 * The members keys of the wanted pairs, found in one pass over the map (a map has no prefix
 * lookup): pair → its keys. Used once per flush or bulk batch, not once per pair.
 */
export function memberKeys(map: Y.Map<unknown>, wanted: (pair: string) => boolean): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const key of map.keys()) {
		const pair = pairOfKey(key);
		if (!wanted(pair)) continue;
		const list = out.get(pair);
		if (list) list.push(key);
		else out.set(pair, [key]);
	}
	return out;
}

function latestMark(map: Y.Map<unknown>, keys: string[], kind: '+' | '-'): Mark | null {
	let best: Mark | null = null;
	for (const key of keys) {
		if (key[key.indexOf('/', key.indexOf('/') + 1) + 1] !== kind) continue;
		const m = map.get(key) as Mark | undefined;
		if (m && (!best || m.at > best.at)) best = m;
	}
	return best;
}

/**
 * The customer's manual membership of one group, from the latest add and the latest remove any
 * tablet recorded: the later wins, an exact tie goes to the removal. Null when nothing was ever
 * recorded. `keys`: the pair's keys (memberKeys).
 */
export function readMember(map: Y.Map<unknown>, customerId: string, groupId: string, keys: string[]): ManualMember | null {
	const add = latestMark(map, keys, '+');
	const remove = latestMark(map, keys, '-');
	const level = (map.get(`${pairId(customerId, groupId)}/level`) as LevelOverride | null | undefined) ?? null;
	if (!add && !remove && !level) return null;
	const member = !!add && (!remove || add.at > remove.at);
	const last = member ? add : (remove ?? add);
	return { customerId, groupId, member, at: last?.at ?? level?.at ?? '', by: last?.by ?? level?.by ?? '', level };
}

/**
 * Records an add or a remove under a key of this writer ('<pair>/+/<Yjs client id>'): two tablets
 * writing offline never overwrite each other's mark (one value per key would keep either of two
 * concurrent removes, not the later), so the latest of each kind is always known. The marks this
 * writer has seen and outdates are deleted, so a pair keeps one mark per tablet that wrote
 * concurrently, and one once everyone has synced.
 */
export function writeMember(map: Y.Map<unknown>, customerId: string, groupId: string, member: boolean, at: string, by: string, keys: string[]): void {
	const pair = pairId(customerId, groupId);
	for (const key of keys) {
		if (key === `${pair}/level`) continue;
		const m = map.get(key) as Mark | undefined;
		if (m && m.at < at) map.delete(key);
	}
	map.set(`${pair}/${member ? '+' : '-'}/${map.doc!.clientID}`, { at, by } satisfies Mark);
}

/**
 * Every members key (adds, removes, level) of the given groups, in one pass over the map: what a
 * deleted group leaves behind in a customer bucket (deleteMembersOf removes them).
 */
export function keysOfGroups(map: Y.Map<unknown>, groupIds: ReadonlySet<string>): string[] {
	const out: string[] = [];
	for (const key of map.keys()) if (groupIds.has(splitPair(pairOfKey(key)).groupId)) out.push(key);
	return out;
}

export function writeLevel(map: Y.Map<unknown>, customerId: string, groupId: string, override: LevelOverride | null): void {
	map.set(`${pairId(customerId, groupId)}/level`, override);
}
