import { describe, expect, it } from 'vitest';
import { messageFor, type ErrorCode } from '../errors';
import { automaticGroup, block, manualGroup, rule, tieredGroup } from './factories';
import { builtInGroups, groupsInUse, normalizeGroupDraft, validateGroupDraft, validateGroupRemoval, validateLevelOverride } from './groups';
import { SPEND_TIERS_PRESET } from './tiers';
import type { Group, GroupDraft } from './types';

function draftOf(g: Group): GroupDraft {
	const { id: _i, createdAt: _c, createdBy: _b, updatedAt: _u, ...draft } = g;
	return draft;
}

const codes = (draft: GroupDraft, existing: Group[] = [], selfId: string | null = null, storeIds?: string[]) =>
	validateGroupDraft(draft, existing, selfId, { storeIds }).map((e) => `${e.field} ${e.code}`);

describe('builtInGroups', () => {
	it('are “All customers” and “RFM segments” (switched off)', () => {
		const [all, rfm] = builtInGroups();
		expect(all).toMatchObject({ id: 'all', type: 'all', name: 'All customers' });
		expect(rfm).toMatchObject({ id: 'rfm', type: 'rfm', name: 'RFM segments', enabled: false });
	});
});

describe('validateGroupDraft', () => {
	const vip = manualGroup('vip', 'VIP');

	it('accepts a good manual group', () => {
		expect(codes(draftOf(manualGroup('x', 'Newsletter')), [vip])).toEqual([]);
	});

	it('needs a name, unique among groups ignoring case and spaces, built-in names included', () => {
		expect(codes({ ...draftOf(vip), name: '   ' })).toEqual(['name group-name-required']);
		expect(codes({ ...draftOf(vip), name: ' vip ' }, [vip])).toEqual(['name group-name-taken']);
		expect(codes({ ...draftOf(vip), name: 'all  CUSTOMERS' }, [vip])).toEqual(['name group-name-taken']);
		// Renaming a group to its own name is fine.
		expect(codes({ ...draftOf(vip), name: 'Vip' }, [vip], 'vip')).toEqual([]);
		expect(codes({ ...draftOf(vip), name: 'x'.repeat(101) })).toEqual(['name field-too-long']);
	});

	it('keeps description and tags within the customers’ limits', () => {
		expect(codes({ ...draftOf(vip), description: 'd'.repeat(1001) })).toEqual(['description field-too-long']);
		expect(codes({ ...draftOf(vip), tags: ['ok', 'a,b', 't'.repeat(51)] })).toEqual(['tags.1 tag-invalid', 'tags.2 tag-invalid']);
	});

	it('takes a discount from 0 to 100 or none', () => {
		for (const pct of [0, 12.5, 100, null]) expect(codes({ ...draftOf(vip), discountPct: pct })).toEqual([]);
		for (const pct of [-1, 101, NaN]) expect(codes({ ...draftOf(vip), discountPct: pct })).toEqual(['discountPct discount-pct-invalid']);
	});

	it('validates an automatic group’s rule, self-reference included', () => {
		const g = automaticGroup('a', rule({ kind: 'store', storeIds: ['paris'] }, block('any', { kind: 'memberOf', groupId: 'a', levelId: null })));
		expect(codes(draftOf(g), [vip, g], 'a', ['camden'])).toEqual(['rule.0.storeIds.0 store-unknown', 'rule.1.0 rule-cycle']);
	});

	it('validates a tiered group’s levels', () => {
		const t = SPEND_TIERS_PRESET();
		const g = tieredGroup('t', { ...t, levels: [t.levels[0], { ...t.levels[1], min: 100 }] });
		expect(codes(draftOf(g))).toEqual(['tier.levels.1.min tier-levels-overlap']);
	});

	it('refuses creating a built-in type, or changing a built-in group’s type', () => {
		const [all, rfm] = builtInGroups();
		expect(codes({ ...draftOf(all), name: 'Everyone' })).toEqual(['type group-built-in']);
		expect(codes(draftOf(rfm), [], 'rfm')).toEqual([]);
		expect(codes({ ...draftOf(vip), name: 'RFM' }, [], 'rfm')).toEqual(['type group-built-in']);
	});

	it('normalises what is stored', () => {
		const d = normalizeGroupDraft({ ...draftOf(vip), name: '  Big   spenders ', description: ' x ', tags: [' VIP', 'vip', ''] });
		expect([d.name, d.description, d.tags]).toEqual(['Big spenders', 'x', ['vip']]);
	});
});

describe('groups in use', () => {
	const vip = manualGroup('vip', 'VIP');
	const a = automaticGroup('a', rule({ kind: 'memberOf', groupId: 'vip', levelId: null }), 'VIP adults');
	const b = automaticGroup('b', rule(block('none', { kind: 'memberOf', groupId: 'vip', levelId: null })), 'Not VIP');

	it('lists the groups whose rules refer to a group', () => {
		expect(groupsInUse('vip', [vip, a, b])).toEqual(['a', 'b']);
		expect(groupsInUse('a', [vip, a, b])).toEqual([]);
	});

	it('refuses deleting a group in use or a built-in group, with names in the message', () => {
		const e = validateGroupRemoval('vip', [vip, a, b]);
		expect(e.map((x) => x.code)).toEqual(['group-in-use']);
		expect(messageFor(e[0])).toBe('This group cannot be deleted while the rule of “VIP adults”, “Not VIP” uses it: change that rule first');
		expect(validateGroupRemoval('all', [vip]).map((x) => x.code)).toEqual(['group-built-in']);
		expect(validateGroupRemoval('a', [vip, a, b])).toEqual([]);
	});
});

describe('validateLevelOverride', () => {
	const t = SPEND_TIERS_PRESET();
	const o = { levelId: 'gold', reason: 'Press', until: '2026-06-15', by: 'Sam', at: '2026-06-01T10:00:00Z' };
	it('needs a level of the tier, a reason and an end day from today on', () => {
		expect(validateLevelOverride(o, t, '2026-06-15')).toEqual([]);
		expect(validateLevelOverride({ ...o, levelId: 'diamond', reason: ' ', until: '2026-06-14' }, t, '2026-06-15').map((e) => `${e.field} ${e.code}`)).toEqual([
			'levelId level-override-invalid',
			'reason reason-required',
			'until level-override-invalid'
		]);
	});
});

describe('messages of the group codes', () => {
	it('reads in plain English with and without params', () => {
		const codes: ErrorCode[] = [
			'group-name-required', 'group-name-taken', 'group-in-use', 'group-built-in', 'group-type-invalid', 'discount-pct-invalid',
			'rule-empty-block', 'rule-value-missing', 'rule-range-impossible', 'rule-date-invalid', 'rule-unknown-condition',
			'rule-unknown-group', 'rule-unknown-level', 'rule-cycle', 'rule-needs-update', 'rule-too-deep', 'tier-levels-required',
			'tier-level-name-required', 'tier-level-name-taken', 'tier-levels-overlap', 'tier-min-invalid', 'tier-max-invalid',
			'tier-window-invalid', 'tier-retention-invalid', 'level-override-invalid'
		];
		for (const code of codes) {
			const m = messageFor({ field: 'x', code });
			expect(m.length, code).toBeGreaterThan(10);
			expect(m, code).not.toMatch(/undefined|\$\{|“”/);
		}
		expect(messageFor({ field: 'rule.0', code: 'rule-cycle', params: { path: '“A” → “B” → “A”' } })).toBe('A group cannot depend on itself: “A” → “B” → “A”');
		expect(messageFor({ field: 'name', code: 'group-name-taken', params: { name: 'VIP' } })).toBe('There is already a group called “VIP”: choose another name');
	});
});
