import { describe, expect, it } from 'vitest';
import { deviceCode, parseReceiptNumber, receiptLines, receiptNumber, RECEIPT_WIDTH, storeCode } from './receipt';
import type { Sale } from './types';

const sale: Sale = {
	id: 's1', receiptNo: 'CAM-7F3K-000123', at: '2025-07-01T11:30:00.000Z', storeId: 'camden', deviceId: 'd1',
	deviceName: 'Till 2', cashier: 'Sam', customerId: 'c1',
	lines: [
		{ itemId: 'mug', sku: 'MUG-B', name: 'Blue mug', brand: 'Potters', category: 'Home', variant: 'M', qty: 2, unitPrice: 850,
			unitCost: 300, discount: 170, discountReason: 'Staff 10%', pointsRedeemed: 0, pointsValue: 0 },
		{ itemId: 'scarf', sku: 'SCF', name: 'Extra long merino wool scarf with tassels', brand: 'Nordic', category: 'Clothing',
			variant: 'One size', qty: 1, unitPrice: 2500, unitCost: 900, discount: 0, discountReason: '', pointsRedeemed: 500, pointsValue: 500 }
	],
	payments: [{ method: 'card', amount: 1030 }, { method: 'cash', amount: 3000 }, { method: 'points', amount: 500 }],
	subtotal: 4200, discountTotal: 170, pointsValue: 500, total: 3530, change: 500,
	pointsRedeemed: 500, pointsEarned: 35, refundOf: null, currency: 'GBP'
};

const shop = { shopName: 'Hearth & Home', storeName: 'Camden', currency: 'GBP', timeZone: 'Europe/London' };

describe('receipt numbers', () => {
	it('are store, device and a padded sequence, and read back', () => {
		expect(receiptNumber('CAM', '7F3K', 123)).toBe('CAM-7F3K-000123');
		expect(receiptNumber('CAM', '7F3K', 1234567)).toBe('CAM-7F3K-1234567');
		expect(parseReceiptNumber(' cam-7f3k-000123 ')).toEqual({ storeCode: 'CAM', deviceCode: '7F3K', seq: 123 });
		expect(parseReceiptNumber('1042')).toBeNull();
		expect(storeCode('camden')).toBe('CAM');
		expect(storeCode('Saint-Étienne')).toBe('SAI');
		expect(storeCode('')).toBe('STR');
	});
	it('take a stable device code from the device id, avoiding codes already taken', () => {
		const a = deviceCode('k3j5h2m4n6p7q2r3');
		expect(a).toMatch(/^[A-HJ-NP-Z2-9]{4}$/);
		expect(deviceCode('k3j5h2m4n6p7q2r3')).toBe(a);
		const b = deviceCode('k3j5h2m4n6p7q2r3', new Set([a]));
		expect(b).not.toBe(a);
		// 20 tablets of a chain get 20 different codes.
		const codes = new Set(Array.from({ length: 20 }, (_, i) => deviceCode(`device-${i}`)));
		expect(codes.size).toBe(20);
	});
});

describe('receiptLines', () => {
	it('prints the sale in 42 columns with the time in the shop’s zone', () => {
		const lines = receiptLines(sale, shop, { name: 'Jane Smith', pointsBalance: 420 });
		for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(RECEIPT_WIDTH);
		expect(lines).toEqual([
			'              Hearth & Home',
			'                  Camden',
			'------------------------------------------',
			'Blue mug M',
			'  2 x £8.50                         £17.00',
			'  Staff 10%                         -£1.70',
			'Extra long merino wool scarf with tassels',
			'One size                            £25.00',
			'  Paid with 500 points              -£5.00',
			'------------------------------------------',
			'Subtotal                            £42.00',
			'Discounts                           -£1.70',
			'Points                              -£5.00',
			'TOTAL                               £35.30',
			'Card                                £10.30',
			'Cash                                £30.00',
			'Change                               £5.00',
			'------------------------------------------',
			'Customer: Jane Smith',
			'Points earned                           35',
			'Points used                            500',
			'Points balance                         420',
			'------------------------------------------',
			'Receipt                    CAM-7F3K-000123',
			// 11:30 UTC is 12:30 in London in July.
			'01/07/2025, 12:30                   Till 2',
			'Served by Sam'
		]);
	});

	it('prints a refund as one, with the original receipt', () => {
		const refund: Sale = {
			...sale, id: 'r1', receiptNo: 'CAM-7F3K-000130', refundOf: 's1', refundOfReceipt: 'CAM-7F3K-000123', customerId: null,
			lines: [{ ...sale.lines[0], qty: -1, discount: -85, refundOfLine: 0 }],
			payments: [{ method: 'card', amount: -765 }], subtotal: -850, discountTotal: -85, pointsValue: 0, total: -765,
			change: 0, pointsRedeemed: 0, pointsEarned: -7
		};
		const lines = receiptLines(refund, shop);
		for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(RECEIPT_WIDTH);
		expect(lines.slice(2, 15)).toEqual([
			'',
			'                  REFUND',
			'        of receipt CAM-7F3K-000123',
			'------------------------------------------',
			'Blue mug M',
			'  -1 x £8.50                        -£8.50',
			'  Staff 10%                          £0.85',
			'------------------------------------------',
			'Subtotal                            -£8.50',
			'Discounts                            £0.85',
			'TOTAL REFUNDED                       £7.65',
			'Card                                -£7.65',
			'------------------------------------------'
		]);
		expect(lines).toContain('Points taken back                        7');
	});
});
