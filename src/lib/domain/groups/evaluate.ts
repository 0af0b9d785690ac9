// Every group compiled once per definition change or day, then applied to one customer's facts at
// a time: the derive worker calls membershipKeys for the customers a flush changed, and
// reevaluateKeys for everyone with only the date-dependent groups when the day changes.
import type { EvalContext, CustomerFacts } from './facts';
import { levelIdsOf, compileRule, explainRule, isDateDependent, readRule, referencedGroups, type CompiledRule } from './rules';
import { rfmSegment, type RfmThresholds } from './rfm';
import { levelIndex, sortedLevels, tierLevel, tierValue } from './tiers';
import {
	levelKey,
	type Explanation,
	type Group,
	type MembershipKey,
	type StoredRule,
	type TierConfig,
	type TierLevel
} from './types';

export type CompiledGroup =
	| { id: string; type: 'manual'; group: Group; deps: string[]; dateDependent: false }
	| { id: string; type: 'rfm'; group: Group; deps: string[]; dateDependent: true }
	| { id: string; type: 'tiered'; group: Group; tier: TierConfig; levels: TierLevel[]; deps: string[]; dateDependent: true }
	| { id: string; type: 'automatic'; group: Group; rule: StoredRule; test: CompiledRule; deps: string[]; dateDependent: boolean };

export type SkipReason = 'needs-update' | 'invalid' | 'cycle' | 'dependency';

export interface CompiledGroups {
	ctx: EvalContext;
	/** Evaluation order: every group after the groups its rule refers to. */
	order: CompiledGroup[];
	byId: Map<string, CompiledGroup>;
	/** Never evaluated: a rule this version cannot read, a cycle, or depending on one of those. */
	skipped: { groupId: string; reason: SkipReason }[];
}

/** The group a membership key belongs to ('gold' of 'tiers/gold' is a level of 'tiers'). */
export function groupOfKey(key: MembershipKey): string {
	const i = key.indexOf('/');
	return i === -1 ? key : key.slice(0, i);
}

export function compileGroups(groups: readonly Group[], ctx: EvalContext): CompiledGroups {
	const skipped: CompiledGroups['skipped'] = [];
	const plain: CompiledGroup[] = [];
	const auto = new Map<string, Extract<CompiledGroup, { type: 'automatic' }>>();
	for (const g of [...groups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
		switch (g.type) {
			case 'manual':
				plain.push({ id: g.id, type: 'manual', group: g, deps: [], dateDependent: false });
				break;
			case 'rfm':
				if (g.enabled) plain.push({ id: g.id, type: 'rfm', group: g, deps: [], dateDependent: true });
				break;
			case 'tiered':
				plain.push({ id: g.id, type: 'tiered', group: g, tier: g.tier, levels: sortedLevels(g.tier), deps: [], dateDependent: true });
				break;
			case 'automatic': {
				const read = readRule(g.rule);
				if (!read.ok) {
					skipped.push({ groupId: g.id, reason: read.reason === 'newer-version' ? 'needs-update' : 'invalid' });
					break;
				}
				const rule = read.rule;
				auto.set(g.id, {
					id: g.id, type: 'automatic', group: g, rule, test: compileRule(rule, ctx),
					deps: referencedGroups(g), dateDependent: isDateDependent(rule)
				});
				break;
			}
		}
	}
	const order: CompiledGroup[] = [...plain];
	const byId = new Map<string, CompiledGroup>(plain.map((c) => [c.id, c]));
	const bad = new Set(skipped.map((s) => s.groupId));
	// Kahn's algorithm over the automatic groups; memberOf edges to other kinds are always satisfied.
	const placed = new Set<string>();
	let progress = true;
	while (progress) {
		progress = false;
		for (const [id, c] of auto) {
			if (placed.has(id)) continue;
			if (c.deps.every((d) => !auto.has(d) || placed.has(d))) {
				placed.add(id);
				order.push(c);
				byId.set(id, c);
				progress = true;
			}
		}
	}
	for (const id of auto.keys()) {
		if (!placed.has(id)) {
			skipped.push({ groupId: id, reason: reaches(id, id, auto, new Set()) ? 'cycle' : 'dependency' });
			bad.add(id);
		}
	}
	// A group referring to one that cannot be evaluated would be evaluated wrongly: skip it too.
	const dropped = new Set<string>();
	for (const c of order) {
		if (c.deps.some((d) => bad.has(d) || dropped.has(d))) {
			dropped.add(c.id);
			skipped.push({ groupId: c.id, reason: 'dependency' });
		}
	}
	const kept = order.filter((c) => !dropped.has(c.id));
	for (const id of dropped) byId.delete(id);
	skipped.sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
	return { ctx, order: kept, byId, skipped };
}

function reaches(from: string, to: string, auto: Map<string, { deps: string[] }>, seen: Set<string>): boolean {
	for (const d of auto.get(from)?.deps ?? []) {
		if (d === to) return true;
		if (seen.has(d)) continue;
		seen.add(d);
		if (reaches(d, to, auto, seen)) return true;
	}
	return false;
}

function evaluateGroup(c: CompiledGroup, f: CustomerFacts, rfm: RfmThresholds | null, ctx: EvalContext, keys: Set<string>): void {
	switch (c.type) {
		case 'manual':
			if (f.manual.includes(c.id)) keys.add(c.id);
			return;
		case 'rfm': {
			if (!rfm) return;
			const seg = rfmSegment(f, rfm, ctx.today);
			if (seg) {
				keys.add(c.id);
				keys.add(levelKey(c.id, seg.segmentId));
			}
			return;
		}
		case 'tiered': {
			const { levelId } = tierLevel(f.stats, c.tier, ctx, f.overrides[c.id]);
			if (levelId !== null) {
				keys.add(c.id);
				keys.add(levelKey(c.id, levelId));
			}
			return;
		}
		case 'automatic':
			if (c.test(f, (k) => keys.has(k))) keys.add(c.id);
			return;
	}
}

/**
 * Every membership key of one customer, sorted: manual groups that still exist, automatic groups,
 * a tiered group's id and `${groupId}/${levelId}`, and 'rfm' + 'rfm/<segment>' when RFM is on and
 * thresholds are known. "All customers" is implied, never listed.
 */
export function membershipKeys(c: CompiledGroups, f: CustomerFacts, rfm: RfmThresholds | null): MembershipKey[] {
	const keys = new Set<string>();
	for (const g of c.order) evaluateGroup(g, f, rfm, c.ctx, keys);
	return [...keys].sort();
}

/**
 * The customer's keys with only `groupIds` evaluated again (the rest taken from `previous`);
 * keys of groups that no longer exist are dropped. `groupIds` must include the dependants of
 * every group in it (withDependants): the answer then equals membershipKeys.
 */
export function reevaluateKeys(
	c: CompiledGroups,
	f: CustomerFacts,
	rfm: RfmThresholds | null,
	previous: readonly MembershipKey[],
	groupIds: ReadonlySet<string>
): MembershipKey[] {
	const keys = new Set<string>();
	for (const k of previous) {
		const g = groupOfKey(k);
		if (c.byId.has(g) && !groupIds.has(g)) keys.add(k);
	}
	for (const g of c.order) if (groupIds.has(g.id)) evaluateGroup(g, f, rfm, c.ctx, keys);
	return [...keys].sort();
}

/** `ids` and every group whose rule refers to one of them, directly or through others. */
export function withDependants(c: CompiledGroups, ids: Iterable<string>): Set<string> {
	const out = new Set(ids);
	// `order` lists dependants after what they depend on: one pass suffices.
	for (const g of c.order) if (g.deps.some((d) => out.has(d))) out.add(g.id);
	return out;
}

/** Groups whose members can change when only the day changes (with everything that depends on them). */
export function dateDependentGroups(c: CompiledGroups): string[] {
	const direct = c.order.filter((g) => g.dateDependent).map((g) => g.id);
	const all = withDependants(c, direct);
	return c.order.filter((g) => all.has(g.id)).map((g) => g.id);
}

/** "Why?" for one customer and one group: the conditions with the customer's values, or the tier figures. */
export function explain(c: CompiledGroups, f: CustomerFacts, groupId: string, rfm: RfmThresholds | null): Explanation {
	const keys = new Set(membershipKeys(c, f, rfm));
	const g = c.byId.get(groupId);
	if (!g) return { groupId, holds: groupId === 'all', checks: [] };
	const out: Explanation = { groupId, holds: keys.has(groupId), checks: [] };
	if (g.type === 'automatic') out.checks = explainRule(g.rule, f, (k) => keys.has(k), c.ctx);
	if (g.type === 'tiered') {
		const value = tierValue(f.stats, g.tier, c.ctx.today);
		const byValue = levelIndex(g.levels, value);
		const held = tierLevel(f.stats, g.tier, c.ctx, f.overrides[g.id]);
		const next = g.levels.find((l) => l.min > value) ?? null;
		out.tier = {
			value,
			levelByValue: byValue === -1 ? null : g.levels[byValue].id,
			levelHeld: held.levelId,
			heldBecause: held.because,
			next: next ? { levelId: next.id, gap: next.min - value } : null
		};
	}
	return out;
}

/** Level ids of a compiled group (tier levels, RFM segments), for UIs listing them. */
export function levelsOf(c: CompiledGroups, groupId: string): string[] {
	const g = c.byId.get(groupId);
	return g ? [...levelIdsOf(g.group)] : [];
}

