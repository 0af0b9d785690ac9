import { describe, expect, it } from 'vitest';
import { saleTotals, validateSale } from './totals';
import type { Sale } from './types';

const line = (qty: number, unitPrice: number, discount = 0, points = 0) => ({
	qty,
	unitPrice,
	discount,
	pointsRedeemed: points,
	pointsValue: points
});

describe('saleTotals', () => {
	it('adds price × quantity, discounts and points, and leaves the rest to pay in money', () => {
		expect(saleTotals([line(2, 850, 170), line(1, 2500, 0, 500)])).toEqual({
			subtotal: 4200,
			discountTotal: 170,
			pointsValue: 500,
			pointsRedeemed: 500,
			total: 3530
		});
	});
	it('is zero for no lines and negative for refund lines', () => {
		expect(saleTotals([])).toEqual({ subtotal: 0, discountTotal: 0, pointsValue: 0, pointsRedeemed: 0, total: 0 });
		expect(saleTotals([line(-1, 850, -85, -100)])).toEqual({
			subtotal: -850,
			discountTotal: -85,
			pointsValue: -100,
			pointsRedeemed: -100,
			total: -665
		});
	});
	it('keeps points redeemed apart from the money they paid (a point need not be worth 1p)', () => {
		expect(saleTotals([{ qty: 1, unitPrice: 1000, discount: 0, pointsRedeemed: 200, pointsValue: 400 }])).toMatchObject({
			pointsRedeemed: 200,
			pointsValue: 400,
			total: 600
		});
	});
});

describe('validateSale', () => {
	const lines = [
		{ itemId: 'm', sku: 'M', name: 'Mug', brand: '', category: '', variant: '', qty: 2, unitPrice: 850, unitCost: 300,
			discount: 170, discountReason: 'Staff', pointsRedeemed: 0, pointsValue: 0 }
	];
	const sale: Sale = {
		id: 's1', receiptNo: 'CAM-7F3K-000001', at: '2026-11-20T12:00:00.000Z', storeId: 'camden', deviceId: '7F3K',
		deviceName: 'Till 1', cashier: 'Sam', customerId: null, lines, payments: [{ method: 'card', amount: 1530 }],
		...saleTotals(lines), change: 0, pointsEarned: 15, refundOf: null, currency: 'GBP'
	};
	it('accepts a sale whose totals are its lines’ and names each total that is not', () => {
		expect(validateSale(sale)).toEqual([]);
		expect(validateSale({ ...sale, subtotal: 1600, total: 1500 }).map((e) => [e.field, e.code])).toEqual([
			['subtotal', 'sale-totals-inconsistent'],
			['total', 'sale-totals-inconsistent']
		]);
		expect(validateSale({ ...sale, lines: [] }).map((e) => e.code)).toEqual(['cart-empty']);
	});
});
