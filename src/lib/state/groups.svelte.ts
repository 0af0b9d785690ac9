// Groups as the screens see them: the list with member counts, kept current as definitions sync
// in and as the derive worker re-evaluates memberships. Reads go through shop.groups (the
// GroupService contract); nothing here computes a membership.
import type { CustomerGroupInfo, GroupRecord } from '$lib/groups/api';
import { levelKey } from '$lib/domain/groups/types';
import { RFM_SEGMENTS } from '$lib/domain/groups/rfm';
import type { ChangeSet } from '$lib/store/docstore';
import { shop } from './shop.svelte';
import { describeError } from './errors';

/**
 * Does a flush or a derivation touch groups? Definitions, manual memberships, derived memberships
 * and their counts are announced under kinds named after them ('groups', 'manualMembers',
 * 'memberships', 'memberships:all', 'groupCounts').
 */
export function touchesGroups(changes: ChangeSet): boolean {
	return Object.keys(changes).some((k) => /^(groups?|manualMembers|memberships?|groupCounts|rfm)(:|$)/.test(k));
}

/**
 * Calls `load` now and after every change to groups (or, with `relevant`, every change it accepts);
 * answers arriving out of order are dropped.
 */
export function followGroups<T>(
	load: () => Promise<T>,
	apply: (value: T) => void,
	onError: (message: string) => void,
	relevant: (changes: ChangeSet) => boolean = touchesGroups
): () => void {
	let seq = 0;
	let stopped = false;
	const run = () => {
		const mine = ++seq;
		load().then(
			(v) => {
				if (!stopped && mine === seq) apply(v);
			},
			(err) => {
				if (!stopped) onError(describeError(err));
			}
		);
	};
	const unsubscribe = shop.store.subscribe((changes) => {
		if (relevant(changes)) run();
	});
	run();
	return () => {
		stopped = true;
		unsubscribe();
	};
}

/** Definitions changed (or everyone was re-evaluated): names, levels and types may differ. */
export function touchesDefinitions(changes: ChangeSet): boolean {
	return !!changes.groups?.length || !!changes['memberships:all']?.length;
}

/** This customer's memberships, manual groups or history may have changed. */
export function touchesCustomer(changes: ChangeSet, customerId: string): boolean {
	return (
		touchesDefinitions(changes) ||
		!!changes.memberships?.includes(customerId) ||
		!!changes.manualMembers?.some((pair) => pair.startsWith(`${customerId}/`))
	);
}

export class GroupListState {
	records = $state.raw<GroupRecord[]>([]);
	loaded = $state(false);
	error = $state<string | null>(null);

	/** Every customer on this tablet: the members of "All customers". */
	readonly totalCustomers: number = $derived(this.records.find((r) => r.group.type === 'all')?.members ?? 0);

	start(): () => void {
		return followGroups(
			() => shop.groups.list(),
			(records) => {
				this.records = records;
				this.loaded = true;
				this.error = null;
			},
			(message) => (this.error = message)
		);
	}
}

/** Keys whose members are VIP customers: VIP groups and VIP tier levels. */
export function vipKeys(records: readonly GroupRecord[]): Set<string> {
	const keys = new Set<string>();
	for (const { group: g } of records) {
		if (g.vip && g.type !== 'all') keys.add(g.id);
		if (g.type === 'tiered') for (const l of g.tier.levels) if (l.vip) keys.add(levelKey(g.id, l.id));
	}
	return keys;
}

/** Names by membership key: 'Regulars', 'Gold (Spend tiers)', 'Champions (RFM segments)'. */
export function keyNames(records: readonly GroupRecord[]): Record<string, string> {
	const names: Record<string, string> = {};
	for (const { group: g } of records) {
		names[g.id] = g.name;
		if (g.type === 'tiered') for (const l of g.tier.levels) names[levelKey(g.id, l.id)] = `${l.name} (${g.name})`;
		if (g.type === 'rfm') for (const s of RFM_SEGMENTS) names[levelKey(g.id, s.id)] = `${s.name} (${g.name})`;
	}
	return names;
}

/** "VIP · Platinum" when any group or level the customer is in is VIP; null otherwise. */
export function vipLabel(infos: readonly CustomerGroupInfo[]): string | null {
	const v = infos.find((i) => i.vip && i.levelName) ?? infos.find((i) => i.vip);
	return v ? `VIP · ${v.levelName ?? v.name}` : null;
}

/** Follows whether a customer is VIP (profile header, till); returns stop. */
export function followVip(customerId: string, cb: (label: string | null) => void): () => void {
	return followGroups(
		() => shop.groups.groupsOf(customerId),
		(infos) => cb(vipLabel(infos)),
		() => cb(null)
	);
}

/** Level names by membership key, for tier levels only: 'spend-tiers/gold' → 'Gold'. */
export function levelNames(records: readonly GroupRecord[]): Record<string, string> {
	const names: Record<string, string> = {};
	for (const { group: g } of records) if (g.type === 'tiered') for (const l of g.tier.levels) names[levelKey(g.id, l.id)] = l.name;
	return names;
}
