// The till's pricing data from this tablet's database: the benefits snapshot (benefits data
// layer), group definitions and the customer's derived memberships (groups service), their
// coupon uses and redemption history. All local reads, so the till prices the same offline.
import { ALL_CUSTOMERS_ID } from '$lib/domain/groups/types';
import type { TillSources } from './till-feed';
import { shop } from './shop.svelte';

export function shopTillSources(): TillSources {
	return {
		snapshot: () => shop.benefits.snapshot(),
		groups: async () => (await shop.groups.list()).map((r) => r.group),
		member: async (customerId) => {
			const [infos, couponUses, history] = await Promise.all([
				shop.groups.groupsOf(customerId),
				shop.benefits.couponUses(customerId),
				shop.benefits.redemptionHistory(customerId)
			]);
			// groupsOf lists a tier member by their level's key; they are in the group too.
			const keys = new Set<string>();
			for (const i of infos) {
				if (i.key === ALL_CUSTOMERS_ID) continue;
				keys.add(i.key);
				keys.add(i.groupId);
			}
			return { customerId, keys: [...keys], couponUses, history };
		},
		subscribe: (listener) => shop.store.subscribe(listener)
	};
}
