import { describe, expect, it } from 'vitest';
import { saleTotals } from './totals';

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
