import { describe, expect, it } from 'vitest';
import { normalizeCode, withCode } from './coupons';

describe('coupon codes typed for a cart', () => {
	it('are normalised as typed, kept once, in the order typed; an empty entry adds nothing', () => {
		expect(normalizeCode(' spring-26 ')).toBe('SPRING26');
		let codes = withCode([], 'spring 26');
		codes = withCode(codes, 'WELCOME');
		codes = withCode(codes, 'Spring-26');
		codes = withCode(codes, '  ');
		expect(codes).toEqual(['SPRING26', 'WELCOME']);
	});

	it('never changes the list it was given', () => {
		const before = ['A1B'];
		const after = withCode(before, 'c2d');
		expect(before).toEqual(['A1B']);
		expect(after).toEqual(['A1B', 'C2D']);
	});
});
