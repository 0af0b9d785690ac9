import { describe, expect, it } from 'vitest';
import { messageFor, type ErrorCode } from './errors';

describe('messageFor', () => {
	it('names the card and its owner', () => {
		expect(
			messageFor({ field: 'cards.0', code: 'card-already-assigned', params: { card: '2000012345678', ownerName: 'Jane Smith' } })
		).toBe('Card 2000012345678 already belongs to Jane Smith');
	});
	it('reads without params', () => {
		expect(messageFor({ field: 'cards.0', code: 'card-already-assigned' })).toBe(
			'This card already belongs to another customer'
		);
	});
	it('has the agreed wording for names and phones', () => {
		expect(messageFor({ field: 'firstName', code: 'name-required' })).toBe('Enter a first or last name');
		expect(messageFor({ field: 'phone', code: 'phone-invalid' })).toBe(
			'This is not a phone number we can read. Include the country code for numbers from abroad, e.g. +33 1 23 45 67 89'
		);
	});
	it('uses params for limits and lines', () => {
		expect(messageFor({ field: 'notes', code: 'field-too-long', params: { max: '5000' } })).toBe(
			'Keep this under 5000 characters'
		);
		expect(messageFor({ field: 'cards.0', code: 'card-duplicate-in-file', params: { card: 'AB12', row: '7' } })).toBe(
			'Card AB12 is also on row 7'
		);
	});
	it('has a non-empty message for every code', () => {
		const codes: ErrorCode[] = [
			'name-required', 'email-invalid', 'phone-invalid', 'birth-date-invalid', 'birth-date-future',
			'birth-date-too-old', 'card-invalid', 'card-duplicate-in-customer', 'card-already-assigned',
			'card-duplicate-in-file', 'default-address-missing', 'postcode-invalid', 'country-invalid',
			'gender-invalid', 'consent-invalid', 'store-unknown', 'registered-at-invalid', 'email-exists',
			'phone-exists', 'tag-invalid', 'field-too-long'
		];
		for (const code of codes) {
			const m = messageFor({ field: 'x', code });
			expect(m.length, code).toBeGreaterThan(10);
			expect(m, code).not.toMatch(/undefined|\$\{/);
		}
	});
	it('has the agreed wording for sales and loyalty', () => {
		expect(messageFor({ field: 'price', code: 'item-price-missing' })).toBe('This item has no price');
		expect(messageFor({ field: 'points', code: 'points-exceed-balance', params: { available: '120' } })).toBe(
			'Only 120 points available'
		);
		expect(messageFor({ field: 'lines.0', code: 'points-not-allowed', params: { name: 'Walnut loaf' } })).toBe(
			'Walnut loaf cannot be paid with points'
		);
		expect(
			messageFor({ field: 'lines.0', code: 'refund-exceeds-original', params: { name: 'Blue mug', remaining: '1' } })
		).toBe('Only 1 of Blue mug can still be refunded');
		expect(messageFor({ field: 'receiptNo', code: 'receipt-duplicate', params: { receiptNo: '1042' } })).toBe(
			'Receipt 1042 is already in this shop'
		);
		expect(messageFor({ field: 'sku', code: 'sku-duplicate' })).toBe('This SKU is already used by another item');
	});
});
