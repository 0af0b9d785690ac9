import { describe, expect, it } from 'vitest';
import { ledgerOf } from './ledger';
import type { OpeningBalance } from '../opening';
import type { PointAdjustment, Sale } from './types';

const sale = (id: string, at: string, earned: number, redeemed: number, refundOf?: string) =>
	({ id, at, receiptNo: `R-${id}`, deviceName: 'Till 1', pointsEarned: earned, pointsRedeemed: redeemed, refundOf }) as unknown as Sale;

const opening: OpeningBalance = {
	customerId: 'c1',
	at: '2026-11-01T09:00:00.000Z',
	source: 'import customers.csv',
	spend: 123450,
	orders: 12,
	points: 340,
	lastOrderDate: '2026-10-30'
};

describe('points ledger', () => {
	it('starts with the opening balance as one entry of its own, never as a sale', () => {
		const adjustment = { id: 'a1', at: '2026-11-10T10:00:00.000Z', reason: 'Goodwill', by: 'Owner', points: 50 } as PointAdjustment;
		const ledger = ledgerOf([sale('s1', '2026-11-05T12:00:00.000Z', 20, 100), sale('s0', '2026-11-02T12:00:00.000Z', 0, 0)], [adjustment], opening);
		expect(ledger.map((e) => [e.kind, e.change])).toEqual([
			['adjustment', 50],
			['sale', -80],
			['opening', 340]
		]);
		const first = ledger.at(-1)!;
		expect(first).toMatchObject({ kind: 'opening', label: 'From import customers.csv', at: opening.at, earned: 0, redeemed: 0 });
		expect(first.saleId).toBeUndefined();
		// The entries add up to the balance the statistics hold.
		expect(ledger.reduce((sum, e) => sum + e.change, 0)).toBe(310);
	});

	it('leaves out an opening balance without points, and marks refunds', () => {
		const ledger = ledgerOf([sale('r1', '2026-11-06T12:00:00.000Z', -20, 0, 's1')], [], { ...opening, points: 0 });
		expect(ledger.map((e) => e.kind)).toEqual(['refund']);
	});
});
