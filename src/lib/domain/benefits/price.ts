// Pricing with group benefits and coupons: one pure function from the cart, the customer's
// memberships, the benefits, the policy and the day to priced lines that each say how their price
// was reached. Offline and online run the same code on the same replicated data, so every tablet
// gives the same price. Each line is priced on its own (coupons of a fixed amount are shared out
// in a canonical order), so the order lines were added never changes a price.
import type { FieldError } from '../errors';
import type { Group, MembershipKey } from '../groups/types';
import { formatMoney } from '../sales/items';
import type { LoyaltySettings } from '../sales/types';
import { normalizeCode } from './coupons';
import { groupMap, impliedBenefits, keyLabel, policyOrder, sourcesFor, type Source } from './sources';
import {
	BENEFIT_SCHEMA_VERSION,
	type Benefit,
	type BenefitPolicy,
	type BenefitPricing,
	type Coupon,
	type CouponOutcome,
	type DiscountRemoval,
	type EffectiveLimit,
	type EffectivePerks,
	type EntryPrice,
	type PriceBookEntry,
	type PricedBenefitLine,
	type PricingLine,
	type TraceStep,
	type Winner,
	type WinReason
} from './types';

export interface PricingCustomer {
	/** Membership keys at the moment of the sale (groups and `${groupId}/${levelId}`). */
	keys: readonly MembershipKey[];
	/** Coupon id → times this customer has used it on earlier sales. */
	couponUses?: Readonly<Record<string, number>>;
}

export interface PricingInput {
	lines: readonly PricingLine[];
	/** null: no customer attached; only coupons open to everyone apply. */
	customer: PricingCustomer | null;
	groups: readonly Group[];
	/** Stored benefits (read with readBenefit); those implied by the groups' own fields are added here. */
	benefits: readonly Benefit[];
	policy: BenefitPolicy;
	/** Every coupon of the shop, and the codes entered at the till. */
	coupons?: readonly Coupon[];
	codes?: readonly string[];
	removals?: readonly DiscountRemoval[];
	/** 'YYYY-MM-DD' in the shop's zone: decides which coupons are valid. */
	today: string;
	currency: string;
}

/** ROUNDING_RULE: `pct` % of `amount`, to the nearest minor unit, a half in the customer's favour. */
export function pctOf(amount: number, pct: number): number {
	const hundredths = Math.round(pct * 100);
	return Math.floor((amount * hundredths + 5000) / 10000);
}

function pctText(pct: number): string {
	return `${Number(pct.toFixed(2))} %`;
}

// ---- One group's offer for one line ---------------------------------------------------------------

type Step = { kind: 'fixed'; unit: number } | { kind: 'amountOff'; unit: number } | { kind: 'pct'; pct: number };

interface Candidate {
	source: Source;
	pos: number;
	benefit: Benefit;
	label: string;
	step: Step;
	/** Off the line's gross when applied alone. */
	off: number;
}

type Offer = { candidate: Candidate } | { nothing: { label: string; why: string } } | null;

function stepOf(p: EntryPrice): Step {
	return p.kind === 'fixed' ? { kind: 'fixed', unit: p.amount } : p.kind === 'amountOff' ? { kind: 'amountOff', unit: p.amount } : { kind: 'pct', pct: p.pct };
}

/** What a step takes off `running` (the price left so far) on a line of `qty` units, never more than `running`. */
function offOf(step: Step, running: number, qty: number): number {
	const off = step.kind === 'fixed' ? running - step.unit * qty : step.kind === 'amountOff' ? step.unit * qty : pctOf(running, step.pct);
	return Math.max(0, Math.min(running, off));
}

/** Names of benefits as the owner and the cashier read them: 'Gold −7 %', 'Gold price book “Trade”: £8.00'. */
export class Labeller {
	constructor(
		private readonly groups: ReadonlyMap<string, Group>,
		private readonly currency: string
	) {}

	key(k: MembershipKey): string {
		return keyLabel(k, this.groups);
	}

	benefit(b: Benefit, e?: PriceBookEntry): string {
		const who = this.key(b.target);
		if (b.kind === 'discount') return `${who} −${pctText(b.pct)}`;
		if (b.kind === 'priceBook' && e) {
			const p = e.price;
			const what = p.kind === 'fixed' ? formatMoney(p.amount, this.currency) : p.kind === 'pctOff' ? `−${pctText(p.pct)}` : `−${formatMoney(p.amount, this.currency)} each`;
			return `${who} price book “${b.name}”: ${what}`;
		}
		return who;
	}
}

type BookEntry = { benefit: Benefit; entry: PriceBookEntry };

/** A group's price benefits, indexed once per pricing so each line finds its entries directly. */
interface PriceSource {
	source: Source;
	/** Place in the policy's order (the tie-break order for best-price and stack). */
	pos: number;
	item: Map<string, BookEntry[]>;
	brand: Map<string, BookEntry[]>;
	category: Map<string, BookEntry[]>;
	discounts: Benefit[];
}

function indexSource(source: Source, pos: number): PriceSource {
	const ps: PriceSource = { source, pos, item: new Map(), brand: new Map(), category: new Map(), discounts: source.byKind.get('discount') ?? [] };
	for (const b of source.byKind.get('priceBook') ?? []) {
		if (b.kind !== 'priceBook') continue;
		for (const entry of b.entries) {
			const m = entry.match;
			const [map, key] = m.kind === 'item' ? [ps.item, m.itemId] : m.kind === 'brand' ? [ps.brand, m.brand] : [ps.category, m.category];
			const list = map.get(key);
			if (list) list.push({ benefit: b, entry });
			else map.set(key, [{ benefit: b, entry }]);
		}
	}
	return ps;
}

/**
 * The group's offer for a line: the most specific price book entry (item, then brand, then
 * category; several at one level of detail: the lowest price), else its discount percentage.
 * A price book entry that takes nothing off (0 %, a price not below the list price) means "no
 * discount from this group on this item": the owner said so for this item in particular.
 */
function offerOf(ps: PriceSource, line: PricingLine, gross: number, qty: number, say: Labeller): Offer {
	const it = line.item;
	const found = ps.item.get(it.id) ?? ps.brand.get(it.brand) ?? ps.category.get(it.category);
	if (found) {
		let best: { e: BookEntry; step: Step; off: number } | null = null;
		for (const e of found) {
			const step = stepOf(e.entry.price);
			const off = offOf(step, gross, qty);
			if (!best || off > best.off) best = { e, step, off };
		}
		const { e, step, off } = best!;
		const label = say.benefit(e.benefit, e.entry);
		if (off > 0) return { candidate: { source: ps.source, pos: ps.pos, benefit: e.benefit, label, step, off } };
		const why = step.kind === 'fixed' ? 'the price book price is not below the list price' : 'the price book takes nothing off this item';
		return { nothing: { label, why } };
	}
	let best: { b: Benefit; step: Step; off: number } | null = null;
	for (const b of ps.discounts) {
		if (b.kind !== 'discount') continue;
		const step: Step = { kind: 'pct', pct: b.pct };
		const off = offOf(step, gross, qty);
		if (!best || off > best.off) best = { b, step, off };
	}
	if (best && best.off > 0) return { candidate: { source: ps.source, pos: ps.pos, benefit: best.b, label: say.benefit(best.b), step: best.step, off: best.off } };
	return null;
}

// ---- Choosing between groups ----------------------------------------------------------------------

function tieWords(winner: Source, other: Source): string {
	return winner.rank.createdAt !== other.rank.createdAt ? `${winner.rank.name} was created first` : `${winner.rank.name} comes first by name`;
}

interface Choice {
	applied: Candidate[];
	why: WinReason;
	skipped: { label: string; why: string }[];
}

function choose(cands: Candidate[], policy: BenefitPolicy): Choice {
	const ranked = [...cands].sort((a, b) => a.pos - b.pos);
	if (policy.kind === 'stack') return { applied: stackOrder(ranked), why: { rule: 'stack', count: cands.length }, skipped: [] };
	if (ranked.length === 1) return { applied: ranked, why: { rule: 'only' }, skipped: [] };

	let winner: Candidate;
	let why: WinReason;
	const skipped: { label: string; why: string }[] = [];
	if (policy.kind === 'best-price') {
		winner = ranked.reduce((w, c) => (c.off > w.off ? c : w));
		const ties = ranked.filter((c) => c !== winner && c.off === winner.off);
		const runnerUp = ranked.filter((c) => c !== winner).reduce((r, c) => (c.off > r.off ? c : r));
		why = ties.length ? { rule: 'tie-break', policy: policy.kind, against: ties.map((t) => t.source.rank.name) } : { rule: 'best-price', runnerUp: runnerUp.label };
		for (const c of ranked) {
			if (c === winner) continue;
			skipped.push({
				label: c.label,
				why: c.off === winner.off ? `same price as ${winner.source.rank.name}: ${tieWords(winner.source, c.source)}` : `${winner.source.rank.name} gives a lower price (best price for the customer)`
			});
		}
	} else {
		winner = ranked[0];
		const rival = ranked[1];
		const sameTime = policy.kind === 'newest-group' && rival.source.rank.createdAt === winner.source.rank.createdAt;
		why = sameTime
			? { rule: 'tie-break', policy: policy.kind, against: [rival.source.rank.name] }
			: policy.kind === 'priority'
				? { rule: 'priority', position: policy.order.indexOf(winner.source.rank.groupId) + 1 }
				: { rule: 'newest-group', createdAt: winner.source.rank.createdAt };
		for (const c of ranked.slice(1)) {
			const words =
				policy.kind === 'priority'
					? `${winner.source.rank.name} comes first in the shop’s priority order`
					: c.source.rank.createdAt === winner.source.rank.createdAt
						? `created at the same moment as ${winner.source.rank.name}, which comes first by name`
						: `${winner.source.rank.name} is the more recently created group`;
			skipped.push({ label: c.label, why: words });
		}
	}
	return { applied: [winner], why, skipped };
}

/** STACK_ORDER_RULE: the lowest fixed price, then amounts off, then percentages; groups in tie-break order within each. */
function stackOrder(ranked: Candidate[]): Candidate[] {
	const fixed = ranked.filter((c) => c.step.kind === 'fixed');
	const lowestFixed = fixed.length ? [fixed.reduce((w, c) => (c.off > w.off ? c : w))] : [];
	return [...lowestFixed, ...ranked.filter((c) => c.step.kind === 'amountOff'), ...ranked.filter((c) => c.step.kind === 'pct')];
}

// ---- Coupons --------------------------------------------------------------------------------------

interface CouponCheck {
	outcome: CouponOutcome;
	coupon: Coupon | null;
}

function checkCoupons(input: PricingInput, say: Labeller): CouponCheck[] {
	const byCode = new Map((input.coupons ?? []).map((c) => [normalizeCode(c.code), c]));
	const keys = new Set(input.customer?.keys ?? []);
	const seen = new Set<string>();
	// Coupons apply in order of their codes (not the order typed), so the result is the same however they were entered.
	const codes = [...new Set((input.codes ?? []).map(normalizeCode).filter((c) => c !== ''))].sort();
	return codes.map((code): CouponCheck => {
		const c = byCode.get(code) ?? null;
		const skip = (why: string): CouponCheck => ({ outcome: { code, couponId: c?.id ?? null, applied: false, off: 0, why }, coupon: null });
		if (!c) return skip('not a coupon of this shop');
		if (c.version > BENEFIT_SCHEMA_VERSION) return skip('made by a newer version of the app: update this tablet to use it');
		if (seen.has(c.id)) return skip('entered twice');
		seen.add(c.id);
		if (input.today < c.validFrom) return skip(`not valid before ${c.validFrom}`);
		if (input.today > c.validTo) return skip(`expired on ${c.validTo}`);
		if (c.groups.length > 0) {
			const names = c.groups.map((k) => say.key(k)).join(', ');
			if (!input.customer) return skip(`only for members of ${names}: attach the customer first`);
			if (!c.groups.some((k) => keys.has(k))) return skip(`not valid for this customer’s groups (only for ${names})`);
		}
		if (c.usesPerCustomer !== null) {
			if (!input.customer) return skip('limited per customer: attach the customer first');
			const used = input.customer.couponUses?.[c.id] ?? 0;
			if (used >= c.usesPerCustomer) return skip(`already used ${used} ${used === 1 ? 'time' : 'times'} (${c.usesPerCustomer} allowed)`);
		}
		return { outcome: { code, couponId: c.id, applied: true, off: 0, why: null }, coupon: c };
	});
}

/** Shares `amount` out over lines in proportion to what is left on them; leftover minor units go to the largest remainders. */
function shareOut(amount: number, nets: number[], canonical: number[]): number[] {
	const sum = nets.reduce((a, b) => a + b, 0);
	const shares = nets.map(() => 0);
	if (sum === 0 || amount <= 0) return shares;
	const total = Math.min(amount, sum);
	let given = 0;
	const rest: { i: number; frac: number }[] = [];
	for (const i of canonical) {
		const exact = (total * nets[i]) / sum;
		shares[i] = Math.floor(exact);
		given += shares[i];
		rest.push({ i, frac: exact - shares[i] });
	}
	rest.sort((a, b) => b.frac - a.frac); // stable: equal remainders keep the canonical order
	for (let k = 0; given < total && k < rest.length; k++) {
		if (shares[rest[k].i] < nets[rest[k].i]) {
			shares[rest[k].i]++;
			given++;
		}
	}
	return shares;
}

// ---- Perks ----------------------------------------------------------------------------------------

function perksOf(sources: Source[], policy: BenefitPolicy, say: Labeller): EffectivePerks {
	let loyaltyOffBy: string | null = null;
	const limits: EffectiveLimit[] = [];
	let vip = false;
	const categories = new Set<string>();
	const multipliers: { source: Source; factor: number; label: string }[] = [];
	for (const s of sources) {
		for (const b of s.byKind.get('loyalty') ?? []) if (b.kind === 'loyalty' && !b.enabled && loyaltyOffBy === null) loyaltyOffBy = say.key(b.target);
		for (const b of s.byKind.get('redemptionLimit') ?? []) if (b.kind === 'redemptionLimit') limits.push({ points: b.points, period: b.period, label: say.key(b.target) });
		if (s.byKind.has('vip')) vip = true;
		for (const b of s.byKind.get('appAccess') ?? []) if (b.kind === 'appAccess') b.categories.forEach((c) => categories.add(c));
		let best: { factor: number; label: string } | null = null;
		for (const b of s.byKind.get('pointsMultiplier') ?? []) {
			if (b.kind === 'pointsMultiplier' && (!best || b.factor > best.factor)) best = { factor: b.factor, label: say.key(b.target) };
		}
		if (best) multipliers.push({ source: s, ...best });
	}
	let multiplier: { factor: number; label: string } | null = null;
	if (multipliers.length && loyaltyOffBy === null) {
		// Multipliers never multiply together: the highest for best-price and stack, else the policy's first group.
		const order = policyOrder(policy, multipliers.map((m) => m.source.rank));
		const pos = new Map(order.map((r, i) => [r.groupId, i]));
		const ranked = [...multipliers].sort((a, b) => pos.get(a.source.rank.groupId)! - pos.get(b.source.rank.groupId)!);
		multiplier = policy.kind === 'priority' || policy.kind === 'newest-group' ? ranked[0] : ranked.reduce((w, m) => (m.factor > w.factor ? m : w));
	}
	return {
		loyaltyEnabled: loyaltyOffBy === null,
		loyaltyOffBy,
		pointsMultiplier: multiplier?.factor ?? 1,
		multiplierFrom: multiplier?.label ?? null,
		limits,
		vip,
		appAccessCategories: [...categories].sort()
	};
}

// ---- The whole cart -------------------------------------------------------------------------------

/**
 * Prices a cart with the customer's group benefits and the coupons entered. Never throws and never
 * refuses: a problem the till must resolve first is in `errors`, the rest is explained in traces.
 */
export function priceWithBenefits(input: PricingInput): BenefitPricing {
	const groups = groupMap(input.groups);
	const say = new Labeller(groups, input.currency);
	const errors: FieldError[] = [];
	const usable = input.benefits.filter((b) => b.version <= BENEFIT_SCHEMA_VERSION);
	const sources = input.customer ? sourcesFor(input.customer.keys, [...impliedBenefits(input.groups), ...usable], groups) : [];
	const withPrices = sources.filter((s) => s.byKind.has('discount') || s.byKind.has('priceBook'));
	const order = new Map(policyOrder(input.policy, withPrices.map((s) => s.rank)).map((r, i) => [r.groupId, i]));
	const priceSources = withPrices.map((s) => indexSource(s, order.get(s.rank.groupId)!));

	const removedAll: DiscountRemoval[] = [];
	const removedByItem = new Map<string, DiscountRemoval[]>();
	(input.removals ?? []).forEach((r, i) => {
		if (typeof r.reason !== 'string' || r.reason.trim() === '') errors.push({ field: `removals.${i}.reason`, code: 'benefit-removal-reason-required' });
		if (r.itemId === null) removedAll.push(r);
		else removedByItem.set(r.itemId, [...(removedByItem.get(r.itemId) ?? []), r]);
	});

	const lines: PricedBenefitLine[] = input.lines.map((line) => {
		const qty = Number.isInteger(line.qty) && line.qty >= 1 ? line.qty : 0;
		const unitPrice = Number.isInteger(line.item.price) && line.item.price > 0 ? line.item.price : 0;
		const gross = unitPrice * qty;
		const trace: TraceStep[] = [{ kind: 'list', unitPrice, qty, amount: gross }];
		const cands: Candidate[] = [];
		for (const s of priceSources) {
			const offer = offerOf(s, line, gross, qty, say);
			if (offer && 'candidate' in offer) cands.push(offer.candidate);
			else if (offer) trace.push({ kind: 'skipped', ...offer.nothing });
		}
		let running = gross;
		let winners: Winner[] = [];
		let why: WinReason | null = null;
		const removals = [...removedAll, ...(removedByItem.get(line.item.id) ?? [])];
		if (cands.length && removals.length) {
			const reason = removals.map((r) => r.reason.trim()).filter((r) => r !== '').join('; ');
			for (const c of cands) trace.push({ kind: 'removed', label: c.label, reason, by: 'cashier' });
		} else if (cands.length) {
			const choice = choose(cands, input.policy);
			for (const c of choice.applied) {
				const off = offOf(c.step, running, qty);
				running -= off;
				trace.push({ kind: 'benefit', label: c.label, benefitId: c.benefit.id, key: c.benefit.target, off, after: running });
			}
			for (const s of choice.skipped) trace.push({ kind: 'skipped', ...s });
			winners = choice.applied.map((c) => ({ groupId: c.source.rank.groupId, key: c.benefit.target, benefitId: c.benefit.id, label: c.label }));
			why = choice.why;
		}
		return { itemId: line.item.id, qty, unitPrice, gross, benefitDiscount: gross - running, couponDiscount: 0, discount: gross - running, net: running, winners, why, reason: '', trace };
	});

	const coupons = checkCoupons(input, say);
	const canonical = lines.map((_, i) => i).sort((a, b) => lineOrder(lines[a], lines[b]));
	for (const { outcome, coupon } of coupons) {
		if (!coupon) {
			for (const l of lines) l.trace.push({ kind: 'skipped', label: `coupon ${outcome.code}`, why: outcome.why ?? '' });
			continue;
		}
		const offs =
			coupon.value.kind === 'pct'
				? lines.map((l) => pctOf(l.net, (coupon.value as { pct: number }).pct))
				: shareOut(coupon.value.amount, lines.map((l) => l.net), canonical);
		lines.forEach((l, i) => {
			const off = Math.min(offs[i], l.net);
			if (off <= 0) return;
			l.net -= off;
			l.couponDiscount += off;
			l.discount += off;
			outcome.off += off;
			l.trace.push({ kind: 'coupon', code: outcome.code, off, after: l.net });
		});
	}
	for (const l of lines) l.reason = reasonOf(l);

	let subtotal = 0;
	let discountTotal = 0;
	for (const l of lines) {
		subtotal += l.gross;
		discountTotal += l.discount;
	}
	return {
		lines,
		subtotal,
		discountTotal,
		total: Math.max(0, subtotal - discountTotal),
		perks: perksOf(sources, input.policy, say),
		coupons: coupons.map((c) => c.outcome),
		policy: input.policy.kind,
		errors
	};
}

function lineOrder(a: PricedBenefitLine, b: PricedBenefitLine): number {
	return a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : a.qty - b.qty || a.unitPrice - b.unitPrice;
}

function reasonOf(l: PricedBenefitLine): string {
	const parts: string[] = [];
	for (const s of l.trace) {
		const p = s.kind === 'benefit' ? s.label : s.kind === 'coupon' ? `coupon ${s.code}` : null;
		if (p && !parts.includes(p)) parts.push(p);
	}
	return parts.join('; ');
}

/** The trace in words, one step a line: 'List price 2 × £5.00 = £10.00', 'Gold −7 %: −£0.70 → £9.30'. */
export function traceText(trace: readonly TraceStep[], currency: string): string[] {
	const m = (n: number) => formatMoney(n, currency);
	return trace.map((s) => {
		switch (s.kind) {
			case 'list':
				return `List price ${s.qty} × ${m(s.unitPrice)} = ${m(s.amount)}`;
			case 'benefit':
				return `${s.label}: −${m(s.off)} → ${m(s.after)}`;
			case 'coupon':
				return `Coupon ${s.code}: −${m(s.off)} → ${m(s.after)}`;
			case 'skipped':
				return `${s.label} skipped: ${s.why}`;
			case 'removed':
				return `${s.label} removed by the cashier: ${s.reason}`;
		}
	});
}

/** Why the winner won, in words for the till: 'Best price for the customer (Silver −5 % gives less)'. */
export function winText(why: WinReason | null): string {
	if (!why) return '';
	switch (why.rule) {
		case 'only':
			return 'The only group benefit for this item';
		case 'best-price':
			return why.runnerUp ? `Best price for the customer (${why.runnerUp} gives less)` : 'Best price for the customer';
		case 'priority':
			return `First in the shop’s priority order (number ${why.position})`;
		case 'newest-group':
			return 'The most recently created group';
		case 'stack':
			return why.count === 1 ? 'Stacked (one group)' : `${why.count} groups stacked`;
		case 'tie-break':
			return why.policy === 'newest-group'
				? `Created at the same moment as ${why.against.join(', ')}: decided by name (A to Z)`
				: `Same result as ${why.against.join(', ')}: decided by the tie-break (the group created first, then by name)`;
	}
}

/** Hands the result to the till's priceCart: one LineDiscount per discounted line, by index. */
export function lineDiscounts(p: BenefitPricing): { lineIndex: number; amount: number; reason: string }[] {
	return p.lines.flatMap((l, lineIndex) => (l.discount > 0 ? [{ lineIndex, amount: l.discount, reason: l.reason }] : []));
}

/**
 * The shop's loyalty settings as they apply to this sale: points per unit times the customer's
 * multiplier (rounded once, on the whole sale, by the shop's rounding), or no points at all when
 * loyalty is switched off for them. Hand it to priceCart.
 */
export function loyaltyForSale(loyalty: LoyaltySettings, perks: Pick<BenefitPricing['perks'], 'loyaltyEnabled' | 'pointsMultiplier'>): LoyaltySettings {
	return { ...loyalty, pointsPerUnit: perks.loyaltyEnabled ? loyalty.pointsPerUnit * perks.pointsMultiplier : 0 };
}
