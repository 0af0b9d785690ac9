// What pricing, the overlap check and the customer's profile share: names of groups and levels,
// the fixed tie-break, the benefits implied by a group's own fields, and a customer's benefits
// gathered per group (a level's benefit replacing its group's benefit of the same kind).
import { builtInGroups } from '../groups/groups';
import { RFM_SEGMENTS } from '../groups/rfm';
import { ALL_CUSTOMERS_ID, type Group, type MembershipKey } from '../groups/types';
import { BENEFIT_SCHEMA_VERSION, type Benefit, type BenefitKind, type BenefitPolicy } from './types';

/** The group part of a membership key ('gold-club/gold' → 'gold-club'). */
export function groupOf(key: MembershipKey): string {
	const i = key.indexOf('/');
	return i === -1 ? key : key.slice(0, i);
}

export function isLevelKey(key: MembershipKey): boolean {
	return key.includes('/');
}

/** What the owner calls a key: the level's name for a level ('Gold'), the group's name otherwise. */
export function keyLabel(key: MembershipKey, groups: ReadonlyMap<string, Group>): string {
	const g = groups.get(groupOf(key));
	if (!g) return key;
	if (!isLevelKey(key)) return g.name;
	const levelId = key.slice(key.indexOf('/') + 1);
	if (g.type === 'tiered') return g.tier.levels.find((l) => l.id === levelId)?.name ?? levelId;
	if (g.type === 'rfm') return RFM_SEGMENTS.find((s) => s.id === levelId)?.name ?? levelId;
	return levelId;
}

/** Groups by id, the built-in ones ("All customers", RFM) added when the list lacks them. */
export function groupMap(groups: readonly Group[]): Map<string, Group> {
	const map = new Map(builtInGroups().map((g) => [g.id, g]));
	for (const g of groups) map.set(g.id, g);
	return map;
}

/** The facts of a group the tie-break looks at. */
export interface Rank {
	groupId: string;
	name: string;
	createdAt: string;
}

export function rankOf(groupId: string, groups: ReadonlyMap<string, Group>): Rank {
	const g = groups.get(groupId);
	return { groupId, name: g?.name ?? groupId, createdAt: g?.createdAt ?? '' };
}

const nameOrder = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/**
 * TIE_BREAK_RULE: earlier-created group first, then name A to Z, then id (only so that two groups
 * with the same name created at the same millisecond still come out the same on every tablet).
 */
export function compareGroups(a: Rank, b: Rank): number {
	if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
	const byName = nameOrder.compare(a.name, b.name);
	if (byName !== 0) return byName;
	return a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0;
}

/** Groups in the order a policy ranks them before prices are compared (best-price and stack: the tie-break order). */
export function policyOrder(policy: BenefitPolicy, ranks: readonly Rank[]): Rank[] {
	const sorted = [...ranks].sort(compareGroups);
	if (policy.kind === 'newest-group') {
		// Newest first; groups created at the same moment still go by name.
		return sorted.sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt > b.createdAt ? -1 : 1) : compareGroups(a, b)));
	}
	if (policy.kind === 'priority') {
		const pos = new Map(policy.order.map((id, i) => [id, i]));
		// A group missing from the list (validation refuses that on save) comes after the listed ones.
		const at = (r: Rank) => pos.get(r.groupId) ?? Number.MAX_SAFE_INTEGER;
		return sorted.sort((a, b) => at(a) - at(b) || compareGroups(a, b));
	}
	return sorted;
}

const IMPLIED_AT = '1970-01-01T00:00:00.000Z';

/**
 * Benefits a group's own fields imply (issue 8 stores them on the group): its discount
 * percentage, its VIP flag and each VIP tier level. Ids start with 'group:' so they never clash
 * with stored benefits. `loyaltyEnabled` and `appAccess` imply nothing: every group is created
 * with both false, so reading them as "switched off" would take loyalty from every member.
 */
export function impliedBenefits(groups: readonly Group[]): Benefit[] {
	const out: Benefit[] = [];
	const base = { version: BENEFIT_SCHEMA_VERSION, createdAt: IMPLIED_AT, updatedAt: IMPLIED_AT };
	for (const g of groups) {
		if (g.discountPct !== null && g.discountPct > 0) {
			out.push({ ...base, id: `group:${g.id}:discount`, target: g.id, kind: 'discount', pct: g.discountPct });
		}
		if (g.vip) out.push({ ...base, id: `group:${g.id}:vip`, target: g.id, kind: 'vip' });
		if (g.type === 'tiered') {
			for (const l of g.tier.levels) {
				if (l.vip) out.push({ ...base, id: `group:${g.id}/${l.id}:vip`, target: `${g.id}/${l.id}`, kind: 'vip' });
			}
		}
	}
	return out;
}

/** A customer's benefits from one group, each kind from the level when the level has it, else from the group. */
export interface Source {
	rank: Rank;
	/** Kind → the benefits of that kind that apply (several only when the owner saved overlapping ones). */
	byKind: Map<BenefitKind, Benefit[]>;
}

/**
 * The customer's benefits, one Source per group that gives any. `keys` are the customer's
 * membership keys ("All customers" is added: benefits on it apply to every attached customer).
 * Benefits on groups that no longer exist are left out.
 */
export function sourcesFor(
	keys: readonly MembershipKey[],
	benefits: readonly Benefit[],
	groups: ReadonlyMap<string, Group>
): Source[] {
	const held = new Set(keys);
	held.add(ALL_CUSTOMERS_ID);
	const perGroup = new Map<string, { level: Map<BenefitKind, Benefit[]>; group: Map<BenefitKind, Benefit[]> }>();
	for (const b of benefits) {
		if (!held.has(b.target)) continue;
		const gid = groupOf(b.target);
		if (!groups.has(gid)) continue;
		let s = perGroup.get(gid);
		if (!s) perGroup.set(gid, (s = { level: new Map(), group: new Map() }));
		const into = isLevelKey(b.target) ? s.level : s.group;
		const list = into.get(b.kind);
		if (list) list.push(b);
		else into.set(b.kind, [b]);
	}
	const out: Source[] = [];
	for (const [gid, s] of perGroup) {
		const byKind = new Map(s.group);
		for (const [kind, list] of s.level) byKind.set(kind, list);
		for (const list of byKind.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
		out.push({ rank: rankOf(gid, groups), byKind });
	}
	return out.sort((a, b) => compareGroups(a.rank, b.rank));
}
