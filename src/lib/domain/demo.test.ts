import { describe, expect, it } from 'vitest';
import { isValidPhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DEMO_STORES, DEMO_TAGS, ean13CheckDigit, generateCustomers } from './demo';
import { validateCustomer } from './validate';
import { parseCsv } from './csv';
import { autoMap, customersToCsv, prepareImport } from './customer-csv';
import { seededIds } from './ids';

const NOW = '2025-06-01T12:00:00.000Z';
const opts = { seed: 1234, count: 2000, now: NOW, stores: DEMO_STORES };

describe('ean13CheckDigit', () => {
	it('matches known barcodes', () => {
		expect(ean13CheckDigit('400638133393')).toBe(1); // 4006381333931
		expect(ean13CheckDigit('501234567890')).toBe(0); // 5012345678900
		expect(ean13CheckDigit('978030640615')).toBe(7); // ISBN 978-0-306-40615-7
	});
});

describe('generateCustomers', () => {
	const drafts = generateCustomers(opts);

	it('is identical for the same seed and different for another', () => {
		expect(generateCustomers(opts)).toEqual(drafts);
		expect(generateCustomers({ ...opts, seed: 1235 })[0]).not.toEqual(drafts[0]);
		// A longer run starts with the same customers, so small and large demos agree.
		expect(generateCustomers({ ...opts, count: 10 })).toEqual(drafts.slice(0, 10));
	});

	it('passes validation and is already in stored form', () => {
		const storeIds = DEMO_STORES.map((s) => s.id);
		for (const d of drafts) {
			const r = validateCustomer(d, { defaultCountry: 'GB', today: '2025-06-01', storeIds });
			expect(r.errors, JSON.stringify(d)).toEqual([]);
			expect(r.draft).toEqual(d);
		}
	});

	it('makes phones, emails, cards and address ids unique, in the promised shapes', () => {
		const phones = drafts.map((d) => d.phone).filter(Boolean);
		const emails = drafts.map((d) => d.email).filter(Boolean);
		const cards = drafts.flatMap((d) => d.cards);
		const addressIds = drafts.flatMap((d) => d.addresses.map((a) => a.id));
		// Each list must hold something, or the checks below would pass over nothing.
		expect([phones.length > 1000, emails.length, cards.length, addressIds.length].every(Boolean)).toBe(true);
		for (const list of [phones, emails, cards, addressIds]) expect(new Set(list).size).toBe(list.length);
		expect(phones.slice(0, 1000).every((p) => /^\+447700900\d{3}$/.test(p))).toBe(true);
		for (const p of phones.slice(1000)) {
			expect(p).toMatch(/^\+447[4-9]\d{8}$/);
			expect(isValidPhoneNumber(p), p).toBe(true);
			expect(parsePhoneNumberFromString(p)?.country).toBe('GB');
		}
		for (const e of emails) expect(e).toMatch(/^[a-z._]+\d+@example\.(com|org|net)$/);
		for (const c of cards) {
			expect(c).toMatch(/^20\d{11}$/);
			expect(Number(c[12])).toBe(ean13CheckDigit(c.slice(0, 12)));
		}
	});

	it('has the promised mix', () => {
		const share = (f: (d: (typeof drafts)[number]) => boolean) => drafts.filter(f).length / drafts.length;
		expect(share((d) => d.phone !== '')).toBeCloseTo(0.9, 1);
		expect(share((d) => d.email !== '')).toBeCloseTo(0.8, 1);
		expect(share((d) => d.birthDate !== '')).toBeCloseTo(0.85, 1);
		expect(share((d) => d.cards.length === 1)).toBeCloseTo(0.7, 1);
		expect(share((d) => d.tags.length > 0)).toBeCloseTo(0.3, 1);
		expect(share((d) => d.notes !== '')).toBeGreaterThan(0.02);
		expect(share((d) => d.notes !== '')).toBeLessThan(0.08);
		expect(share((d) => d.gender === 'female')).toBeGreaterThan(0.35);
		expect(share((d) => d.gender === 'male')).toBeGreaterThan(0.35);
		expect(share((d) => d.addresses.length === 2)).toBeGreaterThan(0.05);
		expect(drafts.some((d) => /[^\x00-\x7f]/.test(d.firstName + d.lastName))).toBe(true);
		expect(drafts.some((d) => d.lastName === "O'Brien")).toBe(true);
		expect(new Set(drafts.map((d) => d.storeId))).toEqual(new Set(DEMO_STORES.map((s) => s.id)));
		expect(drafts.some((d) => d.tags.length > 0)).toBe(true);
		for (const d of drafts) for (const t of d.tags) expect(DEMO_TAGS).toContain(t);
	});

	it('keeps dates in range and before now', () => {
		const fiveYearsAgo = new Date(Date.parse(NOW) - 5 * 366 * 24 * 3600 * 1000).toISOString();
		expect(drafts.filter((d) => d.birthDate).length).toBeGreaterThan(drafts.length / 2);
		expect(drafts.some((d) => Object.keys(d.consents).length > 0)).toBe(true);
		for (const d of drafts) {
			expect(d.registeredAt < NOW && d.registeredAt > fiveYearsAgo).toBe(true);
			// No birth date at all is allowed; a birth date is always in range.
			expect(d.birthDate === '' || (d.birthDate >= '1940-01-01' && d.birthDate <= '2008-12-31')).toBe(true);
			for (const c of Object.values(d.consents)) {
				expect(c.date >= d.registeredAt && c.date <= NOW).toBe(true);
				expect(['till', 'back-office', 'online']).toContain(c.source);
			}
		}
	});

	it('puts most addresses in the store’s area', () => {
		const leeds = drafts.filter((d) => d.storeId === 'leeds').flatMap((d) => d.addresses);
		const local = leeds.filter((a) => a.postcode.startsWith('LS')).length / leeds.length;
		expect(local).toBeGreaterThan(0.7);
		expect(local).toBeLessThan(0.9);
	});

	it('honours recordedBy, custom stores and no stores', () => {
		const custom = generateCustomers({ ...opts, count: 200, stores: [{ id: 'x1', name: 'Market stall' }], recordedBy: 'Demo' });
		expect(new Set(custom.map((d) => d.storeId))).toEqual(new Set(['x1']));
		expect(custom.flatMap((d) => Object.values(d.consents)).every((c) => c.recordedBy === 'Demo')).toBe(true);
		expect(generateCustomers({ ...opts, count: 5, stores: [] }).every((d) => d.storeId === '')).toBe(true);
	});

	it('round-trips through CSV export and import', () => {
		const customers = drafts.slice(0, 300).map((d, i) => ({ ...d, id: `id${i}`, updatedAt: NOW }));
		const csv = parseCsv(customersToCsv(customers, DEMO_STORES, 'GB'));
		const r = prepareImport(csv, autoMap(csv.headers), {
			defaultCountry: 'GB',
			today: '2025-06-01',
			now: NOW,
			stores: DEMO_STORES,
			recordedBy: 'x',
			newId: seededIds(3)
		});
		expect(r.problems).toEqual([]);
		expect(r.valid).toHaveLength(300);
		r.valid.forEach(({ draft }, i) => {
			const original = drafts[i];
			const strip = (d: typeof draft) => ({ ...d, addresses: [], defaultAddressId: null, consents: {} });
			expect(strip(draft)).toEqual(strip(original));
			const def = original.addresses[0];
			expect(draft.addresses).toEqual(def ? [{ ...def, id: draft.defaultAddressId, label: '' }] : []);
			for (const ch of ['email', 'sms', 'post'] as const) {
				expect(draft.consents[ch]?.status).toBe(original.consents[ch]?.status);
			}
		});
	});
});
