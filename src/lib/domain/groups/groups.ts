// Group definitions: validation of what a form or the service is given, the built-in groups, and
// which groups use which (a group another rule refers to cannot be deleted).
import type { FieldError } from '../errors';
import { LIMITS, normalizeTag } from '../validate';
import { normalizeName } from '../text';
import { RFM_SEGMENTS } from './rfm';
import { referencedGroups, validateRule } from './rules';
import { validateTier } from './tiers';
import {
	ALL_CUSTOMERS_ID,
	RFM_GROUP_ID,
	type Group,
	type GroupDraft,
	type LevelOverride,
	type TierConfig
} from './types';
import { isValidDate } from '../dates';

export const GROUP_LIMITS = { name: 100, description: 1000, tags: 20 } as const;

const BUILT_IN_AT = '1970-01-01T00:00:00.000Z';

/** "All customers" and "RFM segments": they exist without being stored and cannot be deleted. */
export function builtInGroups(): Group[] {
	const common = {
		tags: [],
		vip: false,
		discountPct: null,
		loyaltyEnabled: false,
		appAccess: false,
		createdAt: BUILT_IN_AT,
		createdBy: 'system',
		updatedAt: BUILT_IN_AT
	};
	return [
		{ ...common, id: ALL_CUSTOMERS_ID, type: 'all', name: 'All customers', description: 'Every customer of the shop.' },
		{
			...common,
			id: RFM_GROUP_ID,
			type: 'rfm',
			enabled: false,
			name: 'RFM segments',
			description: `Customers by how recently, how often and how much they buy: ${RFM_SEGMENTS.map((s) => s.name).join(', ')}.`
		}
	];
}

export function isBuiltIn(id: string): boolean {
	return id === ALL_CUSTOMERS_ID || id === RFM_GROUP_ID;
}

/** Name as stored: whitespace tidied. Compared case-insensitively for uniqueness. */
export function normalizeGroupName(name: string): string {
	return normalizeName(name);
}

/**
 * Every mistake in a group being created (selfId null) or updated, at its field: 'name', 'tags.1',
 * 'discountPct', 'rule.0.2.value', 'tier.levels.1.min'. `existing` are the live groups; the
 * built-in ones are added when missing.
 */
export function validateGroupDraft(
	draft: GroupDraft,
	existing: readonly Group[],
	selfId: string | null,
	opts: { storeIds?: readonly string[] } = {}
): FieldError[] {
	const errors: FieldError[] = [];
	const err = (field: string, code: FieldError['code'], params?: Record<string, string>) =>
		errors.push(params ? { field, code, params } : { field, code });
	const groups = withBuiltIns(existing);
	const self = selfId === null ? undefined : groups.find((g) => g.id === selfId);
	if (selfId !== null && isBuiltIn(selfId) ? self?.type !== draft.type : draft.type === 'all' || draft.type === 'rfm') {
		err('type', 'group-built-in', { name: self?.name ?? '' });
	} else if (!['manual', 'automatic', 'tiered', 'all', 'rfm'].includes(draft.type)) {
		err('type', 'group-type-invalid');
	}
	const name = typeof draft.name === 'string' ? normalizeGroupName(draft.name) : '';
	if (name === '') err('name', 'group-name-required');
	else if (name.length > GROUP_LIMITS.name) err('name', 'field-too-long', { max: String(GROUP_LIMITS.name) });
	else {
		const folded = name.toLowerCase();
		if (groups.some((g) => g.id !== selfId && normalizeGroupName(g.name).toLowerCase() === folded)) err('name', 'group-name-taken', { name });
	}
	if (typeof draft.description !== 'string') err('description', 'field-too-long', { max: String(GROUP_LIMITS.description) });
	else if (draft.description.trim().length > GROUP_LIMITS.description)
		err('description', 'field-too-long', { max: String(GROUP_LIMITS.description) });
	const tags = Array.isArray(draft.tags) ? draft.tags : [];
	tags.forEach((raw, i) => {
		const tag = typeof raw === 'string' ? normalizeTag(raw) : '';
		if (tag.length > LIMITS.tag || /[,;]/.test(tag)) err(`tags.${i}`, 'tag-invalid', { tag });
	});
	if (tags.length > GROUP_LIMITS.tags) err('tags', 'field-too-long', { max: String(GROUP_LIMITS.tags) });
	const pct = draft.discountPct;
	if (pct !== null && (typeof pct !== 'number' || !Number.isFinite(pct) || pct < 0 || pct > 100)) err('discountPct', 'discount-pct-invalid');
	if (draft.type === 'automatic') errors.push(...validateRule(draft.rule, groups, selfId, opts));
	if (draft.type === 'tiered') errors.push(...validateTier(draft.tier).errors);
	return errors;
}

/** The draft as stored: name and description trimmed, tags normalised and de-duplicated. */
export function normalizeGroupDraft<T extends GroupDraft>(draft: T): T {
	const tags: string[] = [];
	for (const raw of draft.tags) {
		const t = normalizeTag(raw);
		if (t !== '' && !tags.includes(t)) tags.push(t);
	}
	const out = { ...draft, name: normalizeGroupName(draft.name), description: draft.description.trim(), tags };
	if (out.type === 'tiered') out.tier = { ...out.tier, levels: [...out.tier.levels].map((l) => ({ ...l, name: l.name.trim() })).sort((a, b) => a.min - b.min) };
	return out;
}

function withBuiltIns(existing: readonly Group[]): Group[] {
	const ids = new Set(existing.map((g) => g.id));
	return [...existing, ...builtInGroups().filter((g) => !ids.has(g.id))];
}

/** Ids of the groups whose rules refer to group `id` (sorted). */
export function groupsInUse(id: string, groups: readonly Group[]): string[] {
	return groups
		.filter((g) => g.id !== id && referencedGroups(g).includes(id))
		.map((g) => g.id)
		.sort();
}

/** Why group `id` cannot be deleted (built in, or another rule refers to it), or nothing. */
export function validateGroupRemoval(id: string, groups: readonly Group[]): FieldError[] {
	const all = withBuiltIns(groups);
	const g = all.find((x) => x.id === id);
	if (isBuiltIn(id)) return [{ field: 'id', code: 'group-built-in', params: { name: g?.name ?? '' } }];
	const users = groupsInUse(id, all);
	if (users.length === 0) return [];
	const names = users.map((u) => `“${all.find((x) => x.id === u)?.name ?? u}”`);
	return [{ field: 'id', code: 'group-in-use', params: { users: names.join(', ') } }];
}

/** A staff-set level: one of the tier's levels, a reason, and an end day from today on. */
export function validateLevelOverride(o: LevelOverride, tier: TierConfig, today: string): FieldError[] {
	const errors: FieldError[] = [];
	if (!tier.levels.some((l) => l.id === o.levelId))
		errors.push({ field: 'levelId', code: 'level-override-invalid', params: { why: 'Choose one of this group’s levels' } });
	if (typeof o.reason !== 'string' || o.reason.trim() === '') errors.push({ field: 'reason', code: 'reason-required' });
	if (typeof o.until !== 'string' || !isValidDate(o.until) || o.until < today)
		errors.push({ field: 'until', code: 'level-override-invalid', params: { why: 'Choose an end date from today on' } });
	return errors;
}
