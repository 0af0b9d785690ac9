import { describe, expect, it } from 'vitest';
import type { GroupRecord } from '$lib/groups/api';
import { manualGroup, tieredGroup } from '$lib/domain/groups/factories';
import { SPEND_TIERS_PRESET } from '$lib/domain/groups/tiers';
import { allTags, queryGroups, shareText, type GroupQuery } from './group-table';

function rec(g: GroupRecord['group'], members: number, tags: string[] = [], vip = false): GroupRecord {
	return { group: { ...g, tags, vip }, needsUpdate: false, members, levels: {} };
}

const records = [
	rec(manualGroup('a', 'Newsletter'), 40, ['marketing']),
	rec(manualGroup('b', 'Book club'), 7, ['events', 'marketing'], true),
	rec(tieredGroup('c', SPEND_TIERS_PRESET(), 'Spend tiers'), 400, ['loyalty'])
];
const q = (over: Partial<GroupQuery>): GroupQuery => ({ search: '', type: '', tag: '', sort: { key: 'name', dir: 'asc' }, ...over });
const names = (rs: GroupRecord[]) => rs.map((r) => r.group.name);

describe('queryGroups', () => {
	it('searches by name, ignoring case and accents', () => {
		expect(names(queryGroups(records, q({ search: 'CLÚB' })))).toEqual(['Book club']);
	});
	it('filters by type and by tag', () => {
		expect(names(queryGroups(records, q({ type: 'tiered' })))).toEqual(['Spend tiers']);
		expect(names(queryGroups(records, q({ tag: 'marketing' })))).toEqual(['Book club', 'Newsletter']);
	});
	it('sorts by any column, either way, ties by name', () => {
		expect(names(queryGroups(records, q({ sort: { key: 'members', dir: 'desc' } })))).toEqual(['Spend tiers', 'Newsletter', 'Book club']);
		expect(names(queryGroups(records, q({ sort: { key: 'vip', dir: 'desc' } })))).toEqual(['Book club', 'Newsletter', 'Spend tiers']);
		expect(names(queryGroups(records, q({ sort: { key: 'type', dir: 'asc' } })))).toEqual(['Book club', 'Newsletter', 'Spend tiers']);
	});
	it('lists every tag once', () => {
		expect(allTags(records)).toEqual(['events', 'loyalty', 'marketing']);
	});
});

describe('shareText', () => {
	it('rounds large shares, keeps a decimal for small ones', () => {
		expect(shareText(40, 400)).toBe('10%');
		expect(shareText(1, 400)).toBe('0.3%');
		expect(shareText(0, 400)).toBe('0%');
		expect(shareText(5, 0)).toBe('0%');
	});
});
