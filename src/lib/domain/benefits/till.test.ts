import { assert, describe, expect, it } from 'vitest';
import { messageFor } from '../errors';
import { addItem, EMPTY_CART, finaliseSale, setCustomer, setPoints, type Cart } from '../sales/cart';
import { validateSale } from '../sales/totals';
import { DEFAULT_LOYALTY, type Item } from '../sales/types';
import { benefit, coupon, group, tiers } from './factories';
import { benefitsGlance, glanceSummary } from './glance';
import { priceTill, tillReady, type TillBenefits, type TillInput, type TillMember } from './till';
import { BENEFIT_SCHEMA_VERSION, DEFAULT_POLICY } from './types';

function item(over: Partial<Item>): Item {
	return {
		id: 'mug', sku: 'MUG', barcode: '', name: 'Blue mug', brand: 'Potters', category: 'Home', variant: '',
		price: 1299, cost: 400, redeem: 'partial', pointsPrice: 0, active: true, ...over
	};
}
const mug = item({});
const loaf = item({ id: 'loaf', sku: 'LOAF', name: 'Walnut loaf', brand: 'Hearth', category: 'Bakery', price: 420, redeem: 'none' });
const items = new Map([mug, loaf].map((i) => [i.id, i]));

const club = tiers();
const staff = group('staff', '2025-01-01T00:00:00.000Z');
const trade = group('trade', '2025-06-01T00:00:00.000Z');
const GROUPS = [club, staff, trade];
const gold7 = benefit('club/gold', { kind: 'discount', pct: 7 }, 'gold7');
const snapshot = (over: Partial<TillBenefits> = {}): TillBenefits => ({ benefits: [gold7], coupons: [], policy: DEFAULT_POLICY, policyNeedsUpdate: false, ...over });
const member = (over: Partial<TillMember> = {}): TillMember => ({ customerId: 'ann', keys: ['club', 'club/gold'], couponUses: {}, history: [], ...over });

function cartOf(customerId: string | null, ...lines: [Item, number][]): Cart {
	let c = setCustomer(EMPTY_CART, customerId);
	for (const [it, qty] of lines) c = addItem(c, it, qty);
	return c;
}

const NOW = Date.parse('2026-04-15T10:00:00Z');
function input(over: Partial<TillInput> = {}): TillInput {
	return {
		cart: cartOf('ann', [mug, 2]),
		items,
		loyalty: DEFAULT_LOYALTY,
		balance: 5000,
		currency: 'GBP',
		benefits: snapshot(),
		groups: GROUPS,
		member: member(),
		codes: [],
		removals: [],
		today: '2026-04-15',
		now: NOW,
		timeZone: 'Europe/London',
		...over
	};
}

const stamp = { id: 's1', receiptNo: 'CAM-7F3K-000001', at: '2026-04-15T10:00:00.000Z', storeId: 'camden', deviceId: 'd', deviceName: 'Till 1', cashier: 'Sam', currency: 'GBP' };

describe('priceTill: never prices with half-loaded state', () => {
	it('waits for the benefits, the groups and this customer’s memberships', () => {
		expect(tillReady(input())).toBe(true);
		for (const over of [{ benefits: null }, { groups: null }, { member: null }, { member: member({ customerId: 'bob' }) }]) {
			const t = priceTill(input(over));
			expect(t.loading).toBe(true);
			expect(t.benefits).toBeNull();
			expect(t.priced.discountTotal).toBe(0);
			expect(t.priced.errors).toContainEqual({ field: 'benefits', code: 'benefits-loading' });
			expect(messageFor(t.priced.errors.at(-1)!)).toMatch(/group benefits/);
		}
	});
	it('an anonymous sale needs no member', () => {
		const t = priceTill(input({ cart: cartOf(null, [mug, 1]), member: null }));
		expect(t.loading).toBe(false);
		expect(t.priced.errors).toEqual([]);
		expect(t.priced.discountTotal).toBe(0);
	});
});

describe('priceTill: group benefits in the cart', () => {
	it('a Gold member gets 7 % on each line, with the reason, and earns on what they pay', () => {
		const t = priceTill(input({ cart: cartOf('ann', [mug, 2], [loaf, 1]) }));
		// 2 × 12.99 = 25.98 → −1.82; 4.20 → −0.29
		expect(t.priced.lines.map((l) => [l.discount, l.discountReason])).toEqual([
			[182, 'Gold −7 %'],
			[29, 'Gold −7 %']
		]);
		expect(t.priced.total).toBe(2598 + 420 - 182 - 29);
		expect(t.priced.pointsEarned).toBe(28);
		expect(t.priced.errors).toEqual([]);
	});
	it('follows the memberships it is given: out of Gold, no discount', () => {
		const t = priceTill(input({ member: member({ keys: ['club', 'club/standard'] }) }));
		expect(t.priced.discountTotal).toBe(0);
	});
	it('a group’s own discount field works without any stored benefit', () => {
		const t = priceTill(input({ benefits: snapshot({ benefits: [] }), groups: [{ ...staff, discountPct: 10 }], member: member({ keys: ['staff'] }) }));
		expect(t.priced.lines[0].discount).toBe(260);
		expect(t.priced.lines[0].discountReason).toBe('Staff −10 %');
	});
	it('the points multiplier scales what is earned; loyalty off earns nothing and refuses redemption', () => {
		const x2 = benefit('club/gold', { kind: 'pointsMultiplier', factor: 2 });
		// 25.98 with no discount (only the multiplier here) × 2 = 51.96 → 51 points.
		expect(priceTill(input({ benefits: snapshot({ benefits: [x2] }) })).priced.pointsEarned).toBe(51);
		const off = benefit('club/gold', { kind: 'loyalty', enabled: false });
		const cart = setPoints(cartOf('ann', [mug, 1]), 0, 100);
		const t = priceTill(input({ cart, benefits: snapshot({ benefits: [x2, off] }) }));
		expect(t.priced.pointsEarned).toBe(0);
		expect(t.benefits?.perks.loyaltyEnabled).toBe(false);
		expect(t.priced.errors).toContainEqual({ field: 'points', code: 'redemption-loyalty-off', params: { group: 'Gold' } });
	});
	it('refuses a redemption beyond the allowance, saying what is left', () => {
		const limit = benefit('club/gold', { kind: 'redemptionLimit', points: 500, period: 'week' });
		const history = [{ id: 'old', at: '2026-04-14T09:00:00Z', pointsRedeemed: 300, refundOf: null }];
		const ok = priceTill(input({ cart: setPoints(cartOf('ann', [mug, 1]), 0, 200), benefits: snapshot({ benefits: [limit] }), member: member({ history }) }));
		expect(ok.priced.errors).toEqual([]);
		expect(ok.allowance?.remaining).toBe(200);
		const over = priceTill(input({ cart: setPoints(cartOf('ann', [mug, 1]), 0, 250), benefits: snapshot({ benefits: [limit] }), member: member({ history }) }));
		const err = over.priced.errors.find((e) => e.code === 'redemption-over-allowance');
		assert(err, 'over-redemption refused');
		expect(err.params).toMatchObject({ remaining: '200', limit: '500', period: 'week', group: 'Gold' });
	});
	it('coupons: applied and skipped with their reasons', () => {
		const spring = coupon('SPRING', { value: { kind: 'pct', pct: 10 }, groups: ['trade'] });
		const t = priceTill(input({ benefits: snapshot({ coupons: [spring, coupon('WELCOME', { value: { kind: 'amount', amount: 100 } })] }), codes: ['spring', 'welcome', 'nope'] }));
		expect(t.benefits?.coupons.map((c) => [c.code, c.applied, c.why])).toEqual([
			['NOPE', false, 'not a coupon of this shop'],
			['SPRING', false, 'not valid for this customer’s groups (only for Trade)'],
			['WELCOME', true, null]
		]);
		expect(t.priced.lines[0].discount).toBe(182 + 100);
	});
	it('a cashier removal takes the group discount off; without a reason the sale cannot be paid', () => {
		const t = priceTill(input({ removals: [{ itemId: 'mug', reason: 'Damaged box, priced by hand' }] }));
		expect(t.priced.discountTotal).toBe(0);
		expect(t.priced.errors).toEqual([]);
		const bad = priceTill(input({ removals: [{ itemId: null, reason: ' ' }] }));
		expect(bad.priced.errors).toContainEqual({ field: 'removals.0.reason', code: 'benefit-removal-reason-required' });
	});
	it('a policy that needs an update prices best-price (the snapshot carries the default)', () => {
		const t = priceTill(input({ benefits: snapshot({ policyNeedsUpdate: true }) }));
		expect(t.benefits?.policy).toBe('best-price');
	});
});

describe('finalising with benefits: the sale keeps its trace', () => {
	it('stores trace, winners, why, coupons, removals and policy, and validates', () => {
		const cart = cartOf('ann', [mug, 2], [loaf, 1]);
		const removals = [{ itemId: 'loaf', reason: 'Day-old loaf ' }];
		const t = priceTill(input({ cart, removals, benefits: snapshot({ coupons: [coupon('SPRING', { groups: ['trade'] })] }), codes: ['SPRING'] }));
		const r = finaliseSale(cart, t.priced, { ...stamp, payments: [{ method: 'card', amount: t.priced.total }], benefits: { pricing: t.benefits!, removals } });
		assert(r.ok, 'finalised');
		const [l0, l1] = r.sale.lines;
		expect(l0.trace?.map((s) => s.kind)).toEqual(['list', 'benefit', 'skipped']);
		expect(l0.winners?.[0]).toMatchObject({ groupId: 'club', label: 'Gold −7 %' });
		expect(l0.why).toEqual({ rule: 'only' });
		expect(l1.trace?.map((s) => s.kind)).toEqual(['list', 'removed', 'skipped']);
		expect(l1.winners).toBeUndefined();
		expect(r.sale.removals).toEqual([{ itemId: 'loaf', reason: 'Day-old loaf' }]);
		expect(r.sale.coupons).toEqual([{ code: 'SPRING', couponId: 'coupon-spring', applied: false, off: 0, why: 'not valid for this customer’s groups (only for Trade)' }]);
		expect(r.sale.policy).toBe('best-price');
		expect(validateSale(r.sale)).toEqual([]);
		// The sale owns its copy: changing the pricing afterwards does not touch it.
		t.benefits!.lines[0].trace.length = 0;
		expect(r.sale.lines[0].trace).toHaveLength(3);
	});
	it('validateSale refuses a trace that does not end at the line’s price, and a removal without reason', () => {
		const cart = cartOf('ann', [mug, 1]);
		const t = priceTill(input({ cart }));
		const r = finaliseSale(cart, t.priced, { ...stamp, payments: [{ method: 'card', amount: t.priced.total }], benefits: { pricing: t.benefits!, removals: [] } });
		assert(r.ok, 'finalised');
		const tampered = { ...r.sale, lines: [{ ...r.sale.lines[0], trace: [r.sale.lines[0].trace![0]] }] };
		expect(validateSale(tampered)).toEqual([{ field: 'lines.0.trace', code: 'sale-trace-inconsistent', params: { line: '1' } }]);
		expect(validateSale({ ...r.sale, removals: [{ itemId: null, reason: '' }] })).toEqual([{ field: 'removals.0.reason', code: 'benefit-removal-reason-required' }]);
		// A sale from before benefits (no trace, no removals) still validates.
		const { coupons: _c, removals: _r, policy: _p, ...old } = r.sale;
		expect(validateSale({ ...old, lines: old.lines.map(({ trace: _t, winners: _w, why: _y, ...l }) => l) })).toEqual([]);
	});
});

describe('benefitsGlance: what the profile shows', () => {
	it('discount, level, VIP, multiplier and the allowance left', () => {
		const g = benefitsGlance({
			keys: ['club', 'club/platinum'],
			groups: GROUPS,
			benefits: [
				benefit('club/platinum', { kind: 'discount', pct: 10 }),
				benefit('club', { kind: 'pointsMultiplier', factor: 1.5 }),
				benefit('club', { kind: 'redemptionLimit', points: 1000, period: 'month' })
			],
			policy: { version: BENEFIT_SCHEMA_VERSION, kind: 'best-price' },
			currency: 'GBP',
			history: [{ id: 'a', at: '2026-04-02T12:00:00Z', pointsRedeemed: 400, refundOf: null }],
			now: NOW,
			timeZone: 'Europe/London'
		});
		expect(g.prices).toEqual(['Platinum −10 %']);
		expect(g.levels).toEqual(['Platinum']);
		expect(g.perks.vip).toBe(true);
		expect(g.perks.pointsMultiplier).toBe(1.5);
		expect(g.allowance?.remaining).toBe(600);
	});
	it('the list’s few words: prices, multiplier, tightest limit; loyalty off says so instead', () => {
		const base = { keys: ['club', 'club/gold', 'staff'], groups: [club, { ...staff, discountPct: 5 }, trade], policy: DEFAULT_POLICY, currency: 'GBP' };
		const g = benefitsGlance({
			...base,
			benefits: [gold7, benefit('club', { kind: 'pointsMultiplier', factor: 1.5 }), benefit('club', { kind: 'redemptionLimit', points: 500, period: 'week' }), benefit('staff', { kind: 'redemptionLimit', points: 200, period: 'day' })]
		});
		expect(glanceSummary(g)).toBe('Gold −7 % · Staff −5 % · 1.5× points · redeem ≤ 200 a day');
		const off = benefitsGlance({ ...base, benefits: [benefit('staff', { kind: 'loyalty', enabled: false })] });
		expect(glanceSummary(off)).toBe('Staff −5 % · loyalty off');
		expect(glanceSummary(benefitsGlance({ ...base, keys: [], benefits: [] }))).toBe('');
	});
});
