import { describe, expect, it } from 'vitest';
import { messageFor } from '../errors';
import { priceCart } from '../sales/cart';
import { DEFAULT_LOYALTY, type Item } from '../sales/types';
import { benefit, coupon, group, item, line, pricing, tiers } from './factories';
import { lineDiscounts, loyaltyForSale, pctOf, priceWithBenefits, traceText, winText } from './price';
import { BENEFIT_SCHEMA_VERSION, type BenefitPolicy, type TraceStep } from './types';

const staff = group('staff', '2025-01-01T00:00:00.000Z');
const trade = group('trade', '2025-06-01T00:00:00.000Z');
const friends = group('friends', '2026-01-01T00:00:00.000Z');
const club = tiers();
const GROUPS = [staff, trade, friends, club];
const mug = item('mug', 1000);
const policy = (p: { kind: BenefitPolicy['kind']; order?: string[] }): BenefitPolicy => ({ version: BENEFIT_SCHEMA_VERSION, ...p }) as BenefitPolicy;
const kinds = (t: TraceStep[]) => t.map((s) => s.kind);

describe('pctOf: the stated rounding', () => {
	it('rounds to the nearest minor unit, a half in the customer’s favour', () => {
		expect(pctOf(1250, 7)).toBe(88); // 87.5 → 88
		expect(pctOf(1249, 7)).toBe(87); // 87.43
		expect(pctOf(2598, 7)).toBe(182); // 181.86
		expect(pctOf(999, 12.5)).toBe(125); // 124.875
		expect(pctOf(1000, 33.33)).toBe(333); // 333.3
		expect(pctOf(1000, 100)).toBe(1000);
		expect(pctOf(0, 50)).toBe(0);
	});
});

describe('one group', () => {
	it('a Gold member gets 7 % and the line says so', () => {
		const p = priceWithBenefits(
			pricing({
				lines: [line(item('mug', 1299), 2)],
				customer: { keys: ['club', 'club/gold'] },
				groups: GROUPS,
				benefits: [benefit('club/gold', { kind: 'discount', pct: 7 }, 'gold7')]
			})
		);
		const l = p.lines[0];
		// 2 × 12.99 = 25.98; 7 % = 1.8186 → 1.82; 24.16 to pay.
		expect([l.gross, l.benefitDiscount, l.net]).toEqual([2598, 182, 2416]);
		expect(l.winners).toEqual([{ groupId: 'club', key: 'club/gold', benefitId: 'gold7', label: 'Gold −7 %' }]);
		expect(l.why).toEqual({ rule: 'only' });
		expect(l.reason).toBe('Gold −7 %');
		expect(traceText(l.trace, 'GBP')).toEqual(['List price 2 × £12.99 = £25.98', 'Gold −7 %: −£1.82 → £24.16']);
		expect([p.subtotal, p.discountTotal, p.total]).toEqual([2598, 182, 2416]);
	});

	it('no customer, no group benefits', () => {
		const p = priceWithBenefits(pricing({ lines: [line(mug)], groups: GROUPS, benefits: [benefit('all', { kind: 'discount', pct: 5 })] }));
		expect(p.lines[0].net).toBe(1000);
		expect(p.lines[0].winners).toEqual([]);
	});

	it('a benefit on “All customers” applies to every attached customer', () => {
		const p = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: [] }, groups: GROUPS, benefits: [benefit('all', { kind: 'discount', pct: 5 })] }));
		expect(p.lines[0].net).toBe(950);
		expect(p.lines[0].reason).toBe('All customers −5 %');
	});

	it('the group’s own discount field applies as a benefit', () => {
		const p = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: ['staff'] }, groups: [{ ...staff, discountPct: 30 }, trade], benefits: [] }));
		expect(p.lines[0].net).toBe(700);
		expect(p.lines[0].winners[0].benefitId).toBe('group:staff:discount');
	});

	it('a level’s benefit replaces its group’s benefit of the same kind', () => {
		const benefits = [benefit('club', { kind: 'discount', pct: 5 }), benefit('club/gold', { kind: 'discount', pct: 7 })];
		const gold = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: ['club', 'club/gold'] }, groups: GROUPS, benefits }));
		const standard = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: ['club', 'club/standard'] }, groups: GROUPS, benefits }));
		expect(gold.lines[0].net).toBe(930); // 7 %, not 5 % and not both
		expect(standard.lines[0].net).toBe(950);
	});

	it('a benefit on a deleted group or on a level the customer is not in never applies', () => {
		const p = priceWithBenefits(
			pricing({
				lines: [line(mug)],
				customer: { keys: ['gone', 'club', 'club/standard'] },
				groups: GROUPS,
				benefits: [benefit('gone', { kind: 'discount', pct: 50 }), benefit('club/gold', { kind: 'discount', pct: 7 })]
			})
		);
		expect(p.lines[0].net).toBe(1000);
	});

	it('a benefit of a newer version is not applied', () => {
		const b = { ...benefit('staff', { kind: 'discount', pct: 10 }), version: BENEFIT_SCHEMA_VERSION + 1 };
		const p = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: ['staff'] }, groups: GROUPS, benefits: [b] }));
		expect(p.lines[0].net).toBe(1000);
	});
});

describe('price book against percentage', () => {
	const book = benefit(
		'staff',
		{
			kind: 'priceBook',
			name: 'Staff prices',
			entries: [
				{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 700 } },
				{ match: { kind: 'brand', brand: 'Acme' }, price: { kind: 'pctOff', pct: 20 } },
				{ match: { kind: 'category', category: 'Home' }, price: { kind: 'amountOff', amount: 150 } },
				{ match: { kind: 'category', category: 'Tobacco' }, price: { kind: 'pctOff', pct: 0 } },
				{ match: { kind: 'item', itemId: 'vase' }, price: { kind: 'fixed', amount: 5000 } }
			]
		},
		'staff-book'
	);
	const discount = benefit('staff', { kind: 'discount', pct: 10 }, 'staff10');
	const price = (it: Item | ReturnType<typeof item>, qty = 1) =>
		priceWithBenefits(pricing({ lines: [line(it, qty)], customer: { keys: ['staff'] }, groups: GROUPS, benefits: [book, discount] })).lines[0];

	it('the most specific entry wins: item, then brand, then category, then the discount', () => {
		expect(price(mug).net).toBe(700); // item entry (Acme, Home too)
		expect(price(item('tea', 500)).net).toBe(400); // brand Acme −20 %
		expect(price(item('lamp', 2000, { brand: 'Lumo' }), 2).net).toBe(3700); // category Home −1.50 each: 4000 − 300
		expect(price(item('spade', 2000, { brand: 'Dig', category: 'Garden' })).net).toBe(1800); // only the 10 % discount
	});

	it('a 0 % entry keeps the item out of the group’s discount, and says so', () => {
		const l = price(item('cigars', 3000, { brand: 'Havana', category: 'Tobacco' }));
		expect(l.net).toBe(3000);
		expect(l.trace).toContainEqual({ kind: 'skipped', label: 'Staff price book “Staff prices”: −0 %', why: 'the price book takes nothing off this item' });
	});

	it('a fixed price above the list price is not a discount', () => {
		const l = price(item('vase', 4000));
		expect(l.net).toBe(4000);
		expect(l.trace[1]).toMatchObject({ kind: 'skipped', why: 'the price book price is not below the list price' });
	});

	it('a fixed price is per unit', () => {
		expect(price(mug, 3).net).toBe(2100);
	});

	it('an amount off never takes a line below zero', () => {
		const cheap = benefit('trade', { kind: 'priceBook', name: 'T', entries: [{ match: { kind: 'item', itemId: 'pin' }, price: { kind: 'amountOff', amount: 500 } }] });
		const l = priceWithBenefits(pricing({ lines: [line(item('pin', 120), 2)], customer: { keys: ['trade'] }, groups: GROUPS, benefits: [cheap] })).lines[0];
		expect([l.gross, l.discount, l.net]).toEqual([240, 240, 0]);
	});
});

describe('policies between groups', () => {
	const benefits = [
		benefit('staff', { kind: 'discount', pct: 10 }, 'staff10'),
		benefit('trade', { kind: 'discount', pct: 12 }, 'trade12'),
		benefit('friends', { kind: 'discount', pct: 5 }, 'friends5')
	];
	const run = (p: BenefitPolicy, keys = ['staff', 'trade', 'friends'], bs = benefits) =>
		priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys }, groups: GROUPS, benefits: bs, policy: p })).lines[0];

	it('best price: the lowest price wins and the others say why they were skipped', () => {
		const l = run(policy({ kind: 'best-price' }));
		expect(l.net).toBe(880);
		expect(l.winners.map((w) => w.groupId)).toEqual(['trade']);
		expect(l.why).toEqual({ rule: 'best-price', runnerUp: 'Staff −10 %' });
		expect(winText(l.why)).toBe('Best price for the customer (Staff −10 % gives less)');
		expect(l.trace.filter((s) => s.kind === 'skipped')).toEqual([
			{ kind: 'skipped', label: 'Staff −10 %', why: 'Trade gives a lower price (best price for the customer)' },
			{ kind: 'skipped', label: 'Friends −5 %', why: 'Trade gives a lower price (best price for the customer)' }
		]);
	});

	it('best price, tie: the group created first wins, never an error', () => {
		const tie = [benefit('friends', { kind: 'discount', pct: 10 }, 'f10'), benefit('staff', { kind: 'discount', pct: 10 }, 's10')];
		const l = run(policy({ kind: 'best-price' }), ['friends', 'staff'], tie);
		expect(l.net).toBe(900);
		expect(l.winners[0].groupId).toBe('staff'); // created 2025-01-01, Friends 2026-01-01
		expect(l.why).toEqual({ rule: 'tie-break', policy: 'best-price', against: ['Friends'] });
		expect(l.trace).toContainEqual({ kind: 'skipped', label: 'Friends −10 %', why: 'same price as Staff: Staff was created first' });
	});

	it('best price, tie between groups created at the same moment: by name', () => {
		const at = '2025-03-03T00:00:00.000Z';
		const groups = [group('zz', at, 'Beta'), group('aa', at, 'Alpha'), group('mm', at, 'alpha 2')];
		const bs = [benefit('zz', { kind: 'discount', pct: 10 }), benefit('aa', { kind: 'discount', pct: 10 }), benefit('mm', { kind: 'discount', pct: 10 })];
		for (const keys of [['zz', 'aa', 'mm'], ['mm', 'zz', 'aa']]) {
			const l = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys }, groups, benefits: bs })).lines[0];
			expect(l.winners[0].groupId).toBe('aa');
			expect(l.trace).toContainEqual({ kind: 'skipped', label: 'Beta −10 %', why: 'same price as Alpha: Alpha comes first by name' });
		}
	});

	it('priority: the first listed group with a price wins even when another is cheaper', () => {
		const l = run(policy({ kind: 'priority', order: ['friends', 'staff', 'trade'] }));
		expect(l.net).toBe(950);
		expect(l.why).toEqual({ rule: 'priority', position: 1 });
		expect(l.trace).toContainEqual({ kind: 'skipped', label: 'Trade −12 %', why: 'Friends comes first in the shop’s priority order' });
	});

	it('priority: a group without a price for the line gives way to the next one', () => {
		const l = run(policy({ kind: 'priority', order: ['friends', 'staff', 'trade'] }), ['staff', 'trade']);
		expect(l.net).toBe(900);
		expect(l.why).toEqual({ rule: 'priority', position: 2 });
	});

	it('newest group: the most recently created group wins', () => {
		const l = run(policy({ kind: 'newest-group' }));
		expect(l.net).toBe(950);
		expect(l.winners[0].groupId).toBe('friends');
		expect(l.why).toEqual({ rule: 'newest-group', createdAt: friends.createdAt });
	});

	it('newest group, created at the same moment: by name', () => {
		const at = '2025-03-03T00:00:00.000Z';
		const groups = [group('zz', at, 'Beta'), group('aa', at, 'Alpha')];
		const bs = [benefit('zz', { kind: 'discount', pct: 20 }), benefit('aa', { kind: 'discount', pct: 10 })];
		const l = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: ['zz', 'aa'] }, groups, benefits: bs, policy: policy({ kind: 'newest-group' }) })).lines[0];
		expect(l.winners[0].groupId).toBe('aa');
		expect(l.why).toEqual({ rule: 'tie-break', policy: 'newest-group', against: ['Beta'] });
	});

	it('stack: percentages one after another, in the tie-break order', () => {
		const l = run(policy({ kind: 'stack' }), ['trade', 'staff']);
		// Staff (created first) 10 % of 10.00 = 1.00 → 9.00; Trade 12 % of 9.00 = 1.08 → 7.92.
		expect(l.net).toBe(792);
		expect(l.trace.filter((s) => s.kind === 'benefit').map((s) => (s.kind === 'benefit' ? [s.label, s.off, s.after] : null))).toEqual([
			['Staff −10 %', 100, 900],
			['Trade −12 %', 108, 792]
		]);
		expect(l.why).toEqual({ rule: 'stack', count: 2 });
		expect(l.reason).toBe('Staff −10 %; Trade −12 %');
	});

	it('stack: the lowest fixed price first, then amounts off, then percentages', () => {
		const bs = [
			benefit('staff', { kind: 'discount', pct: 10 }),
			benefit('friends', { kind: 'priceBook', name: 'F', entries: [{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'amountOff', amount: 50 } }] }),
			benefit('trade', { kind: 'priceBook', name: 'T', entries: [{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 800 } }] })
		];
		const l = run(policy({ kind: 'stack' }), ['staff', 'trade', 'friends'], bs);
		// 10.00 → fixed 8.00 → −0.50 = 7.50 → −10 % (0.75) = 6.75.
		expect(l.net).toBe(675);
		expect(l.winners.map((w) => w.groupId)).toEqual(['trade', 'friends', 'staff']);
	});

	it('stack never goes below zero', () => {
		const bs = [benefit('staff', { kind: 'discount', pct: 100 }), benefit('trade', { kind: 'discount', pct: 50 })];
		const l = run(policy({ kind: 'stack' }), ['staff', 'trade'], bs);
		expect(l.net).toBe(0);
		expect(l.discount).toBe(1000);
	});
});

describe('coupons', () => {
	const gold = { keys: ['club', 'club/gold'] };
	const goldBenefit = benefit('club/gold', { kind: 'discount', pct: 7 });
	const spring = coupon('SPRING', { groups: ['club/gold'] });

	it('applies after the group benefit and shows in the trace', () => {
		const p = priceWithBenefits(pricing({ lines: [line(item('mug', 1299), 2)], customer: gold, groups: GROUPS, benefits: [goldBenefit], coupons: [spring], codes: ['spring'] }));
		const l = p.lines[0];
		// 25.98 − 1.82 = 24.16; 10 % of 24.16 = 2.416 → 2.42; 21.74.
		expect([l.benefitDiscount, l.couponDiscount, l.net]).toEqual([182, 242, 2174]);
		expect(l.reason).toBe('Gold −7 %; coupon SPRING');
		expect(p.coupons).toEqual([{ code: 'SPRING', couponId: 'coupon-spring', applied: true, off: 242, why: null }]);
	});

	it('is skipped for a customer outside its groups, and every line says why', () => {
		const p = priceWithBenefits(pricing({ lines: [line(mug), line(item('tea', 500))], customer: { keys: ['staff'] }, groups: GROUPS, coupons: [spring], codes: ['SPRING'] }));
		expect(p.total).toBe(1500);
		for (const l of p.lines) expect(l.trace.at(-1)).toEqual({ kind: 'skipped', label: 'coupon SPRING', why: 'not valid for this customer’s groups (only for Gold)' });
		expect(traceText(p.lines[0].trace, 'GBP').at(-1)).toBe('coupon SPRING skipped: not valid for this customer’s groups (only for Gold)');
	});

	it.each([
		['2026-02-28', 'not valid before 2026-03-01'],
		['2026-06-01', 'expired on 2026-05-31']
	])('outside its dates (%s): %s', (today, why) => {
		const p = priceWithBenefits(pricing({ lines: [line(mug)], customer: gold, groups: GROUPS, coupons: [coupon('SPRING')], codes: ['SPRING'], today }));
		expect(p.coupons[0]).toMatchObject({ applied: false, why });
	});

	it('valid on its first and last day', () => {
		for (const today of ['2026-03-01', '2026-05-31']) {
			const p = priceWithBenefits(pricing({ lines: [line(mug)], customer: gold, groups: GROUPS, coupons: [coupon('SPRING')], codes: ['SPRING'], today }));
			expect(p.total).toBe(900);
		}
	});

	it('uses per customer: refused once used up, and needs a customer', () => {
		const once = coupon('ONCE', { usesPerCustomer: 1 });
		const used = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: [], couponUses: { 'coupon-once': 1 } }, coupons: [once], codes: ['ONCE'] }));
		expect(used.coupons[0]).toMatchObject({ applied: false, why: 'already used 1 time (1 allowed)' });
		const fresh = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: [] }, coupons: [once], codes: ['ONCE'] }));
		expect(fresh.total).toBe(900);
		const anonymous = priceWithBenefits(pricing({ lines: [line(mug)], coupons: [once], codes: ['ONCE'] }));
		expect(anonymous.coupons[0].why).toBe('limited per customer: attach the customer first');
	});

	it('an unknown or repeated code is reported, not applied', () => {
		const p = priceWithBenefits(pricing({ lines: [line(mug)], coupons: [coupon('SPRING')], codes: ['nope', 'spring', ' Spr-ing '] }));
		expect(p.coupons.map((c) => [c.code, c.applied, c.why])).toEqual([
			['NOPE', false, 'not a coupon of this shop'],
			['SPRING', true, null]
		]);
		expect(p.total).toBe(900);
	});

	it('an amount is shared out in proportion, the leftover penny to the largest remainder', () => {
		const five = coupon('FIVER', { value: { kind: 'amount', amount: 500 } });
		const p = priceWithBenefits(pricing({ lines: [line(item('b', 500)), line(item('a', 1000))], coupons: [five], codes: ['FIVER'] }));
		// 5.00 × 10/15 = 3.333 → 3.33; × 5/15 = 1.667 → 1.66 + the leftover penny = 1.67.
		expect(p.lines.map((l) => l.couponDiscount)).toEqual([167, 333]);
		expect(p.total).toBe(1000);
	});

	it('an amount larger than the cart takes it to zero, never below', () => {
		const big = coupon('BIG', { value: { kind: 'amount', amount: 100_000 } });
		const p = priceWithBenefits(pricing({ lines: [line(mug), line(item('tea', 500), 3)], coupons: [big], codes: ['BIG'] }));
		expect(p.total).toBe(0);
		expect(p.coupons[0].off).toBe(2500);
		expect(p.lines.every((l) => l.net === 0)).toBe(true);
	});
});

describe('the cashier removes a discount', () => {
	const benefits = [benefit('staff', { kind: 'discount', pct: 10 })];

	it('from one line, with the reason in its trace', () => {
		const p = priceWithBenefits(
			pricing({ lines: [line(mug), line(item('tea', 500))], customer: { keys: ['staff'] }, groups: GROUPS, benefits, removals: [{ itemId: 'mug', reason: 'Already reduced' }] })
		);
		expect(p.lines.map((l) => l.net)).toEqual([1000, 450]);
		expect(p.lines[0].trace).toEqual([
			{ kind: 'list', unitPrice: 1000, qty: 1, amount: 1000 },
			{ kind: 'removed', label: 'Staff −10 %', reason: 'Already reduced', by: 'cashier' }
		]);
		expect(traceText(p.lines[0].trace, 'GBP')[1]).toBe('Staff −10 % removed by the cashier: Already reduced');
		expect(p.errors).toEqual([]);
	});

	it('from the whole sale; coupons still apply', () => {
		const p = priceWithBenefits(
			pricing({ lines: [line(mug)], customer: { keys: ['staff'] }, groups: GROUPS, benefits, coupons: [coupon('SPRING')], codes: ['SPRING'], removals: [{ itemId: null, reason: 'Not a staff purchase' }] })
		);
		expect(kinds(p.lines[0].trace)).toEqual(['list', 'removed', 'coupon']);
		expect(p.total).toBe(900);
	});

	it('without a reason: honoured on screen, but the sale cannot be finalised', () => {
		const p = priceWithBenefits(pricing({ lines: [line(mug)], customer: { keys: ['staff'] }, groups: GROUPS, benefits, removals: [{ itemId: 'mug', reason: '  ' }] }));
		expect(p.lines[0].net).toBe(1000);
		expect(p.errors).toEqual([{ field: 'removals.0.reason', code: 'benefit-removal-reason-required' }]);
		expect(messageFor(p.errors[0])).toMatch(/Say why/);
	});
});

describe('perks: loyalty, multipliers, limits, VIP, app access', () => {
	it('loyalty switched off by one group is off, and no multiplier applies', () => {
		const p = priceWithBenefits(
			pricing({
				customer: { keys: ['staff', 'club', 'club/gold'] },
				groups: GROUPS,
				benefits: [benefit('staff', { kind: 'loyalty', enabled: false }), benefit('club/gold', { kind: 'pointsMultiplier', factor: 1.5 }), benefit('club', { kind: 'loyalty', enabled: true })]
			})
		);
		expect(p.perks).toMatchObject({ loyaltyEnabled: false, loyaltyOffBy: 'Staff', pointsMultiplier: 1, multiplierFrom: null });
	});

	it('multiplier: the highest under best price; the policy’s first group under priority', () => {
		const benefits = [benefit('club/gold', { kind: 'pointsMultiplier', factor: 1.5 }), benefit('friends', { kind: 'pointsMultiplier', factor: 2 })];
		const keys = ['club', 'club/gold', 'friends'];
		const best = priceWithBenefits(pricing({ customer: { keys }, groups: GROUPS, benefits }));
		expect(best.perks).toMatchObject({ loyaltyEnabled: true, pointsMultiplier: 2, multiplierFrom: 'Friends' });
		const prio = priceWithBenefits(pricing({ customer: { keys }, groups: GROUPS, benefits, policy: policy({ kind: 'priority', order: ['club', 'friends'] }) }));
		expect(prio.perks).toMatchObject({ pointsMultiplier: 1.5, multiplierFrom: 'Gold' });
		const stack = priceWithBenefits(pricing({ customer: { keys }, groups: GROUPS, benefits, policy: policy({ kind: 'stack' }) }));
		expect(stack.perks.pointsMultiplier).toBe(2); // multipliers never multiply together
	});

	it('limits of every group apply; VIP from a VIP level; app access is the union', () => {
		const p = priceWithBenefits(
			pricing({
				customer: { keys: ['club', 'club/platinum', 'staff'] },
				groups: GROUPS,
				benefits: [
					benefit('club', { kind: 'redemptionLimit', points: 500, period: 'week' }),
					benefit('staff', { kind: 'redemptionLimit', points: 100, period: 'day' }),
					benefit('staff', { kind: 'appAccess', categories: ['Tea', 'Home'] }),
					benefit('club/platinum', { kind: 'appAccess', categories: ['Garden', 'Tea'] })
				]
			})
		);
		// In the tie-break order: both created on 1 Jan 2025, so by name.
		expect(p.perks.limits).toEqual([
			{ points: 500, period: 'week', label: 'Club' },
			{ points: 100, period: 'day', label: 'Staff' }
		]);
		expect(p.perks.vip).toBe(true); // Platinum is a VIP level
		expect(p.perks.appAccessCategories).toEqual(['Garden', 'Home', 'Tea']);
	});
});

describe('into the till’s priceCart', () => {
	it('the discounts land on the right lines with their reasons', () => {
		const items: Item[] = [
			{ id: 'mug', sku: 'M', barcode: '', name: 'Mug', brand: 'Acme', category: 'Home', variant: '', price: 1299, cost: 500, redeem: 'partial', pointsPrice: 0, active: true },
			{ id: 'tea', sku: 'T', barcode: '', name: 'Tea', brand: 'Leaf', category: 'Tea', variant: '', price: 450, cost: 200, redeem: 'none', pointsPrice: 0, active: true }
		];
		const cart = { customerId: 'c1', lines: [{ itemId: 'tea', qty: 1, pointsToRedeem: 0 }, { itemId: 'mug', qty: 2, pointsToRedeem: 0 }] };
		const byId = new Map(items.map((i) => [i.id, i]));
		const p = priceWithBenefits(
			pricing({ lines: cart.lines.map((l) => line(byId.get(l.itemId)!, l.qty)), customer: { keys: ['club', 'club/gold'] }, groups: GROUPS, benefits: [benefit('club/gold', { kind: 'discount', pct: 7 })] })
		);
		const priced = priceCart(cart, byId, DEFAULT_LOYALTY, 0, { discounts: lineDiscounts(p) });
		expect(priced.errors).toEqual([]);
		expect(priced.lines.map((l) => [l.discount, l.discountReason])).toEqual([
			[32, 'Gold −7 %'], // 7 % of 4.50 = 0.315 → 0.32
			[182, 'Gold −7 %']
		]);
		expect(priced.total).toBe(p.total);
	});

	it('points: the multiplier scales the rate, loyalty off earns nothing', () => {
		const items = new Map<string, Item>([
			['mug', { id: 'mug', sku: 'M', barcode: '', name: 'Mug', brand: 'Acme', category: 'Home', variant: '', price: 2416, cost: 0, redeem: 'partial', pointsPrice: 0, active: true }]
		]);
		const cart = { customerId: 'c1', lines: [{ itemId: 'mug', qty: 1, pointsToRedeem: 0 }] };
		const earned = (perks: { loyaltyEnabled: boolean; pointsMultiplier: number }) => priceCart(cart, items, loyaltyForSale(DEFAULT_LOYALTY, perks), 0).pointsEarned;
		expect(earned({ loyaltyEnabled: true, pointsMultiplier: 1 })).toBe(24);
		expect(earned({ loyaltyEnabled: true, pointsMultiplier: 1.5 })).toBe(36); // 24.16 × 1.5 = 36.24, rounded down once
		expect(earned({ loyaltyEnabled: false, pointsMultiplier: 1.5 })).toBe(0);
	});
});
