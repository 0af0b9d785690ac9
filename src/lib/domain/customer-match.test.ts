import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { autoMap, prepareImport, type ImportContext, type PreparedRow } from './customer-csv';
import { seededIds } from './ids';
import { exactKey } from './search';
import {
	DEFAULT_MATCH,
	fieldChanges,
	mappedFields,
	matchRows,
	openingChange,
	planRow,
	type ExistingCustomer,
	type MatchIndex,
	type MatchOptions
} from './customer-match';
import type { CustomerDraft } from './customer';

const ctx: ImportContext = {
	defaultCountry: 'GB',
	today: '2026-12-01',
	now: '2026-12-01T10:00:00.000Z',
	stores: [],
	recordedBy: 'Import',
	newId: seededIds(7),
	currency: 'GBP'
};

function prepared(text: string) {
	const csv = parseCsv(text);
	const mapping = autoMap(csv.headers);
	return { ...prepareImport(csv, mapping, ctx), mapping };
}

/** An index as the worker reads it from the search keys: key → ids. */
function indexOf(customers: Record<string, { cards?: string[]; email?: string; phone?: string }>): MatchIndex {
	const index = new Map<string, string[]>();
	const add = (k: string, id: string) => index.set(k, [...(index.get(k) ?? []), id]);
	for (const [id, c] of Object.entries(customers)) {
		for (const card of c.cards ?? []) add(exactKey.card(card), id);
		if (c.email) add(exactKey.email(c.email), id);
		if (c.phone) add(exactKey.phone(c.phone), id);
	}
	return index;
}

const names = (id: string) => ({ A: 'Ann Archer', B: 'Ben Brook', C: 'Cat Cole' })[id] ?? id;
const header = (k: string) => ({ card: 'Card', email: 'Email', phone: 'Phone' })[k] ?? k;

function match(rows: PreparedRow[], index: MatchIndex, opts: MatchOptions = DEFAULT_MATCH) {
	return matchRows(rows, index, opts, names, header);
}

const INDEX = indexOf({
	A: { cards: ['CARD0001'], email: 'ann@example.com', phone: '+447700900001' },
	B: { email: 'ben@example.com', phone: '+447700900002' },
	C: { phone: '+447700900003' }
});

describe('matching import rows to customers', () => {
	it('card before email before phone; the first kind that finds someone decides', () => {
		// One row per file: rows of one file sharing a key would be problems of their own (below).
		const one = (line: string) => prepared('First name,Card,Email,Phone\n' + line + '\n').valid;
		const byCard = one('Ann,CARD0001,ben@example.com,07700 900003'); // card → A (email says B, phone says C)
		const byEmail = one('Ben,,ben@example.com,07700 900003'); // email → B (phone says C)
		const byPhone = one('Cat,,,07700 900003');
		const nobody = one('Dan,,dan@example.com,07700 900009');
		expect(match(byCard, INDEX).matches).toEqual([{ id: 'A', by: 'card' }]);
		expect(match(byEmail, INDEX).matches).toEqual([{ id: 'B', by: 'email' }]);
		expect(match(byPhone, INDEX).matches).toEqual([{ id: 'C', by: 'phone' }]);
		expect(match(nobody, INDEX).matches).toEqual([{ id: null, by: null }]);
		// The order can be changed: phone first now decides.
		const phoneFirst: MatchOptions = { order: ['phone', 'email', 'card'], mode: 'empty' };
		expect(match(byCard, INDEX, phoneFirst).matches).toEqual([{ id: 'C', by: 'phone' }]);
		expect(match(byEmail, INDEX, { order: ['email', 'card', 'phone'], mode: 'empty' }).matches).toEqual([{ id: 'B', by: 'email' }]);
		// A kind left out of the order is not used.
		expect(match(byPhone, INDEX, { order: ['card', 'email'], mode: 'empty' }).matches).toEqual([{ id: null, by: null }]);
	});

	it('normalises like search and validation: email case and spaces, any phone format, card spaces and case', () => {
		const { valid } = prepared('First name,Card,Email,Phone\nAnn,card 0001,,\nBen,, Ben@Example.COM ,\nCat,,,+44 (0)7700-900003\n');
		expect(valid.map((r) => r.draft.email)).toEqual(['', 'ben@example.com', '']);
		expect(match(valid, INDEX).matches.map((m) => m?.id)).toEqual(['A', 'B', 'C']);
	});

	it('rows of one file that share an email or phone are problems naming both rows; nothing of them is matched', () => {
		const { valid } = prepared('First name,Email,Phone\nAnn,ann@example.com,\nAnnie,ANN@example.com,\nEd,ed@example.com,07700 900500\nEddy,,07700900500\nZoe,zoe@example.com,\n');
		const m = match(valid, INDEX);
		expect(m.matches.map((x) => x?.id ?? (x ? 'new' : 'problem'))).toEqual(['problem', 'problem', 'problem', 'problem', 'new']);
		expect(m.problemRows).toBe(4);
		expect(m.problems.map((p) => [p.rowNumber, p.code, p.field])).toEqual([
			[2, 'import-match-in-file', 'Email'],
			[3, 'import-match-in-file', 'Email'],
			[4, 'import-match-in-file', 'Phone'],
			[5, 'import-match-in-file', 'Phone']
		]);
		expect(m.problems[0].message).toMatch(/Rows 2, 3 share the email “ann@example.com”/);
	});

	it('a row that matches two different customers is a problem, nothing guessed', () => {
		// Two existing customers share one email; and a row carries the cards of two customers.
		const index = indexOf({ A: { cards: ['CARD0001'], email: 'same@example.com' }, B: { cards: ['CARD0002'], email: 'same@example.com' } });
		const { valid } = prepared('First name,Card numbers,Email\nX,,same@example.com\nY,CARD0001;CARD0002,\n');
		const m = match(valid, index);
		expect(m.matches).toEqual([null, null]);
		expect(m.problems.map((p) => [p.rowNumber, p.code])).toEqual([
			[2, 'import-match-ambiguous'],
			[3, 'import-match-ambiguous']
		]);
		expect(m.problems[0].message).toMatch(/matches two different customers \(Ann Archer by email same@example\.com, Ben Brook by email same@example\.com\)/);
		// Where a card decides first, the shared email does not matter.
		const byCard = prepared('First name,Card numbers,Email\nZ,CARD0001,same@example.com\n').valid;
		expect(match(byCard, index).matches).toEqual([{ id: 'A', by: 'card' }]);
	});
});

describe('what a matched row changes', () => {
	const file =
		'First Name,Last Name,Email,Accepts Email Marketing,Address1,City,Zip,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Tags,Note\n' +
		'Ann,Archer,ann@example.com,yes,1 High St,Leeds,LS1 1AA,07700 900001,no,"1,234.50",12,vip,Likes blue\n';

	function existingFrom(text: string): ExistingCustomer {
		const { valid } = prepared(text);
		return { draft: valid[0].draft, opening: valid[0].opening ?? null };
	}

	it('maps Shopify’s layout, opening balance included', () => {
		const { valid, mapping, problems } = prepared(file);
		expect(problems).toEqual([]);
		expect(mapping).toEqual(['firstName', 'lastName', 'email', 'consentEmail', 'line1', 'city', 'postcode', 'phone', 'consentSms',
			'totalSpent', 'totalOrders', 'tags', 'notes']);
		expect(valid[0].opening).toEqual({ spend: 123_450, orders: 12, points: 0, lastOrderDate: '' });
	});

	it('the same row again changes nothing in any mode (consents and addresses compared by content)', () => {
		const { valid, mapping } = prepared(file);
		// The customer as the first import made them: a different address id, consents dated then.
		const first = existingFrom(file);
		first.draft = { ...first.draft, addresses: first.draft.addresses.map((a) => ({ ...a, id: 'other-id' })), defaultAddressId: 'other-id',
			consents: { email: { ...first.draft.consents.email!, date: '2026-01-01T00:00:00.000Z' }, sms: { ...first.draft.consents.sms!, date: '2026-01-01T00:00:00.000Z' } },
			registeredAt: '2026-01-01T00:00:00.000Z' };
		const mapped = mappedFields(mapping);
		for (const mode of ['empty', 'overwrite', 'skip'] as const) {
			expect(planRow(valid[0], { id: 'A', by: 'email' }, first, mapped, mode)).toEqual({ kind: 'unchanged', id: 'A' });
		}
	});

	it('empty fields only fills what is empty; overwrite replaces with the file’s non-empty values; skip changes nothing', () => {
		const { valid, mapping } = prepared(file);
		const mapped = mappedFields(mapping);
		const current: CustomerDraft = { ...existingFrom(file).draft, notes: '', lastName: 'Archer-Smith', tags: [], addresses: [], defaultAddressId: null };
		const empty = fieldChanges(current, valid[0].draft, mapped, 'empty');
		expect(Object.keys(empty).sort()).toEqual(['addresses', 'defaultAddressId', 'notes', 'tags']);
		const over = fieldChanges(current, valid[0].draft, mapped, 'overwrite');
		expect(Object.keys(over).sort()).toEqual(['addresses', 'defaultAddressId', 'lastName', 'notes', 'tags']);
		expect(over.lastName).toBe('Archer');
		expect(fieldChanges(current, valid[0].draft, mapped, 'skip')).toEqual({});
		// An empty cell never erases, and a column the file lacks is never looked at.
		const noNote = prepared(file.replace('Likes blue', '')).valid[0].draft;
		expect(fieldChanges({ ...current, notes: 'Keep me' }, noNote, mapped, 'overwrite').notes).toBeUndefined();
		expect(mapped.has('registeredAt')).toBe(false);
		expect(mapped.has('birthDate')).toBe(false);
	});

	it('an opening balance is written for a customer without one, replaced only by overwrite, never under skip', () => {
		const o = { spend: 100, orders: 1, points: 0, lastOrderDate: '' };
		expect(openingChange(null, o, 'empty')).toEqual(o);
		expect(openingChange(o, { ...o, spend: 200 }, 'empty')).toBeNull();
		expect(openingChange(o, { ...o, spend: 200 }, 'overwrite')).toEqual({ ...o, spend: 200 });
		expect(openingChange(o, { ...o }, 'overwrite')).toBeNull();
		expect(openingChange(null, o, 'skip')).toBeNull();
		expect(openingChange(o, undefined, 'overwrite')).toBeNull();
	});

	it('reports unreadable opening figures against their column, leaving the row out', () => {
		const { problems, valid } = prepared(
			'First name,Total Spent,Total Orders,Points,Last order date\nA,abc,1,,\nB,-5,,,\nC,,1.5,,\nD,,,-3,\nE,,,,2027-01-01\nF,,,,31/02/2026\nG,£10.00,2,15,2026-11-30\n'
		);
		expect(problems.map((p) => [p.rowNumber, p.field, p.code])).toEqual([
			[2, 'Total Spent', 'money-unreadable'],
			[3, 'Total Spent', 'opening-spend-negative'],
			[4, 'Total Orders', 'opening-orders-invalid'],
			[5, 'Points', 'opening-points-invalid'],
			[6, 'Last order date', 'opening-date-future'],
			[7, 'Last order date', 'opening-date-invalid']
		]);
		expect(valid.map((r) => r.opening)).toEqual([{ spend: 1000, orders: 2, points: 15, lastOrderDate: '2026-11-30' }]);
	});
});
