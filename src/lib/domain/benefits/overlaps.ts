// The check before saving: which benefits overlap and which would win under the shop's current
// policy, so the owner settles a conflict in the back office instead of the cashier meeting it at
// the till. Mirrors the choices price.ts makes; the tests hold the two to the same answers.
import type { Group, MembershipKey } from '../groups/types';
import { Labeller, pctOf } from './price';
import { compareGroups, groupMap, groupOf, impliedBenefits, policyOrder, rankOf } from './sources';
import type { Benefit, BenefitPolicy, EntryPrice, PriceBookEntry } from './types';
import type { Catalogue } from './validate';

export type OverlapKind =
	/** Two discount percentages on one group or one level. */
	| 'two-discounts'
	/** Two price books of one group or level with an entry for the same item, brand or category. */
	| 'same-price-book-entry'
	/** Two groups (or levels of different groups) a customer can be in at once, with different prices. */
	| 'groups-conflict';

export type OverlapWinner =
	| { kind: 'one'; benefitId: string; label: string; why: string }
	| { kind: 'stack'; order: string[] }
	/** Fixed price against a percentage on a brand or category: which is lower depends on each item's price. */
	| { kind: 'depends'; why: string };

export interface Overlap {
	kind: OverlapKind;
	keys: MembershipKey[];
	benefitIds: string[];
	labels: string[];
	/** 'discount', or the price book entry: 'item Mug', 'brand Acme', 'category Tea'. */
	what: string;
	winner: OverlapWinner;
}

export interface OverlapOptions {
	/** For a price against an item: compares the real prices. */
	catalogue?: Catalogue;
	currency?: string;
	/** Whether one customer can be in both (default: yes, except two levels of one group or two RFM segments). */
	canBeTogether?: (a: MembershipKey, b: MembershipKey) => boolean;
}

const defaultTogether = (a: MembershipKey, b: MembershipKey) => groupOf(a) !== groupOf(b);

interface Priced {
	benefit: Benefit;
	label: string;
	price: EntryPrice;
}

/** Which of two prices is lower for the customer on `match` (positive: b is better), or null when it depends on the item. */
function better(a: EntryPrice, b: EntryPrice, listPrice: number | null): number | null {
	if (a.kind === b.kind) {
		if (a.kind === 'fixed') return a.amount - (b as { amount: number }).amount;
		if (a.kind === 'pctOff') return (b as { pct: number }).pct - a.pct;
		return (b as { amount: number }).amount - a.amount;
	}
	if (listPrice === null) return null;
	const off = (p: EntryPrice) =>
		Math.max(0, Math.min(listPrice, p.kind === 'fixed' ? listPrice - p.amount : p.kind === 'amountOff' ? p.amount : pctOf(listPrice, p.pct)));
	return off(b) - off(a);
}

function matchWords(e: PriceBookEntry, cat: Catalogue | undefined): string {
	const m = e.match;
	if (m.kind === 'item') return `item ${cat?.items.get(m.itemId)?.name ?? m.itemId}`;
	return m.kind === 'brand' ? `brand ${m.brand}` : `category ${m.category}`;
}

function matchKey(e: PriceBookEntry): string {
	const m = e.match;
	return m.kind === 'item' ? `i:${m.itemId}` : m.kind === 'brand' ? `b:${m.brand}` : `c:${m.category}`;
}

/** Every overlap among the shop's benefits (the groups' own discount fields included), each with its winner. */
export function findOverlaps(benefits: readonly Benefit[], groupsList: readonly Group[], policy: BenefitPolicy, opts: OverlapOptions = {}): Overlap[] {
	const groups = groupMap(groupsList);
	const together = opts.canBeTogether ?? defaultTogether;
	const say = new Labeller(groups, opts.currency ?? 'GBP');
	const label = (b: Benefit, e?: PriceBookEntry) => say.benefit(b, e);
	const all = [...impliedBenefits(groupsList), ...benefits].filter((b) => groups.has(groupOf(b.target)));
	const out: Overlap[] = [];

	// Prices per entry (a discount is an entry for everything), per key.
	const byKey = new Map<MembershipKey, { discounts: Priced[]; entries: Map<string, { entry: PriceBookEntry; priced: Priced[] }> }>();
	for (const b of all) {
		let k = byKey.get(b.target);
		if (!k) byKey.set(b.target, (k = { discounts: [], entries: new Map() }));
		if (b.kind === 'discount') k.discounts.push({ benefit: b, label: label(b), price: { kind: 'pctOff', pct: b.pct } });
		if (b.kind === 'priceBook') {
			for (const e of b.entries) {
				const mk = matchKey(e);
				let slot = k.entries.get(mk);
				if (!slot) k.entries.set(mk, (slot = { entry: e, priced: [] }));
				// Within one book a repeated entry is a validation error, not an overlap.
				if (!slot.priced.some((p) => p.benefit.id === b.id)) slot.priced.push({ benefit: b, label: label(b, e), price: e.price });
			}
		}
	}
	const listPriceOf = (e: PriceBookEntry) => (e.match.kind === 'item' ? (opts.catalogue?.items.get(e.match.itemId)?.price ?? null) : null);

	// Within one key, pricing takes the best for the customer.
	const withinKey = (kind: OverlapKind, key: MembershipKey, priced: Priced[], what: string, listPrice: number | null) => {
		const sorted = [...priced].sort((a, b) => (a.benefit.id < b.benefit.id ? -1 : 1));
		let best: Priced | null = sorted[0];
		for (const p of sorted.slice(1)) {
			const cmp = best ? better(best.price, p.price, listPrice) : null;
			if (cmp === null) best = null;
			else if (cmp > 0) best = p;
		}
		out.push({
			kind,
			keys: [key],
			benefitIds: sorted.map((p) => p.benefit.id),
			labels: sorted.map((p) => p.label),
			what,
			winner: best
				? { kind: 'one', benefitId: best.benefit.id, label: best.label, why: 'within one group the lower price is used' }
				: { kind: 'depends', why: 'the lower price is used, which depends on each item’s price' }
		});
	};
	for (const [key, k] of byKey) {
		if (k.discounts.length > 1) withinKey('two-discounts', key, k.discounts, 'discount', null);
		for (const slot of k.entries.values()) {
			if (slot.priced.length > 1) withinKey('same-price-book-entry', key, slot.priced, matchWords(slot.entry, opts.catalogue), listPriceOf(slot.entry));
		}
	}

	// Across groups: the policy decides, as at the till.
	const keys = [...byKey.keys()].sort();
	for (let i = 0; i < keys.length; i++) {
		for (let j = i + 1; j < keys.length; j++) {
			const [a, b] = [keys[i], keys[j]];
			if (!together(a, b) || groupOf(a) === groupOf(b)) continue;
			const A = byKey.get(a)!;
			const B = byKey.get(b)!;
			const pairs: { what: string; pa: Priced; pb: Priced; listPrice: number | null }[] = [];
			if (A.discounts.length && B.discounts.length) pairs.push({ what: 'discount', pa: bestOf(A.discounts), pb: bestOf(B.discounts), listPrice: null });
			for (const [mk, sa] of A.entries) {
				const sb = B.entries.get(mk);
				if (sb) pairs.push({ what: matchWords(sa.entry, opts.catalogue), pa: sa.priced[0], pb: sb.priced[0], listPrice: listPriceOf(sa.entry) });
			}
			for (const p of pairs) {
				const cmp = better(p.pa.price, p.pb.price, p.listPrice);
				if (cmp === 0 && policy.kind !== 'stack') continue; // same price: whichever wins, the customer pays the same
				out.push({
					kind: 'groups-conflict',
					keys: [a, b],
					benefitIds: [p.pa.benefit.id, p.pb.benefit.id],
					labels: [p.pa.label, p.pb.label],
					what: p.what,
					winner: acrossGroups(p.pa, p.pb, cmp, policy, groups)
				});
			}
		}
	}
	return out;
}

function bestOf(discounts: Priced[]): Priced {
	return discounts.reduce((w, d) => ((d.price as { pct: number }).pct > (w.price as { pct: number }).pct ? d : w));
}

function acrossGroups(a: Priced, b: Priced, cmp: number | null, policy: BenefitPolicy, groups: ReadonlyMap<string, Group>): OverlapWinner {
	const ra = rankOf(groupOf(a.benefit.target), groups);
	const rb = rankOf(groupOf(b.benefit.target), groups);
	const [first] = policyOrder(policy, [ra, rb]);
	const pick = (p: Priced, why: string): OverlapWinner => ({ kind: 'one', benefitId: p.benefit.id, label: p.label, why });
	const firstP = first.groupId === ra.groupId ? a : b;
	switch (policy.kind) {
		case 'stack':
			return { kind: 'stack', order: [firstP.label, (firstP === a ? b : a).label] };
		case 'priority':
			return pick(firstP, `${first.name} comes first in the priority order`);
		case 'newest-group':
			return pick(firstP, ra.createdAt === rb.createdAt ? `created at the same moment: ${first.name} comes first by name` : `${first.name} is the more recently created group`);
		case 'best-price': {
			if (cmp === null) return { kind: 'depends', why: 'the best price for the customer wins, which depends on each item’s price' };
			if (cmp === 0) {
				const w = compareGroups(ra, rb) <= 0 ? a : b;
				return pick(w, 'same price: the group created first wins (tie-break)');
			}
			return pick(cmp > 0 ? b : a, 'best price for the customer');
		}
	}
}

/** The overlaps a benefit being saved takes part in. */
export function overlapsOf(benefitId: string, overlaps: readonly Overlap[]): Overlap[] {
	return overlaps.filter((o) => o.benefitIds.includes(benefitId));
}
