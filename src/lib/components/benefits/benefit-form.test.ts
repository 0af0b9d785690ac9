import { describe, expect, it } from 'vitest';
import { benefit, tiers } from '$lib/domain/benefits/factories';
import { catalogueOf, validateBenefit } from '$lib/domain/benefits/validate';
import type { BenefitValue } from '$lib/domain/benefits/types';
import { emptyEntry, emptyForm, errorsOn, fromForm, mergeErrors, readDecimal, readWhole, toForm, unplacedErrors } from './benefit-form';

const club = tiers();
const items = [
	{ id: 'mug', name: 'Mug', brand: 'Acme', category: 'Home', price: 1000 },
	{ id: 'tea', name: 'Tea', brand: 'Leaf', category: 'Tea', price: 400 }
];
const cat = catalogueOf(items);

describe('reading typed numbers', () => {
	it('reads percentages and factors as people type them', () => {
		expect(readDecimal('7')).toBe(7);
		expect(readDecimal(' 12,5 ')).toBe(12.5);
		expect(readDecimal('7 %')).toBe(7);
		expect(readDecimal('1.5×')).toBe(1.5);
		expect(readDecimal('.5')).toBe(0.5);
		expect(readDecimal('-3')).toBe(-3);
		expect(readDecimal('')).toBeNaN();
		expect(readDecimal('seven')).toBeNaN();
		expect(readDecimal('1.2.3')).toBeNaN();
	});
	it('reads whole numbers with group separators', () => {
		expect(readWhole('500')).toBe(500);
		expect(readWhole('1,000')).toBe(1000);
		expect(readWhole('1 000')).toBe(1000);
		expect(readWhole('2.5')).toBeNaN();
		expect(readWhole('')).toBeNaN();
	});
});

describe('draft ↔ form', () => {
	const values: BenefitValue[] = [
		{ kind: 'discount', pct: 7 },
		{ kind: 'discount', pct: 12.5 },
		{
			kind: 'priceBook',
			name: 'Staff prices',
			entries: [
				{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 850 } },
				{ match: { kind: 'brand', brand: 'Acme' }, price: { kind: 'pctOff', pct: 10 } },
				{ match: { kind: 'category', category: 'Tea' }, price: { kind: 'amountOff', amount: 50 } },
				{ match: { kind: 'item', itemId: 'tea' }, price: { kind: 'fixed', amount: 0 } }
			]
		},
		{ kind: 'pointsMultiplier', factor: 1.5 },
		{ kind: 'redemptionLimit', points: 500, period: 'week' },
		{ kind: 'loyalty', enabled: false },
		{ kind: 'appAccess', categories: ['Home', 'Tea'] },
		{ kind: 'vip' }
	];
	for (const v of values) {
		it(`round-trips ${v.kind} ${JSON.stringify(v).slice(0, 60)}`, () => {
			const { draft, errors } = fromForm(toForm({ ...v, target: 'club/gold' }, 'GBP'), 'GBP');
			expect(errors).toEqual([]);
			expect(draft).toEqual({ ...v, target: 'club/gold' });
		});
	}

	it('takes a stored benefit (with id and dates) and gives back only the draft', () => {
		const b = benefit('club', { kind: 'discount', pct: 7 });
		expect(fromForm(toForm(b, 'GBP'), 'GBP').draft).toEqual({ kind: 'discount', pct: 7, target: 'club' });
	});

	it('reads money in the shop currency, as typed', () => {
		const f = emptyForm('club', 'priceBook');
		f.name = ' Staff ';
		f.entries = [{ ...emptyEntry('item'), itemId: 'mug', price: 'fixed', amount: '£8.50' }];
		expect(fromForm(f, 'GBP').draft).toEqual({
			kind: 'priceBook',
			name: 'Staff',
			target: 'club',
			entries: [{ match: { kind: 'item', itemId: 'mug' }, price: { kind: 'fixed', amount: 850 } }]
		});
		const yen = { ...f, entries: [{ ...f.entries[0], amount: '850' }] };
		expect(fromForm(yen, 'JPY').draft).toMatchObject({ entries: [{ price: { kind: 'fixed', amount: 850 } }] });
	});

	it('reports money it cannot read at the entry, and validation reports the NaN too', () => {
		const f = emptyForm('club', 'priceBook');
		f.name = 'Staff';
		f.entries = [
			{ ...emptyEntry('item'), itemId: 'mug', price: 'pctOff', pct: '5' },
			{ ...emptyEntry('item'), itemId: 'tea', price: 'amountOff', amount: 'ten' }
		];
		const { draft, errors } = fromForm(f, 'GBP');
		expect(errors).toEqual([{ field: 'entries.1.price', code: 'money-unreadable', params: { value: 'ten' } }]);
		const checked = validateBenefit(draft, [club], cat, 'GBP');
		expect(checked.map((e) => e.field)).toEqual(['entries.1.price']);
		const merged = mergeErrors(errors, checked);
		expect(merged).toHaveLength(1);
		expect(merged[0].code).toBe('money-unreadable');
	});

	it('lets validation refuse 120 % and an empty percentage at the pct field', () => {
		const f = { ...emptyForm('club/gold'), pct: '120' };
		expect(validateBenefit(fromForm(f, 'GBP').draft, [club], cat).map((e) => [e.field, e.code])).toEqual([['pct', 'benefit-pct-invalid']]);
		const empty = emptyForm('club/gold');
		expect(validateBenefit(fromForm(empty, 'GBP').draft, [club], cat).map((e) => e.field)).toEqual(['pct']);
	});

	it('drops the fields of other kinds when the kind changes', () => {
		const f = { ...emptyForm('club'), pct: '7', factor: '2', kind: 'pointsMultiplier' as const };
		expect(fromForm(f, 'GBP').draft).toEqual({ kind: 'pointsMultiplier', factor: 2, target: 'club' });
	});
});

describe('where errors go', () => {
	it('finds errors on a field and below it', () => {
		const errors = [
			{ field: 'entries', code: 'benefit-price-book-empty' as const },
			{ field: 'entries.3.price', code: 'benefit-pct-invalid' as const },
			{ field: 'name', code: 'benefit-price-book-name-required' as const }
		];
		expect(errorsOn(errors, 'entries')).toHaveLength(1);
		expect(errorsOn(errors, 'entries', true)).toHaveLength(2);
		expect(errorsOn(errors, 'entries.3.price')).toHaveLength(1);
	});
	it('lists errors the form has no field for', () => {
		const f = emptyForm('club', 'discount');
		const errors = [
			{ field: 'pct', code: 'benefit-pct-invalid' as const },
			{ field: 'target', code: 'benefit-target-unknown' as const },
			{ field: 'factor', code: 'benefit-multiplier-invalid' as const }
		];
		expect(unplacedErrors(errors, f).map((e) => e.field)).toEqual(['factor']);
	});
});
