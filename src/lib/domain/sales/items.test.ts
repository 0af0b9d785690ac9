import { describe, expect, it } from 'vitest';
import { messageFor } from '../errors';
import { seededIds } from '../ids';
import { barcodeProblem, formatMoney, parseMoney, skuKey, validateItem, type ItemDraft } from './items';

function draft(over: Partial<ItemDraft> = {}): ItemDraft {
	return {
		sku: 'MUG-B', barcode: '', name: 'Blue mug', brand: 'Potters', category: 'Home', variant: 'M',
		price: 850, cost: 300, redeem: 'none', pointsPrice: 0, active: true, ...over
	};
}

const ctx = { newId: seededIds(1) };

describe('parseMoney', () => {
	it.each([
		['12.50', 1250], ['12,50', 1250], ['£12.50', 1250], ['1 234,50', 123450], ['1,234.50', 123450],
		['1.234,50', 123450], ['12', 1200], ['12.5', 1250], ['0.99', 99], ['€ 3,20', 320], ['12.50 GBP', 1250],
		['-3.00', -300], ['£-3.00', -300], ['(4.10)', -410], ['1,234', 123400], ['1.234.567', 123456700],
		['1\u00a0234,5', 123450], ['0', 0], [' 7.05 ', 705]
	])('reads %s as %i', (text, minor) => {
		expect(parseMoney(text)).toBe(minor);
	});
	it.each(['', 'abc', '12abc', '12.345.6', '1.2.3', '12.505,', '1,23,4', '£', '--3', '12.9999', '1.234,567', '3 oranges'])(
		'refuses %s',
		(text) => {
			expect(parseMoney(text)).toBeNull();
		}
	);
	it('follows the currency’s minor units', () => {
		expect(parseMoney('1,234', 'JPY')).toBe(1234);
		expect(parseMoney('12.5', 'JPY')).toBeNull();
		expect(parseMoney('1.250', 'KWD')).toBe(1250);
		expect(parseMoney('12.50 EUR', 'EUR')).toBe(1250);
		expect(parseMoney('12.50 EUR', 'GBP')).toBeNull();
	});
	it('is never a float', () => {
		expect(parseMoney('0.29')).toBe(29);
		expect(parseMoney('1.15')).toBe(115);
		expect(Number.isInteger(parseMoney('4.35'))).toBe(true);
	});
});

describe('formatMoney', () => {
	it('formats minor units for the locale', () => {
		expect(formatMoney(1250, 'GBP')).toBe('£12.50');
		expect(formatMoney(-300, 'GBP')).toBe('-£3.00');
		expect(formatMoney(123450, 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
		expect(formatMoney(1234, 'JPY', 'en-GB')).toBe('JP¥1,234');
	});
	it('reads back what it writes', () => {
		for (const n of [0, 1, 99, 1250, 123456]) expect(parseMoney(formatMoney(n, 'GBP'))).toBe(n);
	});
});

describe('barcodes', () => {
	it('checks the GS1 check digit of 8, 12 and 13 digits', () => {
		expect(barcodeProblem('5012345678900')).toBeNull(); // EAN-13
		expect(barcodeProblem('5012345678901')).toBe('barcode-check-digit');
		expect(barcodeProblem('036000291452')).toBeNull(); // UPC-A
		expect(barcodeProblem('036000291453')).toBe('barcode-check-digit');
		expect(barcodeProblem('96385074')).toBeNull(); // EAN-8
		expect(barcodeProblem('96385075')).toBe('barcode-check-digit');
	});
	it('accepts shop-made codes and refuses other text', () => {
		expect(barcodeProblem('SHOP0042')).toBeNull();
		expect(barcodeProblem('123456789')).toBeNull();
		expect(barcodeProblem('12 34')).toBe('barcode-invalid');
		expect(barcodeProblem('abc')).toBe('barcode-invalid');
		expect(barcodeProblem('x'.repeat(33))).toBe('barcode-invalid');
	});
});

describe('validateItem', () => {
	it('accepts a complete item and tidies it', () => {
		const { item, errors } = validateItem(draft({ name: '  Blue   mug ', barcode: '5012 3456 78900' }), ctx);
		expect(errors).toEqual([]);
		expect(item.name).toBe('Blue mug');
		expect(item.barcode).toBe('5012345678900');
		expect(item.id).toMatch(/^[a-z2-7]{16}$/);
	});
	it('refuses an item without a price, with the agreed words', () => {
		const { errors } = validateItem(draft({ price: 0, name: '' }), ctx);
		expect(errors.map((e) => e.code)).toEqual(['item-name-required', 'item-price-missing']);
		expect(messageFor(errors[1])).toBe('This item has no price');
		expect(messageFor(validateItem(draft({ price: NaN }), ctx).errors[0])).toBe('Blue mug has no price');
	});
	it('refuses fractional or negative money', () => {
		expect(validateItem(draft({ price: 12.5 }), ctx).errors.map((e) => e.code)).toEqual(['price-invalid']);
		expect(validateItem(draft({ price: -100 }), ctx).errors.map((e) => e.code)).toEqual(['price-invalid']);
		expect(validateItem(draft({ cost: -1 }), ctx).errors.map((e) => e.code)).toEqual(['cost-invalid']);
	});
	it('needs a SKU that no other item has', () => {
		const existingSkus = new Map([[skuKey('mug-b'), { id: 'other', name: 'Red mug' }]]);
		expect(validateItem(draft({ sku: ' ' }), ctx).errors.map((e) => e.code)).toEqual(['sku-required']);
		const dup = validateItem(draft({ sku: 'mug-b ' }), { ...ctx, existingSkus }).errors;
		expect(messageFor(dup[0])).toBe('SKU mug-b is already used by Red mug');
		// Saving the item that owns the SKU is not a duplicate.
		expect(validateItem(draft({ id: 'other' }), { ...ctx, existingSkus }).errors).toEqual([]);
	});
	it('needs a barcode that no other item has', () => {
		const existingBarcodes = new Map([['96385074', { id: 'other', name: 'Red mug' }]]);
		const e = validateItem(draft({ barcode: '96385074' }), { ...ctx, existingBarcodes }).errors;
		expect(e.map((x) => x.code)).toEqual(['barcode-duplicate']);
	});
	it('keeps points pricing consistent with the redeem option', () => {
		expect(validateItem(draft({ redeem: 'full', pointsPrice: 0 }), ctx).errors.map((e) => e.code)).toEqual([
			'points-price-missing'
		]);
		expect(validateItem(draft({ redeem: 'partial', pointsPrice: 850 }), ctx).errors).toEqual([]);
		expect(validateItem(draft({ redeem: 'none', pointsPrice: 500 }), ctx).item.pointsPrice).toBe(0);
	});
});
