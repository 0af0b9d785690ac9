// Properties of pricing over random shops, customers and carts (seeded, so a failure names the
// seed that reproduces it): the total never goes below zero, every line adds up, and neither the
// order the lines were added nor the order benefits, groups or keys arrive in changes any price.
// (fast-check is not installed in this project; the seeded generator of ../random plays its part.)
import { describe, expect, it } from 'vitest';
import type { Group } from '../groups/types';
import { Rng } from '../random';
import { benefit, coupon, group, item, tiers } from './factories';
import { priceWithBenefits, type PricingInput } from './price';
import { BENEFIT_SCHEMA_VERSION, type Benefit, type BenefitPolicy, type EntryPrice, type PriceMatch, type PricingLine } from './types';

const BRANDS = ['Acme', 'Leaf', 'Lumo'];
const CATEGORIES = ['Home', 'Tea', 'Garden'];
const RUNS = 400;

function shuffle<T>(rng: Rng, a: readonly T[]): T[] {
	const out = [...a];
	for (let i = out.length - 1; i > 0; i--) {
		const j = rng.int(0, i);
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

function randomPrice(rng: Rng): EntryPrice {
	switch (rng.int(0, 2)) {
		case 0: return { kind: 'fixed', amount: rng.int(0, 20_000) };
		case 1: return { kind: 'pctOff', pct: rng.int(0, 10_000) / 100 };
		default: return { kind: 'amountOff', amount: rng.int(0, 20_000) };
	}
}

function randomMatch(rng: Rng, itemIds: string[]): PriceMatch {
	switch (rng.int(0, 2)) {
		case 0: return { kind: 'item', itemId: rng.pick(itemIds) };
		case 1: return { kind: 'brand', brand: rng.pick(BRANDS) };
		default: return { kind: 'category', category: rng.pick(CATEGORIES) };
	}
}

function randomInput(seed: number): PricingInput {
	const rng = new Rng(seed);
	const itemIds = Array.from({ length: rng.int(1, 12) }, (_, i) => `item${i}`);
	const lines: PricingLine[] = itemIds.map((id) => ({
		item: item(id, rng.chance(0.05) ? 0 : rng.int(1, 20_000), { brand: rng.pick(BRANDS), category: rng.pick(CATEGORIES) }),
		qty: rng.int(1, 5)
	}));
	const day = (n: number) => `2025-0${1 + (n % 9)}-0${1 + (n % 9)}T00:00:00.000Z`;
	const groups: Group[] = [tiers('club', day(rng.int(0, 8)), 'Club')];
	for (let g = 0; g < rng.int(1, 8); g++) groups.push(group(`g${g}`, day(rng.int(0, 8)), rng.pick(['Alpha', 'Beta', 'Gamma', `G${g}`])));
	const targets = [...groups.filter((g) => g.type === 'manual').map((g) => g.id), 'club', 'club/gold', 'club/standard', 'all'];
	const benefits: Benefit[] = [];
	for (let b = 0; b < rng.int(0, 14); b++) {
		const target = rng.pick(targets);
		benefits.push(
			rng.chance(0.5)
				? benefit(target, { kind: 'discount', pct: rng.int(0, 10_000) / 100 }, `d${b}`)
				: benefit(target, { kind: 'priceBook', name: `Book ${b}`, entries: Array.from({ length: rng.int(1, 4) }, () => ({ match: randomMatch(rng, itemIds), price: randomPrice(rng) })) }, `p${b}`)
		);
	}
	const manual = groups.filter((g) => g.type === 'manual').map((g) => g.id);
	const policy: BenefitPolicy = rng.pick<BenefitPolicy>([
		{ version: BENEFIT_SCHEMA_VERSION, kind: 'best-price' },
		{ version: BENEFIT_SCHEMA_VERSION, kind: 'priority', order: shuffle(rng, [...manual, 'club']) },
		{ version: BENEFIT_SCHEMA_VERSION, kind: 'newest-group' },
		{ version: BENEFIT_SCHEMA_VERSION, kind: 'stack' }
	]);
	const keys = rng.chance(0.1) ? null : [...manual.filter(() => rng.chance(0.5)), ...(rng.chance(0.5) ? ['club', rng.pick(['club/gold', 'club/standard'])] : [])];
	const coupons = [
		coupon('PCT', { value: { kind: 'pct', pct: rng.int(1, 10_000) / 100 } }),
		coupon('CASH', { value: { kind: 'amount', amount: rng.int(1, 50_000) } }),
		coupon('GOLD', { groups: ['club/gold'] })
	];
	const removals = rng.chance(0.2) ? [{ itemId: rng.chance(0.5) ? null : rng.pick(itemIds), reason: 'Customer asked' }] : [];
	return {
		lines,
		customer: keys ? { keys } : null,
		groups,
		benefits,
		policy,
		coupons,
		codes: coupons.filter(() => rng.chance(0.4)).map((c) => c.code),
		removals,
		today: '2026-04-15',
		currency: 'GBP'
	};
}

describe('pricing properties', () => {
	it(`the total never goes below zero and every line adds up (${RUNS} random carts)`, () => {
		for (let seed = 1; seed <= RUNS; seed++) {
			const p = priceWithBenefits(randomInput(seed));
			const ctx = `seed ${seed}`;
			expect(p.total, ctx).toBeGreaterThanOrEqual(0);
			let subtotal = 0;
			let discount = 0;
			for (const l of p.lines) {
				expect(l.net, ctx).toBeGreaterThanOrEqual(0);
				expect(l.net, ctx).toBeLessThanOrEqual(l.gross);
				expect(l.discount, ctx).toBe(l.benefitDiscount + l.couponDiscount);
				expect(l.net, ctx).toBe(l.gross - l.discount);
				expect(Number.isInteger(l.net) && Number.isInteger(l.discount), ctx).toBe(true);
				// The trace ends where the line ends.
				const last = [...l.trace].reverse().find((s) => s.kind === 'benefit' || s.kind === 'coupon' || s.kind === 'list');
				expect(last && (last.kind === 'list' ? last.amount : last.after), ctx).toBe(l.net);
				subtotal += l.gross;
				discount += l.discount;
			}
			expect([p.subtotal, p.discountTotal, p.total], ctx).toEqual([subtotal, discount, subtotal - discount]);
		}
	});

	it(`permuting lines, benefits, groups, keys and codes never changes a price (${RUNS} random carts)`, () => {
		for (let seed = 1; seed <= RUNS; seed++) {
			const input = randomInput(seed);
			const rng = new Rng(seed * 7919);
			const shuffled: PricingInput = {
				...input,
				lines: shuffle(rng, input.lines),
				benefits: shuffle(rng, input.benefits),
				groups: shuffle(rng, input.groups),
				customer: input.customer ? { keys: shuffle(rng, input.customer.keys) } : null,
				codes: shuffle(rng, input.codes ?? [])
			};
			const a = priceWithBenefits(input);
			const b = priceWithBenefits(shuffled);
			const byItem = (p: typeof a) => new Map(p.lines.map((l) => [l.itemId, l]));
			const bb = byItem(b);
			for (const l of a.lines) expect(bb.get(l.itemId), `seed ${seed}, ${l.itemId}`).toEqual(l);
			expect([b.subtotal, b.discountTotal, b.total], `seed ${seed}`).toEqual([a.subtotal, a.discountTotal, a.total]);
			expect(b.perks, `seed ${seed}`).toEqual(a.perks);
			expect(b.coupons, `seed ${seed}`).toEqual(a.coupons);
		}
	});

	it(`best price is never worse than any one of the customer's groups alone (${RUNS} random carts)`, () => {
		for (let seed = 1; seed <= RUNS; seed++) {
			const input = { ...randomInput(seed), policy: { version: BENEFIT_SCHEMA_VERSION, kind: 'best-price' } as BenefitPolicy, codes: [], removals: [] };
			if (!input.customer) continue;
			const all = priceWithBenefits(input);
			for (const gid of new Set(input.benefits.map((b) => b.target.split('/')[0]))) {
				const alone = priceWithBenefits({ ...input, benefits: input.benefits.filter((b) => b.target.split('/')[0] === gid) });
				all.lines.forEach((l, i) => expect(l.net, `seed ${seed}, group ${gid}`).toBeLessThanOrEqual(alone.lines[i].net));
			}
		}
	});
});
