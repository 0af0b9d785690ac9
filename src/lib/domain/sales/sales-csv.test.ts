import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv';
import { seededIds } from '../ids';
import { autoMapSales, parseSaleDateTime, prepareSalesImport, type CustomerKey } from './sales-csv';
import { DEFAULT_LOYALTY, type Item } from './types';

const candle: Item = {
	id: 'item-candle', sku: 'CND', barcode: '', name: 'Fig candle', brand: 'Hearth', category: 'Home', variant: '',
	price: 1299, cost: 500, redeem: 'full', pointsPrice: 1500, active: true
};

function ctx(over = {}) {
	const lookups: CustomerKey[] = [];
	return {
		lookups,
		ctx: {
			findCustomer: (k: CustomerKey) => {
				lookups.push(k);
				return k.card === '2000012345678' ? 'cust-jane' : k.phone === '+447700900123' ? 'cust-sam' : null;
			},
			existingReceiptNos: new Set(['900']),
			itemsBySku: new Map([['CND', candle]]),
			defaultCountry: 'GB',
			timeZone: 'Europe/London',
			stores: [{ id: 'camden', name: 'Camden' }, { id: 'leeds', name: 'Leeds' }],
			currency: 'GBP',
			newId: seededIds(5),
			...over
		}
	};
}

describe('parseSaleDateTime', () => {
	it('reads local times in the shop’s zone and instants with their offset', () => {
		expect(parseSaleDateTime('01/07/2024 14:05', '', 'GB', 'Europe/London')).toBe('2024-07-01T13:05:00.000Z');
		expect(parseSaleDateTime('2024-01-15', '09:30', 'GB', 'Europe/London')).toBe('2024-01-15T09:30:00.000Z');
		expect(parseSaleDateTime('07/01/2024 2:05', '', 'US', 'America/New_York')).toBe('2024-07-01T06:05:00.000Z');
		expect(parseSaleDateTime('2024-07-01T14:05:00+02:00', '', 'GB', 'Europe/London')).toBe('2024-07-01T12:05:00.000Z');
		expect(parseSaleDateTime('15/01/2024', '', 'GB', 'Europe/London')).toBe('2024-01-15T00:00:00.000Z');
		// 01:30 on the last Sunday of March does not exist in London: it is read as after the change.
		expect(parseSaleDateTime('2024-03-31 01:30', '', 'GB', 'Europe/London')).toBe('2024-03-31T01:30:00.000Z');
		expect(parseSaleDateTime('yesterday', '', 'GB', 'Europe/London')).toBeNull();
		expect(parseSaleDateTime('31/02/2024 10:00', '', 'GB', 'Europe/London')).toBeNull();
		expect(parseSaleDateTime('2024-01-15', '25:00', 'GB', 'Europe/London')).toBeNull();
	});
});

describe('prepareSalesImport', () => {
	const text = [
		'Receipt,Date,Store,Card,Phone,SKU,Item,Brand,Size,Qty,Price,Discount,Discount reason,Payment',
		'1041,01/07/2024 14:05,Camden,2000012345678,,CND,,,,2,,1.00,Summer,Card',
		'1041,,,,,MUG-B,Blue mug,Potters,M,1,8.50,,,',
		'1042,02/07/2024 10:00,Leeds,,07700 900123,CND,,,,1,,,,cash',
		'1043,02/07/2024 11:00,Leeds,,,,Gift bag,,,1,,,,',
		'1043,02/07/2024 11:00,Leeds,,,CND,,,,0,,,,',
		'1044,03/07/2024 12:00,Leeds,9999,,CND,,,,-1,,,,',
		'900,01/01/2024 09:00,Camden,,,CND,,,,1,,,,',
		',01/01/2024 09:00,Camden,,,CND,,,,1,,,,',
		'1045,soon,Paris,,,CND,,,,1,,,,',
		'1046,04/07/2024 12:00,Camden,,,CND,,,,1,,,,',
		'1046,05/07/2024 12:00,Camden,,,CND,,,,1,,,,'
	].join('\n');

	it('groups rows into sales, fills in from the catalogue and matches customers', () => {
		const csv = parseCsv(text);
		const { ctx: c, lookups } = ctx({ loyalty: DEFAULT_LOYALTY });
		const r = prepareSalesImport(csv, autoMapSales(csv.headers), c);
		expect(r.sales.map((s) => s.receiptNo)).toEqual(['1041', '1042', '1044']);
		const [a, b, ret] = r.sales;
		expect(a.at).toBe('2024-07-01T13:05:00.000Z');
		expect(a.customerId).toBe('cust-jane');
		expect(a.storeId).toBe('camden');
		expect(a.lines.map((l) => [l.itemId, l.name, l.qty, l.unitPrice, l.unitCost, l.discount, l.discountReason])).toEqual([
			['item-candle', 'Fig candle', 2, 1299, 500, 100, 'Summer'],
			['', 'Blue mug', 1, 850, 0, 0, '']
		]);
		expect(a.subtotal).toBe(2 * 1299 + 850);
		expect(a.total).toBe(2 * 1299 + 850 - 100);
		expect(a.payments).toEqual([{ method: 'card', amount: a.total }]);
		expect(a.pointsEarned).toBe(33);
		expect(b.customerId).toBe('cust-sam');
		expect(b.payments[0].method).toBe('cash');
		expect(lookups).toContainEqual({ phone: '+447700900123' });
		// A return: negative line, money and points go back; the card matched nobody.
		expect(ret.total).toBe(-1299);
		expect(ret.pointsEarned).toBe(-12);
		expect(ret.customerId).toBeNull();
		expect(r.unmatched).toEqual([{ rowNumber: 7, receiptNo: '1044', key: { card: '9999' } }]);
	});

	it('reports every problem with its row, and leaves out a receipt whole', () => {
		const csv = parseCsv(text);
		const r = prepareSalesImport(csv, autoMapSales(csv.headers), ctx().ctx);
		expect(r.problems.map((p) => [p.rowNumber, p.field, p.value, p.code])).toEqual([
			[5, 'Price', '', 'item-price-missing'],
			[6, 'Qty', '0', 'qty-unreadable'],
			[8, 'Receipt', '900', 'receipt-duplicate'],
			[9, 'Receipt', '', 'receipt-missing'],
			[10, 'Date', 'soon', 'sale-date-unreadable'],
			[10, 'Store', 'Paris', 'store-unknown'],
			[12, 'Date', '2024-07-05T11:00:00.000Z', 'receipt-inconsistent'],
			[11, 'Receipt', '1046', 'receipt-incomplete']
		].sort((x, y) => (x[0] as number) - (y[0] as number)));
		const message = (code: string) => r.problems.find((p) => p.code === code)!.message;
		expect(message('receipt-duplicate')).toBe('Receipt 900 is already in this shop');
		expect(message('item-price-missing')).toBe('Gift bag has no price');
		expect(message('receipt-incomplete')).toBe('Left out with the rest of receipt 1046, because row 12 has a problem');
		expect(message('receipt-inconsistent')).toBe('Rows of receipt 1046 disagree on the date and time (see row 11)');
		// Without loyalty rules, imported history earns no points.
		expect(r.sales[0].pointsEarned).toBe(0);
	});
});

describe('sales of customers with an opening balance', () => {
	it('are left out on or before the balance’s day (it already counts them), imported after it', () => {
		const text = [
			'Receipt,Date,Card,SKU,Qty',
			'2001,01/07/2024 14:05,2000012345678,CND,1',
			'2002,02/07/2024 23:30,2000012345678,CND,1',
			'2003,03/07/2024 00:30,2000012345678,CND,1'
		].join('\n');
		const csv = parseCsv(text);
		const { ctx: c } = ctx({ coveredUntil: (id: string) => (id === 'cust-jane' ? '2024-07-02' : null) });
		const r = prepareSalesImport(csv, autoMapSales(csv.headers), c);
		expect(r.covered).toEqual([
			{ rowNumber: 2, receiptNo: '2001', customerId: 'cust-jane', until: '2024-07-02' },
			// 23:30 London time is still the 2nd (22:30 UTC).
			{ rowNumber: 3, receiptNo: '2002', customerId: 'cust-jane', until: '2024-07-02' }
		]);
		expect(r.sales.map((s) => s.receiptNo)).toEqual(['2003']);
		expect(r.problems).toEqual([]);
	});
});
