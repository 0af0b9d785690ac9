// Benefits in the owner's words, and the group page's list of them: stored benefits, the ones the
// group's own settings imply (edited in the group form, not here), and ones a newer app version
// stored (listed, never edited). Pure: the section and its tests share it.
import type { StoredRecord } from '$lib/benefits/api';
import type { Allowance } from '$lib/domain/benefits/allowance';
import type { Overlap } from '$lib/domain/benefits/overlaps';
import { formatDay } from '$lib/domain/dates';
import { impliedBenefits } from '$lib/domain/benefits/sources';
import type { Benefit, BenefitKind, BenefitValue, EffectivePerks, PriceBookEntry, RedemptionPeriod } from '$lib/domain/benefits/types';
import { RFM_SEGMENTS } from '$lib/domain/groups/rfm';
import { levelKey, type Group, type MembershipKey } from '$lib/domain/groups/types';
import { formatMoney } from '$lib/domain/sales/items';

export const KIND_LABELS: Record<BenefitKind, string> = {
	discount: 'Discount',
	priceBook: 'Price book',
	pointsMultiplier: 'Points multiplier',
	redemptionLimit: 'Redemption limit',
	loyalty: 'Loyalty on or off',
	appAccess: 'App access',
	vip: 'VIP status'
};

export const PERIOD_WORDS: Record<RedemptionPeriod, string> = { day: 'a day', week: 'a week', month: 'a month' };

/** '7 %', '12.5 %': at most two decimals, as stored. */
export function pctWords(pct: number): string {
	return `${Number(pct.toFixed(2))} %`;
}

/** '1.5×' */
export function factorWords(factor: number): string {
	return `${Number(factor.toFixed(4))}×`;
}

export interface WordsContext {
	currency: string;
	/** An item's name by id (a price book names its items); the id when unknown. */
	itemName: (id: string) => string | undefined;
}

/** 'Mug', 'brand Acme', 'category Tea'. */
export function matchWords(e: PriceBookEntry, ctx: WordsContext): string {
	const m = e.match;
	if (m.kind === 'item') return ctx.itemName(m.itemId) ?? `unknown item ${m.itemId}`;
	return m.kind === 'brand' ? `brand ${m.brand}` : `category ${m.category}`;
}

/** 'Mug: £8.00', 'brand Acme: 10 % off', 'category Tea: £0.50 off each'. */
export function entryWords(e: PriceBookEntry, ctx: WordsContext): string {
	const p = e.price;
	const price =
		p.kind === 'fixed' ? formatMoney(p.amount, ctx.currency) : p.kind === 'pctOff' ? `${pctWords(p.pct)} off` : `${formatMoney(p.amount, ctx.currency)} off each`;
	return `${matchWords(e, ctx)}: ${price}`;
}

/** One benefit in a line: '7 % off', 'price book “Staff prices”: 12 entries', 'earns 1.5× points'. */
export function benefitWords(b: BenefitValue, ctx: WordsContext): string {
	switch (b.kind) {
		case 'discount':
			return `${pctWords(b.pct)} off`;
		case 'priceBook':
			return `price book “${b.name}”: ${b.entries.length} ${b.entries.length === 1 ? 'entry' : 'entries'}`;
		case 'pointsMultiplier':
			return `earns ${factorWords(b.factor)} points`;
		case 'redemptionLimit':
			return `may redeem ${b.points.toLocaleString('en-GB')} points ${PERIOD_WORDS[b.period]}`;
		case 'loyalty':
			return b.enabled ? 'loyalty on' : 'loyalty off (earns and redeems no points)';
		case 'appAccess':
			return `app access: ${b.categories.join(', ')}`;
		case 'vip':
			return 'VIP';
	}
}

export interface TargetOption {
	key: MembershipKey;
	/** 'Whole group', 'Gold'. */
	label: string;
	/** 'Gold (level of Spend tiers)' for a screen reader and the add form. */
	long: string;
}

/** Where a benefit of this group can go: the whole group, then each tier level or RFM segment. */
export function targetsOf(g: Group): TargetOption[] {
	const out: TargetOption[] = [{ key: g.id, label: g.type === 'all' ? 'Every customer' : 'Whole group', long: `${g.name} (every member)` }];
	if (g.type === 'tiered') for (const l of g.tier.levels) out.push({ key: levelKey(g.id, l.id), label: l.name || 'Unnamed level', long: `${l.name} (level of ${g.name})` });
	if (g.type === 'rfm') for (const s of RFM_SEGMENTS) out.push({ key: levelKey(g.id, s.id), label: s.name, long: `${s.name} (segment of ${g.name})` });
	return out;
}

export type BenefitRowSource = 'stored' | 'settings' | 'needs-update';

export interface BenefitRow {
	id: string;
	source: BenefitRowSource;
	/** null when it needs an update (unreadable here). */
	benefit: Benefit | null;
	words: string;
}

export interface TargetBenefits {
	target: TargetOption;
	rows: BenefitRow[];
}

/**
 * The group's benefits by target (the whole group first, then levels in their order): those its
 * settings imply first, then stored ones by kind and age. Levels without benefits are kept, so the
 * owner sees where one could go; a target that no longer exists (a removed level) is listed last.
 */
export function benefitRows(g: Group, stored: readonly StoredRecord<Benefit>[], ctx: WordsContext): TargetBenefits[] {
	const targets = targetsOf(g);
	const byKey = new Map<MembershipKey, BenefitRow[]>(targets.map((t) => [t.key, []]));
	const push = (key: MembershipKey, row: BenefitRow) => {
		let rows = byKey.get(key);
		if (!rows) {
			byKey.set(key, (rows = []));
			targets.push({ key, label: `${key.slice(key.indexOf('/') + 1)} (removed level)`, long: `a level that no longer exists (${key})` });
		}
		rows.push(row);
	};
	for (const b of impliedBenefits([g])) push(b.target, { id: b.id, source: 'settings', benefit: b, words: benefitWords(b, ctx) });
	const kindOrder = Object.keys(KIND_LABELS);
	const sorted = [...stored].sort((a, b) => {
		const ka = a.value ? kindOrder.indexOf(a.value.kind) : 99;
		const kb = b.value ? kindOrder.indexOf(b.value.kind) : 99;
		return ka - kb || (a.value?.createdAt ?? '').localeCompare(b.value?.createdAt ?? '') || a.id.localeCompare(b.id);
	});
	for (const r of sorted) {
		const key = r.value?.target ?? r.target ?? g.id;
		if (r.needsUpdate || !r.value) push(key, { id: r.id, source: 'needs-update', benefit: null, words: 'A benefit from a newer version of the app: needs an update' });
		else push(key, { id: r.id, source: 'stored', benefit: r.value, words: benefitWords(r.value, ctx) });
	}
	return targets.map((target) => ({ target, rows: byKey.get(target.key) ?? [] }));
}

/** What an overlap is about and who would win, in words for the check before saving. */
export function overlapWords(o: Overlap): { title: string; winner: string } {
	const both = o.labels.join(' and ');
	const title =
		o.kind === 'two-discounts'
			? `Two discounts on one group or level: ${both}`
			: o.kind === 'same-price-book-entry'
				? `Two price books price ${o.what}: ${both}`
				: `A customer in both groups gets two prices for ${o.what}: ${both}`;
	const w = o.winner;
	const winner =
		w.kind === 'one'
			? `${w.label} would win: ${w.why}`
			: w.kind === 'stack'
				? `Both apply, stacked in this order: ${w.order.join(', then ')}`
				: `Which wins depends on the item: ${w.why}`;
	return { title, winner };
}

const PERIOD_THIS: Record<RedemptionPeriod, string> = { day: 'today', week: 'this week', month: 'this month' };

/**
 * The customer's perks in lines: 'Earns 1.5× points (Gold)', 'May redeem 500 points a week
 * (Gold): 320 left this week, until 7 Dec 2026'. `allowances` (same order as the limits) adds what is left.
 */
export function perkWords(p: EffectivePerks, allowances: readonly Allowance[] = []): string[] {
	const out: string[] = [];
	if (!p.loyaltyEnabled) out.push(`Loyalty off${p.loyaltyOffBy ? ` (${p.loyaltyOffBy})` : ''}: earns and redeems no points`);
	else out.push(p.pointsMultiplier === 1 ? 'Earns points at the normal rate' : `Earns ${factorWords(p.pointsMultiplier)} points${p.multiplierFrom ? ` (${p.multiplierFrom})` : ''}`);
	p.limits.forEach((l, i) => {
		const a = allowances[i];
		const left = a && p.loyaltyEnabled ? `: ${a.remaining.toLocaleString('en-GB')} left ${PERIOD_THIS[l.period]}, until ${formatDay(a.bounds.nextDay)}` : '';
		out.push(`May redeem ${l.points.toLocaleString('en-GB')} points ${PERIOD_WORDS[l.period]} (${l.label})${left}`);
	});
	if (p.vip) out.push('VIP');
	if (p.appAccessCategories.length) out.push(`App access: ${p.appAccessCategories.join(', ')}`);
	return out;
}
