// Benefits, coupons and the policy as the screens see them: read through shop.benefits (the
// BenefitService contract) and read again whenever they (or the groups they name) change.
import type { ChangeSet } from '$lib/store/docstore';
import { touchesBenefitData } from '$lib/benefits/projection';
import type { BenefitPolicy, Coupon } from '$lib/domain/benefits/types';
import type { StoredRecord } from '$lib/benefits/api';
import { levelKey, type MembershipKey } from '$lib/domain/groups/types';
import { RFM_SEGMENTS } from '$lib/domain/groups/rfm';
import { groupsNeedingRank } from '$lib/domain/benefits/validate';
import { followGroups, touchesDefinitions } from './groups.svelte';
import { shop } from './shop.svelte';

/** A flush changed benefits, coupons, the policy, or group definitions (names, levels). */
export function touchesBenefits(changes: ChangeSet): boolean {
	return touchesBenefitData(changes) || touchesDefinitions(changes);
}

/** Calls `load` now and after every change to benefits, coupons, the policy or group definitions. */
export function followBenefits<T>(load: () => Promise<T>, apply: (value: T) => void, onError: (message: string) => void): () => void {
	return followGroups(load, apply, onError, touchesBenefits);
}

/** What Settings → "Benefit policy" shows: the stored policy and the groups it may rank. */
export interface PolicyView {
	policy: BenefitPolicy;
	needsUpdate: boolean;
	/** Every group that could be ranked, by name. */
	groups: { id: string; name: string }[];
	/** Groups that give a price or points: a priority order must name each of them. */
	mustRank: string[];
}

export async function loadPolicyView(): Promise<PolicyView> {
	const [{ policy, needsUpdate }, records, snapshot] = await Promise.all([shop.benefits.policy(), shop.groups.list(), shop.benefits.snapshot()]);
	const groups = records.map((r) => r.group);
	return {
		policy,
		needsUpdate,
		groups: groups.map((g) => ({ id: g.id, name: g.name })),
		mustRank: groupsNeedingRank(groups, snapshot.benefits)
	};
}

/** A group or level a coupon can be limited to. */
export interface KeyOption {
	key: MembershipKey;
	label: string;
	/** A level's own name ('Gold'), shown under its group; null for a group. */
	level: string | null;
}

export interface CouponsView {
	coupons: StoredRecord<Coupon>[];
	/** Groups and their levels (tiers, RFM segments), "All customers" left out (no limit is "everyone"). */
	keys: KeyOption[];
}

export async function loadCouponsView(): Promise<CouponsView> {
	const [coupons, records] = await Promise.all([shop.benefits.coupons(), shop.groups.list()]);
	const keys: KeyOption[] = [];
	for (const { group: g } of records) {
		if (g.type === 'all') continue;
		keys.push({ key: g.id, label: g.name, level: null });
		const levels = g.type === 'tiered' ? g.tier.levels : g.type === 'rfm' ? RFM_SEGMENTS : [];
		for (const l of levels) keys.push({ key: levelKey(g.id, l.id), label: `${g.name} · ${l.name}`, level: l.name });
	}
	return { coupons, keys };
}
