// Projections of groups (copies only; memberships are derived after the flush by the derive worker):
// - group definitions: the 'groups' document → the groups table;
// - manual memberships and staff-set levels: the 'members' map of each customer bucket → manualMembers.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { GroupRow, ShopDB } from '$lib/store/schema';
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

export const groupsProjection: Projection = {
	kind: 'groups',
	tables: ['groups'],
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
		const keysOf = fieldKeysOf(map, (id) => ids.has(id));
		for (const id of ids) {
			const state = readGroup(map, id, keysOf.get(id) ?? []);
			if (state.kind === 'live') puts.push(toGroupRow(state.group));
			else deletes.push(id);
		}
		// put(): the row is the whole definition, replaced from the Yjs state.
		if (puts.length) await db.groups.bulkPut(puts);
		if (deletes.length) await db.groups.bulkDelete(deletes);
	}
};

/** Entity ids are 'customerId/groupId' (the ChangeSet kind 'manualMembers'). */
export const manualMembersProjection: Projection = {
	kind: 'manualMembers',
	tables: ['manualMembers'],
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
		const keysOf = memberKeys(members, (pair) => ids.has(pair));
		for (const pair of ids) {
			const { customerId, groupId } = splitPair(pair);
			const m = readMember(members, customerId, groupId, keysOf.get(pair) ?? []);
			// Added on a tablet that had not heard of the customer's deletion: not a member of
			// anything, and the keys are removed from Yjs (removeOrphans).
			const gone = readCustomer(customers, customerId).kind === 'deleted';
			if (gone && m) orphaned.add(customerId);
			if (m && !gone && (m.member || m.level)) puts.push(m);
			else deletes.push([customerId, groupId]);
		}
		// put(): one row per customer × group, replaced from the Yjs state.
		if (puts.length) await db.manualMembers.bulkPut(puts);
		if (deletes.length) await db.manualMembers.bulkDelete(deletes);
		return orphaned.size ? { 'customers:orphaned': [...orphaned] } : undefined;
	}
};
