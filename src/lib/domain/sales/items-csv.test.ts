import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv';
import { seededIds } from '../ids';
import { autoMapItems, prepareItemImport } from './items-csv';

const ctx = () => ({ currency: 'GBP', newId: seededIds(3) });

describe('autoMapItems', () => {
	it('maps headers as other systems write them', () => {
		expect(autoMapItems(['SKU', 'EAN', 'Product name', 'Brand', 'Department', 'Size', 'RRP', 'Cost price', 'Points', 'Notes'])).toEqual([
			'sku', 'barcode', 'name', 'brand', 'category', 'variant', 'price', 'cost', 'pointsPrice', null
		]);
	});
});

describe('prepareItemImport', () => {
	const text = [
		'SKU;Barcode;Name;Brand;Category;Size;Price;Cost;Redeem;Points price;Active',
		'MUG-B;5012345678900;Blue mug;Potters;Home;M;8,50;3,00;;;',
		'CND;;Fig candle;Hearth;Home;;£12.99;5.00;full;1500;yes',
		'LOAF;;Walnut loaf;Hearth;Bakery;;;1.50;;;',
		'mug-b;96385075;Red mug;Potters;Home;L;abc;;maybe;;sometimes',
		'',
		'SCF;5012345678900;Wool scarf;Nordic;Clothing;One size;25;9;partial;;no'
	].join('\r\n');

	it('imports good rows and reports each problem with its row, column and value', () => {
		const csv = parseCsv(text);
		const r = prepareItemImport(csv, autoMapItems(csv.headers), ctx());
		expect(r.valid.map((v) => [v.rowNumber, v.item.sku, v.item.price, v.item.cost, v.item.redeem, v.item.pointsPrice, v.item.active])).toEqual([
			[2, 'MUG-B', 850, 300, 'none', 0, true],
			[3, 'CND', 1299, 500, 'full', 1500, true]
		]);
		expect(r.invalidRowCount).toBe(3);
		expect(r.problems.map((p) => [p.rowNumber, p.field, p.value, p.code])).toEqual([
			[4, 'Price', '', 'item-price-missing'],
			[5, 'Price', 'abc', 'money-unreadable'],
			[5, 'Redeem', 'maybe', 'redeem-unreadable'],
			[5, 'Active', 'sometimes', 'active-unreadable'],
			[5, 'Barcode', '96385075', 'barcode-check-digit'],
			[5, 'SKU', 'mug-b', 'sku-duplicate-in-file'],
			[7, 'Points price', '', 'points-price-missing'],
			[7, 'Barcode', '5012345678900', 'barcode-duplicate-in-file']
		]);
		expect(r.problems[0].message).toBe('Walnut loaf has no price');
		expect(r.problems[5].message).toBe('SKU mug-b is also on row 2');
	});

	it('refuses SKUs and barcodes already in the catalogue', () => {
		const csv = parseCsv(text);
		const r = prepareItemImport(csv, autoMapItems(csv.headers), {
			...ctx(),
			existingSkus: new Map([['CND', { id: 'x', name: 'Old candle' }]]),
			existingBarcodes: new Map([['5012345678900', { id: 'y', name: 'Old mug' }]])
		});
		expect(r.valid).toEqual([]);
		const messages = r.problems.filter((p) => p.rowNumber <= 3).map((p) => p.message);
		expect(messages).toEqual(['Barcode 5012345678900 is already used by Old mug', 'SKU CND is already used by Old candle']);
	});
});
