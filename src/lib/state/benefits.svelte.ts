// Benefits, coupons and the policy as the screens see them: read through shop.benefits (the
// BenefitService contract) and read again whenever they (or the groups they name) change.
import type { ChangeSet } from '$lib/store/docstore';
import { BENEFITS_KIND, COUPONS_KIND, POLICY_KIND } from '$lib/benefits/projection';
import type { BenefitPolicy } from '$lib/domain/benefits/types';
import { groupsNeedingRank } from '$lib/domain/benefits/validate';
import { followGroups, touchesDefinitions } from './groups.svelte';
import { shop } from './shop.svelte';

/** A flush changed benefits, coupons, the policy, or group definitions (names, levels). */
export function touchesBenefits(changes: ChangeSet): boolean {
	return [BENEFITS_KIND, COUPONS_KIND, POLICY_KIND].some((k) => !!changes[k]?.length) || touchesDefinitions(changes);
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
