import { describe, expect, it } from 'vitest';
import { assemblePersonalData, exportFileName, type PersonalDataInput } from './export';
import { emptyDraft, type Customer } from '$lib/domain/customer';
import type { Sale } from '$lib/domain/sales/types';

const customer: Customer = {
	...emptyDraft('2024-03-01T09:00:00.000Z', 'main'),
	id: 'cust-1',
	updatedAt: '2026-11-20T09:00:00.000Z',
	firstName: 'Ana',
	lastName: 'Ruiz',
	email: 'ana@example.com',
	phone: '+447700900123',
	cards: ['2000012345678'],
	addresses: [{ id: 'a1', label: 'Home', line1: '1 High St', line2: '', city: 'London', region: '', postcode: 'SW1A 1AA', country: 'GB' }],
	defaultAddressId: 'a1',
	consents: { email: { status: 'withdrawn', date: '2026-11-02T10:00:00.000Z', source: 'till', recordedBy: 'Till 1' } },
	notes: 'Prefers the blue bags'
};

function sale(over: Partial<Sale>): Sale {
	return {
		id: 's1',
		receiptNo: 'R-0001',
		at: '2026-10-01T12:00:00.000Z',
		storeId: 'main',
		deviceId: 'd1',
		deviceName: 'Till 1',
		cashier: 'Sam',
		customerId: 'cust-1',
		lines: [{ itemId: 'i1', sku: 'TEE', name: 'T-shirt', brand: 'B', category: 'C', variant: 'M', qty: 2, unitPrice: 1500, unitCost: 500, discount: 0 }],
		payments: [{ method: 'card', amount: 3000 }],
		subtotal: 3000,
		discountTotal: 0,
		pointsValue: 0,
		total: 3000,
		change: 0,
		pointsRedeemed: 0,
		pointsEarned: 30,
		refundOf: null,
		currency: 'GBP',
		...over
	} as Sale;
}

const input = (): PersonalDataInput => ({
	customer,
	consentHistory: [
		{ id: 'e2', channel: 'email', status: 'withdrawn', date: '2026-11-02T10:00:00.000Z', recordedAt: '2026-11-02T10:00:00.000Z', source: 'till', by: 'Till 1' },
		{ id: 'e1', channel: 'email', status: 'granted', date: '2024-03-01T09:00:00.000Z', recordedAt: '2024-03-01T09:00:00.000Z', source: 'back-office', by: 'Office' }
	],
	sales: [sale({ id: 's2', receiptNo: 'R-0002', at: '2026-11-01T12:00:00.000Z', pointsEarned: 10 }), sale({})],
	adjustments: [{ id: 'p1', customerId: 'cust-1', points: -5, reason: 'Goodwill correction', at: '2026-11-03T10:00:00.000Z', by: 'Owner tablet' }],
	stats: null,
	groups: [{ key: 'g1', name: 'Regulars', levelName: null, since: '2025-01-01T00:00:00.000Z', manual: true }],
	membershipHistory: [{ customerId: 'cust-1', key: 'g1', change: 'joined', at: '2025-01-01T00:00:00.000Z', why: 'manual', by: 'Till 1' }],
	groupNames: { g1: 'Regulars' },
	shop: { name: 'Corner Shop', timeZone: 'Europe/London', currency: 'GBP', stores: [{ id: 'main', name: 'High Street' }] },
	exportedAt: '2026-12-01T10:02:00.000Z',
	exportedBy: 'Owner tablet'
});

describe('personal data export', () => {
	it('holds every kind of data, in order, with a points ledger that adds up', () => {
		const out = assemblePersonalData(input());
		expect(out.format).toBe('shop-crm/personal-data');
		expect(out.profile).toMatchObject({ id: 'cust-1', firstName: 'Ana', email: 'ana@example.com', phone: '+447700900123' });
		expect(out.addresses[0].postcode).toBe('SW1A 1AA');
		expect(out.cards).toEqual(['2000012345678']);
		expect(out.notes).toBe('Prefers the blue bags');
		expect(out.consents.current.email?.status).toBe('withdrawn');
		expect(out.consents.history.map((e) => e.id)).toEqual(['e2', 'e1']);
		expect(out.sales.map((s) => s.receiptNo)).toEqual(['R-0001', 'R-0002']);
		// 30 + 10 earned, −5 adjusted (no derived statistics given: computed from the ledger).
		expect(out.pointsLedger.balance).toBe(35);
		expect(out.groups.current[0]).toMatchObject({ name: 'Regulars', manual: true });
		expect(out.groups.history[0]).toMatchObject({ name: 'Regulars', change: 'joined' });
		// Round-trips as JSON (it is written to a file as is).
		expect(JSON.parse(JSON.stringify(out))).toEqual(out);
	});

	it('holds the opening balance and the records merged into this customer', () => {
		const base = input();
		const old = { ...base.customer, id: 'cust-0', firstName: 'Anna', email: 'anna@old.example', notes: 'from the old till' };
		const out = assemblePersonalData({
			...base,
			opening: { customerId: 'cust-1', spend: 123450, orders: 12, points: 300, lastOrderDate: '2026-03-01', at: '2026-11-01T09:00:00.000Z', source: 'import customers.csv' },
			mergedFrom: [{ customer: old, mergedAt: '2026-11-20T10:00:00.000Z', mergedBy: 'Owner tablet' }]
		});
		expect(out.openingBalance?.spend).toBe(123450);
		expect(out.mergedFrom.map((m) => m.customer.email)).toEqual(['anna@old.example']);
		expect(out.summary).toContain('OPENING BALANCE');
		expect(out.summary).toContain('£1,234.50 over 12 orders');
		expect(out.summary).toContain('Anna');
		expect(out.summary).toContain('anna@old.example');
		expect(out.summary).toContain('from the old till');
		// Without either, both are there and empty (the file's shape never changes).
		const plain = assemblePersonalData(base);
		expect(plain.openingBalance).toBeNull();
		expect(plain.mergedFrom).toEqual([]);
	});

	it('has a readable summary in the shop’s zone and currency', () => {
		const { summary } = assemblePersonalData(input());
		expect(summary).toContain('Personal data held by Corner Shop about Ana Ruiz');
		expect(summary).toContain('Email: ana@example.com');
		expect(summary).toContain('Home (default): 1 High St, London, SW1A 1AA, GB');
		expect(summary).toContain('email: withdrawn on 2 Nov 2026, 10:00 (till, recorded by Till 1)');
		expect(summary).toContain('1 Oct 2026, 13:00 receipt R-0001: £30.00 — 2 × T-shirt');
		expect(summary).toContain('adjustment -5: Goodwill correction (by Owner tablet)');
		expect(summary).toContain('Regulars (added by hand) since 1 Jan 2025');
		expect(summary).toContain('Prefers the blue bags');
	});

	it('names the file by id and day, never by the customer’s name', () => {
		expect(exportFileName('cust-1', '2026-12-01T10:02:00.000Z')).toBe('personal-data-cust-1-2026-12-01.json');
	});
});
