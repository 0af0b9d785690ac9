// One customer's groups and membership history, kept live: a sale on another tablet that moves
// them to Gold, or a manual add elsewhere, shows on the profile as soon as it is derived here.
import type { CustomerGroupInfo, GroupRecord } from '$lib/groups/api';
import type { MembershipEvent, MembershipReason } from '$lib/domain/groups/types';
import { shop } from '$lib/state/shop.svelte';
import { followGroups, touchesCustomer, touchesDefinitions } from '$lib/state/groups.svelte';

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
		let mine = false;
		let all = false;
		const done = () => {
			this.loaded = mine && all;
			if (this.loaded) this.error = null;
		};
		const onError = (message: string) => (this.error = message);
		// Two follows: this customer's rows are re-read when their memberships change (a sale, a
		// manual change), the group list (names, levels, types) only when definitions change. A
		// sale for anyone else re-reads nothing here.
		const stopMine = followGroups(
			() => Promise.all([shop.groups.groupsOf(customerId), shop.groups.history(customerId)]),
			([groups, history]) => {
				this.groups = groups;
				this.history = history;
				mine = true;
				done();
			},
			onError,
			(changes) => touchesCustomer(changes, customerId)
		);
		const stopAll = followGroups(
			() => shop.groups.list(),
			(records) => {
				this.records = records;
				all = true;
				done();
			},
			onError,
			touchesDefinitions
		);
		return () => {
			stopMine();
			stopAll();
		};
	}
}
