import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import {
	autoMap,
	customersToCsv,
	IMPORT_FIELDS,
	parseConsentCell,
	parseDateCell,
	parseGenderCell,
	prepareImport,
	type ImportContext
} from './customer-csv';
import type { Customer } from './customer';
import { seededIds } from './ids';

const STORES = [
	{ id: 'camden', name: 'Camden' },
	{ id: 'brighton', name: 'Brighton Pier' }
];
const NOW = '2025-06-01T10:00:00.000Z';

function ctx(over: Partial<ImportContext> = {}): ImportContext {
	return {
		defaultCountry: 'GB',
		today: '2025-06-01',
		now: NOW,
		stores: STORES,
		recordedBy: 'Import by Sam',
		newId: seededIds(1),
		...over
	};
}

function importText(text: string, over: Partial<ImportContext> = {}) {
	const csv = parseCsv(text);
	return prepareImport(csv, autoMap(csv.headers), ctx(over));
}

describe('autoMap', () => {
	it('maps common headers from several systems and languages', () => {
		expect(autoMap(['Prénom', 'NACHNAME', 'E-Mail', 'Mobile', 'D.O.B.', 'Loyalty Card', 'Post Code', 'Whatever'])).toEqual(
			['firstName', 'lastName', 'email', 'phone', 'birthDate', 'cards', 'postcode', null]
		);
		expect(autoMap(['Given Name', 'Family Name', 'Email Address', 'Phone Number', 'Birthday', 'Memo'])).toEqual([
			'firstName',
			'lastName',
			'email',
			'phone',
			'birthDate',
			'notes'
		]);
	});

	it('strips decorations like "Default Address" and lets an exact header win', () => {
		expect(
			autoMap(['First Name', 'Default Address Address1', 'Default Address Zip', 'Default Address Phone', 'Phone', 'Accepts Email Marketing'])
		).toEqual(['firstName', 'line1', 'postcode', null, 'phone', 'consentEmail']);
	});

	it('maps each field at most once', () => {
		expect(autoMap(['Email', 'e-mail', 'Name'])).toEqual(['email', null, 'fullName']);
	});

	it('has folded, unambiguous synonyms', () => {
		const seen = new Map<string, string>();
		for (const f of IMPORT_FIELDS) {
			expect(autoMap([f.label])).toEqual([f.field]);
			for (const s of f.synonyms) {
				const mapped = autoMap([s])[0];
				// A synonym listed twice would silently go to the first field.
				expect(mapped, `synonym ${s}`).toBe(f.field);
				expect(seen.has(s), `duplicate synonym ${s}`).toBe(false);
				seen.set(s, f.field);
			}
		}
	});
});

describe('cell readers', () => {
	it('reads dates in ISO, UK and German forms and refuses two-digit years and impossible dates', () => {
		expect(parseDateCell('1985-03-21', 'GB')).toEqual({ ok: true, ymd: '1985-03-21' });
		expect(parseDateCell('1985-3-1 00:00:00', 'GB')).toEqual({ ok: true, ymd: '1985-03-01' });
		// Shopify and ISO timestamps with a zone: the date as written.
		expect(parseDateCell('2024-03-05 10:22:11 +0000', 'GB')).toEqual({ ok: true, ymd: '2024-03-05' });
		expect(parseDateCell('2024-03-05T23:30:00-05:00', 'GB')).toEqual({ ok: true, ymd: '2024-03-05' });
		expect(parseDateCell('2024-03-05T10:22:11Z', 'GB')).toEqual({ ok: true, ymd: '2024-03-05' });
		expect(parseDateCell('2024-03-05 10:22 +01', 'GB')).toEqual({ ok: false });
		expect(parseDateCell('21/03/1985', 'GB')).toEqual({ ok: true, ymd: '1985-03-21' });
		expect(parseDateCell('1.3.1985', 'DE')).toEqual({ ok: true, ymd: '1985-03-01' });
		expect(parseDateCell('03/04/1985', 'GB')).toEqual({ ok: true, ymd: '1985-04-03' });
		expect(parseDateCell('03/04/1985', 'US')).toEqual({ ok: true, ymd: '1985-03-04' });
		expect(parseDateCell('03.04.1985', 'US')).toEqual({ ok: true, ymd: '1985-04-03' });
		expect(parseDateCell('03/21/1985', 'GB')).toEqual({ ok: false });
		expect(parseDateCell('21/3/85', 'GB')).toEqual({ ok: false });
		expect(parseDateCell('29/02/2001', 'GB')).toEqual({ ok: false });
		expect(parseDateCell('29/02/2000', 'GB')).toEqual({ ok: true, ymd: '2000-02-29' });
		expect(parseDateCell('March 1985', 'GB')).toEqual({ ok: false });
	});

	it('reads genders and consents generously but refuses what it cannot read', () => {
		expect(['F', 'female', 'Woman', 'w', 'Frau'].map(parseGenderCell)).toEqual(Array(5).fill('female'));
		expect(['M', 'male', 'man', 'Herr'].map(parseGenderCell)).toEqual(Array(4).fill('male'));
		expect(['other', 'Diverse', 'X'].map(parseGenderCell)).toEqual(Array(3).fill('other'));
		expect(['', 'unknown', 'Prefer not to say'].map(parseGenderCell)).toEqual(Array(3).fill('not-stated'));
		expect(parseGenderCell('banana')).toBeNull();
		expect(['yes', 'Y', 'TRUE', '1', 'granted', 'opt-in'].map(parseConsentCell)).toEqual(Array(6).fill('granted'));
		expect(['no', 'n', 'false', '0', 'withdrawn', 'Opt-out'].map(parseConsentCell)).toEqual(Array(6).fill('withdrawn'));
		expect(parseConsentCell('')).toBe('none');
		expect(parseConsentCell('maybe')).toBeNull();
	});
});

describe('prepareImport', () => {
	it('turns a full row into a normalised draft', () => {
		const text = [
			'First name;Last name;Email;Phone;DOB;Gender;Card;Address;City;Postcode;Country;Tags;Notes;Store;Email consent;SMS consent',
			'Zoë;O\'Brien;ZOE@Example.COM;07700 900123;21/03/1985;f;2000-0000-0001 | abc12345;1 High St;London;nw18ab;United Kingdom;VIP, Local;Likes tea;brighton pier;yes;no'
		].join('\r\n');
		const r = importText(text);
		expect(r.problems).toEqual([]);
		expect(r.valid).toHaveLength(1);
		const { rowNumber, draft } = r.valid[0];
		expect(rowNumber).toBe(2);
		expect(draft).toMatchObject({
			firstName: 'Zoë',
			lastName: "O'Brien",
			email: 'zoe@example.com',
			phone: '+447700900123',
			birthDate: '1985-03-21',
			gender: 'female',
			cards: ['200000000001', 'ABC12345'],
			tags: ['vip', 'local'],
			notes: 'Likes tea',
			storeId: 'brighton',
			registeredAt: NOW,
			consents: {
				email: { status: 'granted', date: NOW, source: 'import', recordedBy: 'Import by Sam' },
				sms: { status: 'withdrawn', date: NOW, source: 'import', recordedBy: 'Import by Sam' }
			}
		});
		expect(draft.consents.post).toBeUndefined();
		expect(draft.addresses).toEqual([
			{ id: draft.defaultAddressId, label: '', line1: '1 High St', line2: '', city: 'London', region: '', postcode: 'NW1 8AB', country: 'GB' }
		]);
	});

	it('splits a full name on the last space when first and last names are not mapped', () => {
		const r = importText('Name,Email\nMary Ann Smith,\nCher,\n');
		expect(r.valid.map((v) => [v.draft.firstName, v.draft.lastName])).toEqual([
			['Mary Ann', 'Smith'],
			['Cher', '']
		]);
	});

	it('reports problems with spreadsheet row numbers, the column header and the value, and leaves those rows out', () => {
		const text = [
			'Name,E-Mail,Birthday,Sex,Store,SMS consent,Registered',
			'Ann Lee,ann@example.com,1990-01-01,f,Camden,yes,2024-01-02',
			'',
			'Bob Roe,not-an-email,21/3/85,banana,Paris,maybe,yesterday',
			'Cy Doe,cy@example.com,2030-01-01,,,,'
		].join('\n');
		const r = importText(text);
		expect(r.valid.map((v) => v.rowNumber)).toEqual([2]);
		expect(r.valid[0].draft.registeredAt).toBe('2024-01-02T00:00:00.000Z');
		expect(r.invalidRowCount).toBe(2);
		const byRow = (n: number) => r.problems.filter((p) => p.rowNumber === n).map((p) => [p.field, p.value, p.code]);
		expect(byRow(4)).toEqual(
			expect.arrayContaining([
				['E-Mail', 'not-an-email', 'email-invalid'],
				['Birthday', '21/3/85', 'date-unreadable'],
				['Sex', 'banana', 'gender-unreadable'],
				['Store', 'Paris', 'store-unknown'],
				['SMS consent', 'maybe', 'consent-unreadable'],
				['Registered', 'yesterday', 'date-unreadable']
			])
		);
		expect(byRow(4)).toHaveLength(6);
		expect(byRow(5)).toEqual([['Birthday', '2030-01-01', 'birth-date-future']]);
		const twoDigit = r.problems.find((p) => p.code === 'date-unreadable' && p.field === 'Birthday');
		expect(twoDigit?.message).toMatch(/two-digit year/);
		expect(r.problems.find((p) => p.code === 'email-invalid')?.message).toMatch(/email address/);
		expect(r.problems.find((p) => p.code === 'store-unknown')?.message).toContain('Camden, Brighton Pier');
	});

	it('names the column for errors found by validation', () => {
		const r = importText('Vorname,Nachname,Postleitzahl,Ort,Karte,Tel\n,,XYZ,Leeds,ab,12\n');
		const got = r.problems.map((p) => [p.field, p.value, p.code]);
		expect(got).toEqual(
			expect.arrayContaining([
				['Vorname', '', 'name-required'],
				['Postleitzahl', 'XYZ', 'postcode-invalid'],
				['Karte', 'AB', 'card-invalid'],
				['Tel', '12', 'phone-invalid']
			])
		);
		expect(r.invalidRowCount).toBe(1);
	});

	it('flags cards repeated across rows on the second and later rows', () => {
		const text = 'Name,Card\nA One,111111\nB Two,222222\nC Three,111 111;333333\nD Four,111111\n';
		const r = importText(text);
		expect(r.valid.map((v) => v.rowNumber)).toEqual([2, 3]);
		expect(r.problems.map((p) => [p.rowNumber, p.code, p.message])).toEqual([
			[4, 'card-duplicate-in-file', 'Card 111111 is also on row 2'],
			[5, 'card-duplicate-in-file', 'Card 111111 is also on row 2']
		]);
	});

	it('skips empty rows silently and reports rows with nothing in the mapped columns', () => {
		const csv = parseCsv('Name,Ignored\nAnn Lee,x\n,\n,something\n');
		const r = prepareImport(csv, ['fullName', null], ctx());
		expect(r.valid).toHaveLength(1);
		expect(r.problems.map((p) => [p.rowNumber, p.code])).toEqual([[4, 'row-empty']]);
	});

	it('undoes the export formula guard and reads ISO instants', () => {
		const r = importText("Name,Notes,Registered at\nAnn Lee,'=1+1,2024-05-06T07:08:09+01:00\n");
		expect(r.valid[0].draft.notes).toBe('=1+1');
		expect(r.valid[0].draft.registeredAt).toBe('2024-05-06T06:08:09.000Z');
	});

	it('reads US dates only for US shops', () => {
		const text = 'Name,DOB\nAnn Lee,12/25/1980\n';
		expect(importText(text, { defaultCountry: 'US' }).valid[0].draft.birthDate).toBe('1980-12-25');
		expect(importText(text).problems.map((p) => p.code)).toEqual(['date-unreadable']);
	});

	it('handles 20,000 rows', () => {
		const lines = ['First name,Last name,Email,Phone,Card'];
		for (let i = 0; i < 20_000; i++) {
			lines.push(`Ann${i},Lee,ann${i}@example.com,07700 ${String(900000 + (i % 1000))},${String(1_000_000 + i)}`);
		}
		const r = importText(lines.join('\n'));
		expect(r.valid).toHaveLength(20_000);
		expect(r.problems).toEqual([]);
	});
});

describe('customersToCsv', () => {
	const base: Customer = {
		id: 'aaaaaaaaaaaaaaaa',
		firstName: 'Søren',
		lastName: 'Müller-García',
		email: 'soren@example.org',
		phone: '+447700900456',
		birthDate: '1970-12-31',
		gender: 'male',
		addresses: [
			{ id: 'a1', label: 'Work', line1: '9 Side St', line2: '', city: 'Leeds', region: '', postcode: 'LS1 4DY', country: 'GB' },
			{ id: 'a2', label: 'Home', line1: '1 Sea Rd, Flat 2', line2: 'Hove', city: 'Brighton', region: 'East Sussex', postcode: 'BN1 1AA', country: 'GB' }
		],
		defaultAddressId: 'a2',
		cards: ['2000000000017', 'ABC12345'],
		consents: {
			email: { status: 'granted', date: '2024-01-01T00:00:00.000Z', source: 'till', recordedBy: 'Till 1' },
			post: { status: 'withdrawn', date: '2024-01-01T00:00:00.000Z', source: 'online', recordedBy: 'web' }
		},
		tags: ['vip', 'local'],
		notes: '=HYPERLINK("x")\nsecond line',
		storeId: 'brighton',
		registeredAt: '2023-04-05T06:07:08.000Z',
		updatedAt: '2024-01-01T00:00:00.000Z'
	};
	const plain: Customer = {
		...base,
		id: 'bbbbbbbbbbbbbbbb',
		firstName: 'Ann',
		lastName: '',
		email: '',
		phone: '+33123456789',
		birthDate: '',
		gender: 'not-stated',
		addresses: [],
		defaultAddressId: null,
		cards: [],
		consents: {},
		tags: [],
		notes: '',
		storeId: ''
	};

	it('writes the documented columns, with phones in the shop’s format and the default address', () => {
		const csv = parseCsv(customersToCsv([base, plain], STORES, 'GB'));
		expect(csv.headers).toEqual([
			'First name', 'Last name', 'Email', 'Phone', 'Date of birth', 'Gender', 'Card numbers', 'Address line 1',
			'Address line 2', 'City', 'Region', 'Postcode', 'Country', 'Tags', 'Notes', 'Store', 'Registered at',
			'Email consent', 'SMS consent', 'Post consent'
		]);
		expect(csv.rows[0]).toEqual([
			'Søren', 'Müller-García', 'soren@example.org', '07700 900456', '1970-12-31', 'Male', '2000000000017;ABC12345',
			'1 Sea Rd, Flat 2', 'Hove', 'Brighton', 'East Sussex', 'BN1 1AA', 'GB', 'vip;local',
			'\'=HYPERLINK("x")\nsecond line', 'Brighton Pier', '2023-04-05T06:07:08.000Z', 'Yes', '', 'No'
		]);
		expect(csv.rows[1][3]).toBe('+33 1 23 45 67 89');
	});

	it('round-trips through parseCsv, autoMap and prepareImport', () => {
		const text = customersToCsv([base, plain], STORES, 'GB');
		const csv = parseCsv(text);
		const mapping = autoMap(csv.headers);
		expect(mapping).not.toContain(null);
		const r = prepareImport(csv, mapping, ctx());
		expect(r.problems).toEqual([]);
		const [a, b] = r.valid.map((v) => v.draft);
		const { id: _id, updatedAt: _u, consents: _c, ...rest } = base;
		expect({ ...a, consents: {}, addresses: [], defaultAddressId: null }).toEqual({
			...rest,
			consents: {},
			addresses: [],
			defaultAddressId: null
		});
		expect(a.addresses).toEqual([{ ...base.addresses[1], id: a.defaultAddressId, label: '' }]);
		expect(a.consents.email?.status).toBe('granted');
		expect(a.consents.post?.status).toBe('withdrawn');
		expect(a.consents.sms).toBeUndefined();
		expect(b).toMatchObject({ firstName: 'Ann', phone: '+33123456789', gender: 'not-stated', addresses: [], consents: {} });
	});
});
