import { describe, expect, it } from 'vitest';
import { messageFor, type FieldError } from '../errors';
import { benefit, coupon, group, item, tiers } from './factories';
import { readBenefit, readCoupon, readPolicy } from './read';
import { BENEFIT_SCHEMA_VERSION } from './types';
import {
	catalogueOf,
	dependentsOf,
	validateBenefit,
	validateCoupon,
	validateDateRange,
	validateGroupDeletion,
	validatePolicy,
	type CouponDraft
} from './validate';

const staff = group('staff', '2025-01-01T00:00:00.000Z');
const trade = group('trade', '2025-06-01T00:00:00.000Z');
const club = tiers();
const GROUPS = [staff, trade, club];
const CAT = catalogueOf([item('mug', 1000), item('pin', 120, { name: 'Pin', brand: 'Tiny', category: 'Haberdashery' }), item('tea', 450, { brand: 'Leaf', category: 'Tea' })]);
const codes = (e: FieldError[]) => e.map((x) => [x.field, x.code]);

describe('validateBenefit', () => {
	it('a discount from 0 to 100 %, two decimals at most', () => {
		for (const pct of [0, 7, 12.5, 33.33, 100]) expect(validateBenefit({ kind: 'discount', pct, target: 'staff' }, GROUPS, CAT)).toEqual([]);
		for (const pct of [-1, 100.01, 101, 7.125, Number.NaN]) {
			expect(codes(validateBenefit({ kind: 'discount', pct, target: 'staff' }, GROUPS, CAT))).toEqual([['pct', 'benefit-pct-invalid']]);
		}
	});

	it('the target must be an existing group, level or built-in group', () => {
		for (const target of ['staff', 'club', 'club/gold', 'all', 'rfm/champions']) {
			expect(validateBenefit({ kind: 'vip', target }, GROUPS, CAT), target).toEqual([]);
		}
		for (const target of ['gone', 'club/diamond', 'staff/x', 'rfm/nobody']) {
			expect(codes(validateBenefit({ kind: 'vip', target }, GROUPS, CAT)), target).toEqual([['target', 'benefit-target-unknown']]);
		}
	});

	it('a price book: named, not empty, entries for known items, brands and categories, each once', () => {
		const errors = validateBenefit(
			{
				kind: 'priceBook',
				name: ' ',
				target: 'staff',
				entries: [
					{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 800 } },
					{ match: { kind: 'item', itemId: 'ghost' }, price: { kind: 'fixed', amount: 800 } },
					{ match: { kind: 'brand', brand: 'Nope' }, price: { kind: 'pctOff', pct: 10 } },
					{ match: { kind: 'category', category: 'Tea' }, price: { kind: 'pctOff', pct: 120 } },
					{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 700 } },
					{ match: { kind: 'category', category: 'Cars' }, price: { kind: 'fixed', amount: -5 } },
					{ match: { kind: 'brand', brand: 'Leaf' }, price: { kind: 'fixed', amount: 1.5 } }
				]
			},
			GROUPS,
			CAT
		);
		expect(codes(errors)).toEqual([
			['name', 'benefit-price-book-name-required'],
			['entries.1.match', 'benefit-item-unknown'],
			['entries.2.match', 'benefit-brand-unknown'],
			['entries.3.price', 'benefit-pct-invalid'],
			['entries.4.match', 'benefit-entry-duplicate'],
			['entries.5.match', 'benefit-category-unknown'],
			['entries.6.price', 'benefit-amount-invalid']
		]);
		expect(messageFor(errors[1])).toBe('Item ghost is not in the catalogue: choose an item from the list');
		expect(messageFor(errors[4])).toBe('“mug” is already in this price book (entry 1): keep one');
		expect(codes(validateBenefit({ kind: 'priceBook', name: 'X', target: 'staff', entries: [] }, GROUPS, CAT))).toEqual([['entries', 'benefit-price-book-empty']]);
	});

	it('an amount off that would take an item below zero names the item', () => {
		const errors = validateBenefit(
			{ kind: 'priceBook', name: 'Trade', target: 'trade', entries: [{ match: { kind: 'category', category: 'Haberdashery' }, price: { kind: 'amountOff', amount: 200 } }] },
			GROUPS,
			CAT
		);
		expect(errors).toEqual([{ field: 'entries.0.price', code: 'benefit-price-below-zero', params: { name: 'Pin', price: '£1.20' } }]);
		expect(messageFor(errors[0])).toBe('This would take the price of Pin below zero (its price is £1.20): take off less');
		const ok = validateBenefit(
			{ kind: 'priceBook', name: 'Trade', target: 'trade', entries: [{ match: { kind: 'item', itemId: 'pin' }, price: { kind: 'amountOff', amount: 120 } }] },
			GROUPS,
			CAT
		);
		expect(ok).toEqual([]);
	});

	it('multiplier above 0, limit a whole number above 0 with a known period, app access with known categories', () => {
		for (const factor of [0, -1, 101, Number.POSITIVE_INFINITY]) {
			expect(codes(validateBenefit({ kind: 'pointsMultiplier', factor, target: 'club/gold' }, GROUPS, CAT))).toEqual([['factor', 'benefit-multiplier-invalid']]);
		}
		expect(validateBenefit({ kind: 'pointsMultiplier', factor: 1.5, target: 'club/gold' }, GROUPS, CAT)).toEqual([]);
		expect(codes(validateBenefit({ kind: 'redemptionLimit', points: 0, period: 'year' as 'day', target: 'staff' }, GROUPS, CAT))).toEqual([
			['points', 'benefit-limit-invalid'],
			['period', 'benefit-period-invalid']
		]);
		expect(codes(validateBenefit({ kind: 'appAccess', categories: [], target: 'staff' }, GROUPS, CAT))).toEqual([['categories', 'benefit-categories-required']]);
		expect(codes(validateBenefit({ kind: 'appAccess', categories: ['Tea', 'Boats'], target: 'staff' }, GROUPS, CAT))).toEqual([['categories.1', 'benefit-category-unknown']]);
	});
});

describe('validateDateRange and validateCoupon', () => {
	const draft = (over: Partial<CouponDraft> = {}): CouponDraft => {
		const { version: _v, id: _i, createdAt: _c, updatedAt: _u, ...d } = coupon('SPRING26');
		return { ...d, ...over };
	};

	it('date ranges: both ends, real dates, end not before start (one day is fine)', () => {
		expect(validateDateRange('2026-03-01', '2026-03-01')).toEqual([]);
		expect(codes(validateDateRange('', ' '))).toEqual([['from', 'date-range-empty'], ['to', 'date-range-empty']]);
		expect(codes(validateDateRange('2026-02-30', '2026-03-01'))).toEqual([['from', 'date-range-invalid']]);
		expect(codes(validateDateRange('2026-03-02', '2026-03-01'))).toEqual([['to', 'date-range-reversed']]);
	});

	it('a valid coupon passes', () => {
		expect(validateCoupon(draft({ groups: ['club/gold'], usesPerCustomer: 1 }), [], GROUPS, null)).toEqual([]);
	});

	it('every mistake at its field', () => {
		const errors = validateCoupon(
			draft({ code: 'x!', value: { kind: 'pct', pct: 0 }, validFrom: '2026-05-01', validTo: '2026-04-01', usesPerCustomer: 0, groups: ['club/diamond'] }),
			[],
			GROUPS,
			null
		);
		expect(codes(errors)).toEqual([
			['code', 'coupon-code-invalid'],
			['value', 'coupon-value-invalid'],
			['validTo', 'date-range-reversed'],
			['usesPerCustomer', 'coupon-uses-invalid'],
			['groups.0', 'coupon-group-unknown']
		]);
		expect(messageFor(errors[2])).toBe('The end date is before the start date: swap them or choose another end');
	});

	it('codes are unique however they are typed', () => {
		const existing = [coupon('SPRING26')];
		expect(codes(validateCoupon(draft({ code: 'spring 26' }), existing, GROUPS, null))).toEqual([['code', 'coupon-code-taken']]);
		expect(validateCoupon(draft(), existing, GROUPS, 'coupon-spring26')).toEqual([]);
	});
});

describe('validatePolicy', () => {
	const benefits = [benefit('staff', { kind: 'discount', pct: 10 }), benefit('club/gold', { kind: 'pointsMultiplier', factor: 2 }), benefit('trade', { kind: 'vip' })];
	const v = (order: string[]) => validatePolicy({ version: BENEFIT_SCHEMA_VERSION, kind: 'priority', order }, GROUPS, benefits);

	it('a priority order must rank every group that gives a price or points', () => {
		expect(v(['club', 'staff'])).toEqual([]);
		const errors = v(['staff']);
		expect(errors).toEqual([{ field: 'order', code: 'policy-priority-missing', params: { group: 'Club' } }]);
		expect(messageFor(errors[0])).toBe('“Club” gives benefits but is missing from the priority order: put it in its place');
	});

	it('a group’s own discount field counts too', () => {
		const errors = validatePolicy({ version: 1, kind: 'priority', order: ['staff', 'club'] }, [staff, { ...trade, discountPct: 5 }, club], benefits);
		expect(codes(errors)).toEqual([['order', 'policy-priority-missing']]);
	});

	it('unknown and repeated groups are refused at their place', () => {
		expect(codes(v(['club', 'gone', 'staff', 'club']))).toEqual([['order.1', 'policy-priority-unknown'], ['order.3', 'policy-priority-duplicate']]);
	});

	it('other policies need no list; an unknown policy is refused', () => {
		for (const kind of ['best-price', 'newest-group', 'stack'] as const) expect(validatePolicy({ version: 1, kind }, GROUPS, benefits)).toEqual([]);
		expect(codes(validatePolicy({ version: 1, kind: 'cheapest' } as never, GROUPS, benefits))).toEqual([['kind', 'policy-invalid']]);
	});
});

describe('deleting a group benefits depend on', () => {
	const benefits = [benefit('club/gold', { kind: 'discount', pct: 7 }, 'g7'), benefit('staff', { kind: 'vip' }, 'sv')];
	const coupons = [coupon('GOLD', { groups: ['club/gold'] }), coupon('ALL')];

	it('lists what depends on it and refuses unless those go too', () => {
		expect(dependentsOf('club', benefits, coupons)).toEqual({ benefits: ['g7'], coupons: ['coupon-gold'] });
		const [e] = validateGroupDeletion(club, benefits, coupons, false);
		expect(e).toEqual({ field: 'id', code: 'benefit-group-in-use', params: { group: 'Club', count: '2' } });
		expect(messageFor(e)).toBe('2 benefits or coupons depend on “Club”: remove them with the group, or keep the group');
		expect(validateGroupDeletion(club, benefits, coupons, true)).toEqual([]);
		expect(validateGroupDeletion(trade, benefits, coupons, false)).toEqual([]);
	});
});

describe('reading stored shapes', () => {
	it('reads what this version wrote', () => {
		const b = benefit('staff', { kind: 'priceBook', name: 'P', entries: [{ match: { kind: 'brand', brand: 'Acme' }, price: { kind: 'pctOff', pct: 5 } }] });
		expect(readBenefit(JSON.parse(JSON.stringify(b)))).toEqual({ ok: true, value: b });
		expect(readCoupon(coupon('SPRING'))).toMatchObject({ ok: true });
		expect(readPolicy({ version: 1, kind: 'priority', order: ['a'] })).toMatchObject({ ok: true });
	});

	it('refuses a newer version instead of misreading it', () => {
		const newer = { ...benefit('staff', { kind: 'discount', pct: 5 }), version: BENEFIT_SCHEMA_VERSION + 1, kind: 'bogof' };
		expect(readBenefit(newer)).toEqual({ ok: false, reason: 'newer-version' });
		expect(readCoupon({ ...coupon('X'), version: 99 })).toEqual({ ok: false, reason: 'newer-version' });
		expect(readPolicy({ version: 2, kind: 'cheapest-first' })).toEqual({ ok: false, reason: 'newer-version' });
		expect(messageFor({ field: 'benefit', code: 'benefit-needs-update' })).toMatch(/newer version/);
	});

	it('refuses damaged shapes', () => {
		expect(readBenefit(null)).toEqual({ ok: false, reason: 'invalid' });
		expect(readBenefit({ ...benefit('staff', { kind: 'discount', pct: 5 }), pct: '5' })).toEqual({ ok: false, reason: 'invalid' });
		expect(readBenefit({ ...benefit('staff', { kind: 'discount', pct: 5 }), kind: 'bogof' })).toEqual({ ok: false, reason: 'invalid' });
		expect(readBenefit({ ...benefit('staff', { kind: 'discount', pct: 5 }), version: 0 })).toEqual({ ok: false, reason: 'invalid' });
		expect(readCoupon({ ...coupon('X'), value: { kind: 'pct' } })).toEqual({ ok: false, reason: 'invalid' });
		expect(readPolicy({ version: 1, kind: 'priority' })).toEqual({ ok: false, reason: 'invalid' });
	});

	it('migrates an older version step by step', () => {
		const v1 = benefit('staff', { kind: 'discount', pct: 5 });
		const r = readBenefit({ ...v1, version: 1, percent: 5, pct: undefined }, 2, { 1: ({ percent, ...rest }) => ({ ...rest, pct: percent, version: 2 }) });
		expect(r).toEqual({ ok: true, value: { ...v1, version: 2 } });
	});
});
