import { describe, expect, it } from 'vitest';
import { coupon } from '$lib/domain/benefits/factories';
import { couponDraft, couponForm, couponStatus, emptyCouponForm, validityWords, valueWords } from './coupon-form';

describe('coupon form', () => {
	it('reads money and percentages as typed, and an empty uses field as unlimited', () => {
		const f = { ...emptyCouponForm('2026-03-01'), code: 'spring', validTo: '2026-03-31' };
		expect(couponDraft({ ...f, valueKind: 'amount', value: '5.50', uses: '' }, 'GBP')).toMatchObject({
			value: { kind: 'amount', amount: 550 },
			usesPerCustomer: null,
			validFrom: '2026-03-01'
		});
		expect(couponDraft({ ...f, valueKind: 'pct', value: '12,5', uses: '2' }, 'GBP')).toMatchObject({ value: { kind: 'pct', pct: 12.5 }, usesPerCustomer: 2 });
		const bad = couponDraft({ ...f, valueKind: 'amount', value: 'lots', uses: '1.5' }, 'GBP');
		expect(bad.value).toEqual({ kind: 'amount', amount: NaN });
		expect(bad.usesPerCustomer).toBeNaN();
		expect(couponDraft({ ...f, valueKind: 'pct', value: '' }, 'GBP').value).toEqual({ kind: 'pct', pct: NaN });
		expect(couponDraft({ ...f, valueKind: 'amount', value: ' ' }, 'GBP').value).toEqual({ kind: 'amount', amount: NaN });
	});

	it('round-trips a stored coupon and says it in words', () => {
		const c = coupon('SPRING', { value: { kind: 'amount', amount: 500 }, validFrom: '2026-03-01', validTo: '2026-03-31', usesPerCustomer: null });
		const f = couponForm(c, 'GBP');
		expect(f).toMatchObject({ value: '5.00', uses: '', valueKind: 'amount' });
		expect(couponDraft(f, 'GBP')).toMatchObject({ value: c.value, usesPerCustomer: null });
		expect(valueWords(c, 'GBP')).toBe('£5.00 off');
		expect(validityWords(c)).toBe('1 Mar 2026 – 31 Mar 2026');
		expect(['2026-02-28', '2026-03-01', '2026-03-31', '2026-04-01'].map((d) => couponStatus(c, d))).toEqual(['upcoming', 'active', 'active', 'ended']);
	});
});
