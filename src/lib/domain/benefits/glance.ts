// A customer's effective benefits at a glance (profile, customer list): the discounts their
// groups give, their tier levels, VIP, points multiplier, loyalty and what is left of their
// redemption allowance this period. The same sources and perks the till prices with, so the
// profile never promises what the till would not give.
import type { Group, MembershipKey } from '../groups/types';
import { allowances, type Allowance, type RedemptionRecord } from './allowance';
import { priceWithBenefits, Labeller } from './price';
import { groupMap, impliedBenefits, isLevelKey, keyLabel, sourcesFor } from './sources';
import type { Benefit, BenefitPolicy, EffectivePerks } from './types';

export interface BenefitsGlance {
	/** 'Gold −7 %', 'Trade price book “Staff”' — each group's price benefit, in the tie-break order. */
	prices: string[];
	/** Tier level names the customer holds ('Gold'). */
	levels: string[];
	perks: EffectivePerks;
	/** null: no redemption limit (or no history given). */
	allowance: Allowance | null;
}

export interface GlanceInput {
	keys: readonly MembershipKey[];
	groups: readonly Group[];
	benefits: readonly Benefit[];
	policy: BenefitPolicy;
	currency: string;
	/** For the allowance; leave out where it is not shown (the list computes only what it shows). */
	history?: readonly RedemptionRecord[];
	now?: number;
	timeZone?: string;
}

export function benefitsGlance(input: GlanceInput): BenefitsGlance {
	const groups = groupMap(input.groups);
	const say = new Labeller(groups, input.currency);
	const sources = sourcesFor(input.keys, [...impliedBenefits(input.groups), ...input.benefits], groups);
	const prices: string[] = [];
	for (const s of sources) {
		for (const b of s.byKind.get('discount') ?? []) prices.push(say.benefit(b));
		for (const b of s.byKind.get('priceBook') ?? []) if (b.kind === 'priceBook') prices.push(`${say.key(b.target)} price book “${b.name}”`);
	}
	const levels = input.keys.filter((k) => isLevelKey(k) && groups.get(k.slice(0, k.indexOf('/')))?.type === 'tiered').map((k) => keyLabel(k, groups));
	// No lines: only the perks are computed, with exactly the till's rules.
	const { perks } = priceWithBenefits({
		lines: [],
		customer: { keys: input.keys },
		groups: input.groups,
		benefits: input.benefits,
		policy: input.policy,
		today: '',
		currency: input.currency
	});
	const allowance =
		input.history && input.now !== undefined && input.timeZone && perks.loyaltyEnabled
			? allowances(perks, input.history, input.now, input.timeZone).tightest
			: null;
	return { prices, levels, perks, allowance };
}

/**
 * 'Gold −7 % · 1.5× points · redeem ≤ 500 a week' (empty when the customer has no benefit). VIP
 * is left out: the list marks it with its own badge.
 */
export function glanceSummary(g: BenefitsGlance): string {
	const parts = [...g.prices];
	if (!g.perks.loyaltyEnabled) parts.push('loyalty off');
	else {
		if (g.perks.pointsMultiplier !== 1) parts.push(`${g.perks.pointsMultiplier}× points`);
		const tightest = [...g.perks.limits].sort((a, b) => a.points - b.points)[0];
		if (tightest) parts.push(`redeem ≤ ${tightest.points.toLocaleString()} a ${tightest.period}`);
	}
	return parts.join(' · ');
}
