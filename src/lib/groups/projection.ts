// Projections of groups (copies only; memberships are derived after the flush by the derive worker):
// - group definitions: the 'groups' document → the groups table;
// - manual memberships and staff-set levels: the 'members' map of each customer bucket → manualMembers.
// A deleted group's id is kept (kv 'groups.deleted'): its manual members are never projected again,
// even when an add recorded offline on another tablet arrives after the deletion; the ids are
// announced (GROUPS_DELETED_KIND) so the shop removes the group's keys from the buckets.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { GroupRow, ShopDB } from '$lib/store/schema';
import type { ChangeSet } from '$lib/store/docstore';
import type { Group, ManualMember } from '$lib/domain/groups/types';
import { readRule } from '$lib/domain/groups/rules';
import { GROUPS_DOC } from '$lib/store/docnames';
import { fieldKeysOf } from '$lib/store/lww';
import { customersMap, readCustomer } from '$lib/customers/yjs';
import { groupIdOfKey, groupsMap, memberKeys, membersMap, pairOfKey, readGroup, readMember, splitPair } from './yjs';

/**
 * The row of a definition. A rule this version cannot read (a newer rule language, from a tablet
 * already updated) is kept exactly as stored and marked: shown as "needs an update", never
 * evaluated, never edited here. An older rule version is read in its migrated form.
 */
export function toGroupRow(group: Group): GroupRow {
	if (group.type !== 'automatic') return { id: group.id, group, needsUpdate: false };
	const read = readRule(group.rule);
	return read.ok ? { id: group.id, group: { ...group, rule: read.rule }, needsUpdate: false } : { id: group.id, group, needsUpdate: true };
}

/** kv key of the ids of every group deleted (tombstoned) so far: a short list, never shrinks. */
export const DELETED_GROUPS_KEY = 'groups.deleted';
/** ChangeSet kind: ids of deleted groups whose manual member keys are to be removed from Yjs. */
export const GROUPS_DELETED_KIND = 'groups:deleted';

export async function deletedGroupIds(db: ShopDB): Promise<Set<string>> {
	return new Set(((await db.kv.get(DELETED_GROUPS_KEY))?.value as string[] | undefined) ?? []);
}

export const groupsProjection: Projection = {
	kind: 'groups',
	tables: ['groups', 'manualMembers', 'kv'],
	matches: (name) => name === GROUPS_DOC,
	observe(doc, dirty) {
		groupsMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(groupIdOfKey(key), event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = groupsMap(doc);
		const puts: GroupRow[] = [];
		const deletes: string[] = [];
		const tombstoned: string[] = [];
		const keysOf = fieldKeysOf(map, (id) => ids.has(id));
		for (const id of ids) {
			const state = readGroup(map, id, keysOf.get(id) ?? []);
			if (state.kind === 'live') puts.push(toGroupRow(state.group));
			else deletes.push(id);
			if (state.kind === 'deleted') tombstoned.push(id);
		}
		// put(): the row is the whole definition, replaced from the Yjs state.
		if (puts.length) await db.groups.bulkPut(puts);
		if (deletes.length) await db.groups.bulkDelete(deletes);
		if (tombstoned.length === 0) return;
		const known = await deletedGroupIds(db);
		const fresh = tombstoned.filter((id) => !known.has(id));
		if (fresh.length) {
			// put(): one list, replaced whole.
			await db.kv.put({ key: DELETED_GROUPS_KEY, value: [...known, ...fresh] });
		}
		// The group's manual members go with it. Not announced as manualMembers: the derive stage
		// drops the group for everyone at once (no "left" row each), as for an automatic group.
		await db.manualMembers.where('groupId').anyOf(tombstoned).delete();
		return { [GROUPS_DELETED_KIND]: tombstoned } satisfies ChangeSet;
	}
};

/** Entity ids are 'customerId/groupId' (the ChangeSet kind 'manualMembers'). */
export const manualMembersProjection: Projection = {
	kind: 'manualMembers',
	tables: ['manualMembers', 'kv'],
	matches: (name) => name.startsWith('customers-'),
	observe(doc, dirty) {
		membersMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(pairOfKey(key), event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const members = membersMap(doc);
		const customers = customersMap(doc);
		const puts: ManualMember[] = [];
		const deletes: [string, string][] = [];
		const orphaned = new Set<string>();
		const stale = new Set<string>();
		const deletedGroups = await deletedGroupIds(db);
		const keysOf = memberKeys(members, (pair) => ids.has(pair));
		for (const pair of ids) {
			const { customerId, groupId } = splitPair(pair);
			const m = readMember(members, customerId, groupId, keysOf.get(pair) ?? []);
			// Added on a tablet that had not heard of the customer's deletion: not a member of
			// anything, and the keys are removed from Yjs (removeOrphans).
			const gone = readCustomer(customers, customerId).kind === 'deleted';
			if (gone && m) orphaned.add(customerId);
			// A mark for a group deleted before it arrived (added offline elsewhere): the deletion
			// wins; the keys are removed from Yjs (GroupService.purgeMembers).
			const groupGone = deletedGroups.has(groupId);
			if (groupGone && m) stale.add(groupId);
			if (m && !gone && !groupGone && (m.member || m.level)) puts.push(m);
			else deletes.push([customerId, groupId]);
		}
		// put(): one row per customer × group, replaced from the Yjs state.
		if (puts.length) await db.manualMembers.bulkPut(puts);
		if (deletes.length) await db.manualMembers.bulkDelete(deletes);
		const more: ChangeSet = {};
		if (orphaned.size) more['customers:orphaned'] = [...orphaned];
		if (stale.size) more[GROUPS_DELETED_KIND] = [...stale];
		return Object.keys(more).length ? more : undefined;
	}
};
