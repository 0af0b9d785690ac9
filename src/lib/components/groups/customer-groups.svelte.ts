// One customer's groups and membership history, kept live: a sale on another tablet that moves
// them to Gold, or a manual add elsewhere, shows on the profile as soon as it is derived here.
import type { CustomerGroupInfo, GroupRecord } from '$lib/groups/api';
import type { MembershipEvent, MembershipReason } from '$lib/domain/groups/types';
import { shop } from '$lib/state/shop.svelte';
import { followGroups } from '$lib/state/groups.svelte';

export const REASON_WORDS: Record<MembershipReason, string> = {
	rule: 'its rule',
	sale: 'a sale',
	date: 'the date',
	manual: 'by hand',
	profile: 'a profile change',
	rebuild: 'a full re-evaluation',
	retention: 'the end of retention'
};

/** "Joined Gold (Spend tiers): a sale" / "Left Regulars: by hand, Tablet 2". */
export function eventWords(e: MembershipEvent, names: Record<string, string>): string {
	const what = names[e.key] ?? 'a deleted group';
	const why = e.why === 'manual' ? (e.change === 'joined' ? 'added by hand' : 'removed by hand') : `because of ${REASON_WORDS[e.why] ?? e.why}`;
	return `${e.change === 'joined' ? 'Joined' : 'Left'} ${what}: ${why}${e.by ? `, by ${e.by}` : ''}`;
}

export class CustomerGroups {
	loaded = $state(false);
	groups = $state.raw<CustomerGroupInfo[]>([]);
	history = $state.raw<MembershipEvent[]>([]);
	records = $state.raw<GroupRecord[]>([]);
	error = $state<string | null>(null);

	/** Follows one customer; returns stop (for $effect). */
	follow(customerId: string): () => void {
		this.loaded = false;
		return followGroups(
			() => Promise.all([shop.groups.groupsOf(customerId), shop.groups.history(customerId), shop.groups.list()]),
			([groups, history, records]) => {
				this.groups = groups;
				this.history = history;
				this.records = records;
				this.loaded = true;
				this.error = null;
			},
			(message) => (this.error = message)
		);
	}
}
