// The group list's search, filter and sort: pure, so the page and its tests agree.
import type { GroupType } from '$lib/domain/groups/types';
import type { GroupRecord } from '$lib/groups/api';
import { fold } from '$lib/domain/text';
import { GROUP_TYPE_LABELS } from './rule-words';

export type GroupSortKey = 'name' | 'description' | 'type' | 'tags' | 'vip' | 'members' | 'share';

export interface GroupQuery {
	search: string;
	type: GroupType | '';
	tag: string;
	sort: { key: GroupSortKey; dir: 'asc' | 'desc' };
}

function keyOf(r: GroupRecord, key: GroupSortKey): string | number {
	const g = r.group;
	switch (key) {
		case 'name':
			return fold(g.name);
		case 'description':
			return fold(g.description);
		case 'type':
			return GROUP_TYPE_LABELS[g.type];
		case 'tags':
			return g.tags.join(', ');
		case 'vip':
			return g.vip ? 1 : 0;
		case 'members':
		case 'share':
			return r.members;
	}
}

export function allTags(records: readonly GroupRecord[]): string[] {
	return [...new Set(records.flatMap((r) => r.group.tags))].sort();
}

export function queryGroups(records: readonly GroupRecord[], q: GroupQuery): GroupRecord[] {
	const needle = fold(q.search.trim());
	const kept = records.filter(
		(r) =>
			(!needle || fold(r.group.name).includes(needle)) &&
			(!q.type || r.group.type === q.type) &&
			(!q.tag || r.group.tags.includes(q.tag))
	);
	const sign = q.sort.dir === 'asc' ? 1 : -1;
	return kept.sort((a, b) => {
		const x = keyOf(a, q.sort.key);
		const y = keyOf(b, q.sort.key);
		if (x < y) return -sign;
		if (x > y) return sign;
		return fold(a.group.name) < fold(b.group.name) ? -1 : 1;
	});
}

/** '12.5%' of all customers; '0%' when there are none. */
export function shareText(members: number, total: number): string {
	if (total <= 0) return '0%';
	const pct = (members / total) * 100;
	return `${pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)}%`;
}
