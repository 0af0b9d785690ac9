// Every group compiled once per definition change or day, then applied to one customer's facts at
// a time: the derive worker calls membershipKeys for the customers a flush changed, and
// reevaluateKeys for everyone with only the date-dependent groups when the day changes.
import type { EvalContext, CustomerFacts } from './facts';
import { levelIdsOf, compileRule, explainRule, isDateDependent, readRule, referencedGroups, type CompiledRule, type MemberOf } from './rules';
import { RFM_SEGMENT_IDS, rfmSegmentId, type RfmThresholds } from './rfm';
import { compileTier, heldLevelId, levelHeld, levelIndex, tierValue, type CompiledTier } from './tiers';
import {
	levelKey,
	type Explanation,
	type Group,
	type MembershipKey,
	type StoredRule,
	type TierConfig
} from './types';

interface CompiledBase {
	id: string;
	group: Group;
	/** Groups its rule refers to. */
	deps: string[];
	/** Index of the group's own key in CompiledGroups.keys. */
	rank: number;
}

export type CompiledGroup =
	| (CompiledBase & { type: 'manual'; dateDependent: false })
	| (CompiledBase & { type: 'rfm'; dateDependent: true; segmentRanks: Map<string, number> })
	| (CompiledBase & { type: 'tiered'; tier: TierConfig; compiled: CompiledTier; dateDependent: true; levelRanks: Map<string, number> })
	| (CompiledBase & { type: 'automatic'; rule: StoredRule; test: CompiledRule; dateDependent: boolean });

export type SkipReason = 'needs-update' | 'invalid' | 'cycle' | 'dependency';

export interface CompiledGroups {
	ctx: EvalContext;
	/** Evaluation order: every group after the groups its rule refers to. */
	order: CompiledGroup[];
	byId: Map<string, CompiledGroup>;
	/** Never evaluated: a rule this version cannot read, a cycle, or depending on one of those. */
	skipped: { groupId: string; reason: SkipReason }[];
	/** Every key a customer can have, sorted; a customer's keys are marked by index in `marks`. */
	keys: string[];
	rank: Map<MembershipKey, number>;
	/** Scratch marks of the customer being evaluated (one evaluation at a time: JS runs one at a time). */
	marks: Uint8Array;
	/** memberOf over `marks`, made once so evaluating a customer allocates nothing per group. */
	memberOf: MemberOf;
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
				plain.push({ id: g.id, type: 'manual', group: g, deps: [], rank: -1, dateDependent: false });
				break;
			case 'rfm':
				if (g.enabled) plain.push({ id: g.id, type: 'rfm', group: g, deps: [], rank: -1, dateDependent: true, segmentRanks: new Map() });
				break;
			case 'tiered':
				plain.push({
					id: g.id, type: 'tiered', group: g, tier: g.tier, compiled: compileTier(g.tier, ctx.today), deps: [], rank: -1,
					dateDependent: true, levelRanks: new Map()
				});
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
					deps: referencedGroups(g), rank: -1, dateDependent: isDateDependent(rule)
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
	// Every possible key, sorted, so a customer's keys come out sorted by walking the marks.
	const all: string[] = [];
	for (const c of kept) {
		all.push(c.id);
		if (c.type === 'tiered') for (const l of c.compiled.levels) all.push(levelKey(c.id, l.id));
		if (c.type === 'rfm') for (const id of RFM_SEGMENT_IDS) all.push(levelKey(c.id, id));
	}
	const keys = [...new Set(all)].sort();
	const rank = new Map(keys.map((k, i) => [k, i]));
	for (const c of kept) {
		c.rank = rank.get(c.id)!;
		if (c.type === 'tiered') for (const l of c.compiled.levels) c.levelRanks.set(l.id, rank.get(levelKey(c.id, l.id))!);
		if (c.type === 'rfm') for (const id of RFM_SEGMENT_IDS) c.segmentRanks.set(id, rank.get(levelKey(c.id, id))!);
	}
	const marks = new Uint8Array(keys.length);
	const memberOf: MemberOf = (k) => {
		const r = rank.get(k);
		return r !== undefined && marks[r] === 1;
	};
	return { ctx, order: kept, byId, skipped, keys, rank, marks, memberOf };
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

function evaluateGroup(c: CompiledGroup, f: CustomerFacts, rfm: RfmThresholds | null, all: CompiledGroups): void {
	const marks = all.marks;
	switch (c.type) {
		case 'manual':
			if (f.manual.includes(c.id)) marks[c.rank] = 1;
			return;
		case 'rfm': {
			if (!rfm) return;
			const seg = rfmSegmentId(f, rfm, all.ctx.today);
			if (seg !== null) {
				marks[c.rank] = 1;
				marks[c.segmentRanks.get(seg)!] = 1;
			}
			return;
		}
		case 'tiered': {
			const levelId = heldLevelId(c.compiled, f.stats, f.overrides[c.id]);
			if (levelId !== null) {
				marks[c.rank] = 1;
				marks[c.levelRanks.get(levelId)!] = 1;
			}
			return;
		}
		case 'automatic':
			if (c.test(f, all.memberOf)) marks[c.rank] = 1;
			return;
	}
}

function markedKeys(c: CompiledGroups): MembershipKey[] {
	const out: MembershipKey[] = [];
	const { marks, keys } = c;
	for (let i = 0; i < marks.length; i++) if (marks[i] === 1) out.push(keys[i]);
	return out;
}

/**
 * Every membership key of one customer, sorted: manual groups that still exist, automatic groups,
 * a tiered group's id and `${groupId}/${levelId}`, and 'rfm' + 'rfm/<segment>' when RFM is on and
 * thresholds are known. "All customers" is implied, never listed.
 */
export function membershipKeys(c: CompiledGroups, f: CustomerFacts, rfm: RfmThresholds | null): MembershipKey[] {
	c.marks.fill(0);
	for (const g of c.order) evaluateGroup(g, f, rfm, c);
	return markedKeys(c);
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
	c.marks.fill(0);
	for (const k of previous) {
		const r = c.rank.get(k);
		if (r !== undefined && !groupIds.has(groupOfKey(k))) c.marks[r] = 1;
	}
	for (const g of c.order) if (groupIds.has(g.id)) evaluateGroup(g, f, rfm, c);
	return markedKeys(c);
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
		const levels = g.compiled.levels;
		const byValue = levelIndex(levels, value);
		const held = levelHeld(g.compiled, f.stats, f.overrides[g.id]);
		const next = levels.find((l) => l.min > value) ?? null;
		out.tier = {
			value,
			levelByValue: byValue === -1 ? null : levels[byValue].id,
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

