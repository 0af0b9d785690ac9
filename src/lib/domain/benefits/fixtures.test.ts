// Hand-computed fixtures: four carts whose every figure was worked out on paper first (the
// working is in the comments), checked line by line against priceWithBenefits. Rounding: a
// percentage of the whole line, to the nearest penny, a half penny off in the customer's favour.
import { describe, expect, it } from 'vitest';
import { benefit, coupon, group, item, line, pricing, tiers } from './factories';
import { priceWithBenefits, traceText } from './price';
import { BENEFIT_SCHEMA_VERSION, type BenefitPricing } from './types';

const staff = group('staff', '2025-01-01T00:00:00.000Z'); // created first
const trade = group('trade', '2025-06-01T00:00:00.000Z');
const friends = group('friends', '2026-01-01T00:00:00.000Z'); // created last
const club = tiers('club', '2024-06-01T00:00:00.000Z', 'Club');
const GROUPS = [staff, trade, friends, club];

const mug = item('mug', 1299, { name: 'Mug', brand: 'Acme', category: 'Home' });
const tea = item('tea', 450, { name: 'Tea', brand: 'Leaf', category: 'Tea' });
const candle = item('candle', 800, { name: 'Candle', brand: 'Glow', category: 'Home' });

const BENEFITS = [
	benefit('club/gold', { kind: 'discount', pct: 7 }, 'gold-7'),
	benefit('club', { kind: 'priceBook', name: 'Club prices', entries: [{ match: { kind: 'brand', brand: 'Leaf' }, price: { kind: 'pctOff', pct: 15 } }] }, 'club-book'),
	benefit('club/gold', { kind: 'pointsMultiplier', factor: 1.5 }, 'gold-x1.5'),
	benefit('staff', { kind: 'discount', pct: 10 }, 'staff-10'),
	benefit('trade', { kind: 'priceBook', name: 'Trade', entries: [{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 900 } }] }, 'trade-book'),
	benefit('friends', { kind: 'discount', pct: 5 }, 'friends-5'),
	benefit('friends', { kind: 'loyalty', enabled: false }, 'friends-no-points')
];
const COUPONS = [coupon('SPRING', { value: { kind: 'pct', pct: 10 } }), coupon('THREE', { value: { kind: 'amount', amount: 300 } })];
const v = BENEFIT_SCHEMA_VERSION;

const figures = (p: BenefitPricing) => ({
	lines: p.lines.map((l) => [l.itemId, l.gross, l.benefitDiscount, l.couponDiscount, l.net, l.reason]),
	totals: [p.subtotal, p.discountTotal, p.total]
});

describe('hand-computed carts', () => {
	it('A: a Gold member, best price — level discount, group price book, multiplier', () => {
		const p = priceWithBenefits(
			pricing({ lines: [line(mug, 2), line(tea, 3), line(candle)], customer: { keys: ['club', 'club/gold'] }, groups: GROUPS, benefits: BENEFITS })
		);
		// mug 2 × 12.99 = 25.98, no Leaf entry → Gold 7 % = 1.8186 → 1.82 → 24.16
		// tea 3 × 4.50 = 13.50, Club price book Leaf −15 % = 2.025 → 2.03 (half penny to the customer) → 11.47
		// candle 8.00 → Gold 7 % = 0.56 → 7.44
		// subtotal 47.48, discounts 4.41, total 43.07; points × 1.5 from Gold
		expect(figures(p)).toEqual({
			lines: [
				['mug', 2598, 182, 0, 2416, 'Gold −7 %'],
				['tea', 1350, 203, 0, 1147, 'Club price book “Club prices”: −15 %'],
				['candle', 800, 56, 0, 744, 'Gold −7 %']
			],
			totals: [4748, 441, 4307]
		});
		expect(p.perks).toMatchObject({ loyaltyEnabled: true, pointsMultiplier: 1.5, multiplierFrom: 'Gold' });
	});

	it('B: Staff + Trade, best price, coupon SPRING 10 %', () => {
		const p = priceWithBenefits(
			pricing({ lines: [line(mug), line(tea, 2)], customer: { keys: ['staff', 'trade'] }, groups: GROUPS, benefits: BENEFITS, coupons: COUPONS, codes: ['SPRING'] })
		);
		// mug 12.99: Staff 10 % = 1.299 → 1.30 → 11.69; Trade fixed 9.00 (−3.99) → Trade wins at 9.00;
		//   SPRING 10 % of 9.00 = 0.90 → 8.10
		// tea 2 × 4.50 = 9.00: Staff 10 % → 8.10 (Trade has nothing for tea); SPRING 0.81 → 7.29
		// subtotal 21.99, discounts 3.99 + 0.90 + 0.90 + 0.81 = 6.60, total 15.39
		expect(figures(p)).toEqual({
			lines: [
				['mug', 1299, 399, 90, 810, 'Trade price book “Trade”: £9.00; coupon SPRING'],
				['tea', 900, 90, 81, 729, 'Staff −10 %; coupon SPRING']
			],
			totals: [2199, 660, 1539]
		});
		expect(traceText(p.lines[0].trace, 'GBP')).toEqual([
			'List price 1 × £12.99 = £12.99',
			'Trade price book “Trade”: £9.00: −£3.99 → £9.00',
			'Staff −10 % skipped: Trade gives a lower price (best price for the customer)',
			'Coupon SPRING: −£0.90 → £8.10'
		]);
	});

	it('C: Staff + Trade + Friends stacked, coupon THREE £3.00 shared out', () => {
		const p = priceWithBenefits(
			pricing({
				lines: [line(tea, 3), line(mug)],
				customer: { keys: ['staff', 'trade', 'friends'] },
				groups: GROUPS,
				benefits: BENEFITS,
				policy: { version: v, kind: 'stack' },
				coupons: COUPONS,
				codes: ['three']
			})
		);
		// tea 3 × 4.50 = 13.50: Staff 10 % = 1.35 → 12.15; Friends 5 % of 12.15 = 0.6075 → 0.61 → 11.54
		// mug 12.99: Trade fixed 9.00 (−3.99); Staff 10 % = 0.90 → 8.10; Friends 5 % = 0.405 → 0.41 → 7.69
		// THREE £3.00 over 11.54 + 7.69 = 19.23: tea 3.00 × 11.54/19.23 = 1.8003 → 1.80,
		//   mug 3.00 × 7.69/19.23 = 1.1997 → 1.19 + the leftover penny (largest remainder) = 1.20
		// tea 9.74, mug 6.49; subtotal 26.49, total 16.23, discounts 10.26
		expect(figures(p)).toEqual({
			lines: [
				['tea', 1350, 196, 180, 974, 'Staff −10 %; Friends −5 %; coupon THREE'],
				['mug', 1299, 530, 120, 649, 'Trade price book “Trade”: £9.00; Staff −10 %; Friends −5 %; coupon THREE']
			],
			totals: [2649, 1026, 1623]
		});
		// Friends switches loyalty off: no points, whatever else the customer is in.
		expect(p.perks).toMatchObject({ loyaltyEnabled: false, loyaltyOffBy: 'Friends', pointsMultiplier: 1 });
	});

	it('D: the same customer under a priority order, the cashier removing the mug’s discount', () => {
		const p = priceWithBenefits(
			pricing({
				lines: [line(mug), line(tea, 3)],
				customer: { keys: ['staff', 'trade', 'friends'] },
				groups: GROUPS,
				benefits: BENEFITS,
				policy: { version: v, kind: 'priority', order: ['friends', 'staff', 'trade', 'club'] },
				removals: [{ itemId: 'mug', reason: 'Price-matched already' }]
			})
		);
		// mug 12.99: Friends would win (first in the order) but the cashier removed it → 12.99
		// tea 13.50: Friends 5 % = 0.675 → 0.68 → 12.82
		// subtotal 26.49, discounts 0.68, total 25.81
		expect(figures(p)).toEqual({
			lines: [
				['mug', 1299, 0, 0, 1299, ''],
				['tea', 1350, 68, 0, 1282, 'Friends −5 %']
			],
			totals: [2649, 68, 2581]
		});
		expect(traceText(p.lines[0].trace, 'GBP').slice(1)).toEqual([
			'Staff −10 % removed by the cashier: Price-matched already',
			'Trade price book “Trade”: £9.00 removed by the cashier: Price-matched already',
			'Friends −5 % removed by the cashier: Price-matched already'
		]);
	});
});
