import { describe, expect, it } from 'vitest';
import { emptyDraft, type Customer } from './customer';
import { ageOn } from './dates';
import {
	applyListQuery,
	describeFilter,
	ListQuery,
	isEmptyFilter,
	matchesFilter,
	toListRow,
	withStats,
	type CustomerFilter,
	type CustomerListRow,
	type SortSpec
} from './list';
import { Rng } from './random';

const TODAY = '2026-03-29';

function customer(overrides: Partial<Customer>): Customer {
	return { ...emptyDraft('2026-01-01T00:00:00Z'), id: 'c', updatedAt: '2026-01-01T00:00:00Z', ...overrides };
}

function row(overrides: Partial<CustomerListRow>): CustomerListRow {
	return {
		...toListRow(customer({ firstName: 'Test', lastName: 'Person' })),
		...overrides
	};
}

describe('toListRow', () => {
	it('flattens a customer, taking postcode and city from the default address', () => {
		const r = toListRow(
			customer({
				id: 'x1',
				firstName: 'José',
				lastName: 'García',
				email: 'jose@example.es',
				phone: '+447700900123',
				birthDate: '1990-03-15',
				gender: 'male',
				storeId: 'camden',
				tags: ['vip'],
				cards: ['AB1234'],
				addresses: [
					{ id: 'a', label: '', line1: '', line2: '', city: 'Madrid', region: '', postcode: '28001', country: 'ES' },
					{ id: 'b', label: '', line1: '', line2: '', city: 'London', region: '', postcode: 'SW1A 1AA', country: 'GB' }
				],
				defaultAddressId: 'b',
				consents: {
					email: { status: 'granted', date: '2026-01-01T00:00:00Z', source: 'till', recordedBy: 'till 1' },
					sms: { status: 'withdrawn', date: '2026-01-01T00:00:00Z', source: 'till', recordedBy: 'till 1' }
				}
			})
		);
		expect(r).toEqual({
			id: 'x1',
			name: 'José García',
			sortName: 'garcia jose',
			email: 'jose@example.es',
			phone: '+447700900123',
			postcode: 'SW1A 1AA',
			city: 'London',
			birthDate: '1990-03-15',
			gender: 'male',
			storeId: 'camden',
			tags: ['vip'],
			consent: { email: true, sms: false, post: false },
			registeredAt: '2026-01-01T00:00:00Z',
			cards: ['AB1234']
		});
	});
	it('leaves postcode and city empty without addresses', () => {
		const r = toListRow(customer({}));
		expect([r.postcode, r.city]).toEqual(['', '']);
	});
});

describe('isEmptyFilter', () => {
	it('treats missing and empty lists as no filter', () => {
		expect(isEmptyFilter({})).toBe(true);
		expect(isEmptyFilter({ genders: [], tags: [], consent: [], storeIds: [], birthMonths: [] })).toBe(true);
		expect(isEmptyFilter({ ageMin: 0 })).toBe(false);
		expect(isEmptyFilter({ tags: ['vip'] })).toBe(false);
	});
});

describe('matchesFilter', () => {
	const adult = row({ birthDate: '2008-03-29' }); // 18 today
	const child = row({ birthDate: '2008-03-30' }); // 17 until tomorrow
	const unknown = row({ birthDate: '' });

	it('filters by age inclusively and excludes unknown birth dates', () => {
		const f: CustomerFilter = { ageMin: 18, ageMax: 30 };
		expect(matchesFilter(adult, f, TODAY)).toBe(true);
		expect(matchesFilter(child, f, TODAY)).toBe(false);
		expect(matchesFilter(unknown, f, TODAY)).toBe(false);
		expect(matchesFilter(row({ birthDate: '1995-03-29' }), f, TODAY)).toBe(false); // 31 today
		expect(matchesFilter(row({ birthDate: '1995-03-30' }), f, TODAY)).toBe(true); // 30
		expect(matchesFilter(unknown, { ageMax: 99 }, TODAY)).toBe(false);
	});
	it('ages leap-day birthdays on 1 March', () => {
		const leap = row({ birthDate: '2008-02-29' });
		expect(matchesFilter(leap, { ageMin: 18 }, '2026-02-28')).toBe(false);
		expect(matchesFilter(leap, { ageMin: 18 }, '2026-03-01')).toBe(true);
	});
	it('agrees with ageOn for every birth date around leap days and year ends', () => {
		const births: string[] = [];
		for (const y of [1996, 2000, 2007, 2008]) {
			for (const md of ['01-01', '02-28', '02-29', '03-01', '03-29', '03-30', '12-31']) births.push(`${y}-${md}`);
		}
		for (const today of ['2026-02-28', '2026-03-01', '2026-03-29', '2028-02-29', '2026-12-31', '2027-01-01']) {
			for (const birthDate of births) {
				const age = ageOn(birthDate, today);
				if (age === null) {
					// 2007-02-29 is not a date; every other one is.
					expect(birthDate).toBe('2007-02-29');
					continue;
				}
				for (const [ageMin, ageMax] of [[18, undefined], [undefined, 18], [18, 26], [26, 30], [0, 0]] as const) {
					const expected = (ageMin === undefined || age >= ageMin) && (ageMax === undefined || age <= ageMax);
					expect(matchesFilter(row({ birthDate }), { ageMin, ageMax }, today), `${birthDate} on ${today}, ${ageMin}-${ageMax}`).toBe(expected);
				}
			}
		}
	});
	it('filters by gender, birth month and store (any of)', () => {
		const r = row({ gender: 'female', birthDate: '1990-03-15', storeId: 'camden' });
		expect(matchesFilter(r, { genders: ['female', 'other'] }, TODAY)).toBe(true);
		expect(matchesFilter(r, { genders: ['male'] }, TODAY)).toBe(false);
		expect(matchesFilter(r, { birthMonths: [3, 4] }, TODAY)).toBe(true);
		expect(matchesFilter(r, { birthMonths: [4] }, TODAY)).toBe(false);
		expect(matchesFilter(unknown, { birthMonths: [3] }, TODAY)).toBe(false);
		expect(matchesFilter(r, { storeIds: ['soho', 'camden'] }, TODAY)).toBe(true);
		expect(matchesFilter(r, { storeIds: ['soho'] }, TODAY)).toBe(false);
	});
	it('filters by consent, granted or not', () => {
		const r = row({ consent: { email: true, sms: false, post: false } });
		expect(matchesFilter(r, { consent: [{ channel: 'email', granted: true }] }, TODAY)).toBe(true);
		expect(matchesFilter(r, { consent: [{ channel: 'sms', granted: true }] }, TODAY)).toBe(false);
		expect(matchesFilter(r, { consent: [{ channel: 'sms', granted: false }, { channel: 'email', granted: true }] }, TODAY)).toBe(true);
	});
	it('requires all tags', () => {
		const r = row({ tags: ['vip', 'wholesale'] });
		expect(matchesFilter(r, { tags: ['vip'] }, TODAY)).toBe(true);
		expect(matchesFilter(r, { tags: ['VIP ', 'wholesale'] }, TODAY)).toBe(true);
		expect(matchesFilter(r, { tags: ['vip', 'staff'] }, TODAY)).toBe(false);
	});
	it('combines criteria with and', () => {
		const r = row({ gender: 'female', storeId: 'camden' });
		expect(matchesFilter(r, { genders: ['female'], storeIds: ['soho'] }, TODAY)).toBe(false);
	});
});

describe('applyListQuery', () => {
	const rows: CustomerListRow[] = [
		row({ id: '1', sortName: 'smith jane', city: 'london', phone: '+447700900001', birthDate: '1990-01-01', storeId: 'b' }),
		row({ id: '2', sortName: 'avila jose', city: '', phone: '', birthDate: '', storeId: '' }),
		row({ id: '3', sortName: 'brown amy', city: 'Édimbourg', phone: '+447700900003', birthDate: '2000-06-01', storeId: 'a' }),
		row({ id: '4', sortName: 'smith jane', city: 'Aberdeen', phone: '', birthDate: '1980-05-05', storeId: 'c' }),
		row({ id: '5', sortName: '', city: 'London', phone: '+12015550123', birthDate: '', storeId: 'a' })
	];
	const ids = (r: CustomerListRow[]) => r.map((x) => x.id);

	it('sorts by name with ties kept in input order and empties last', () => {
		expect(ids(applyListQuery(rows, {}, { key: 'name', dir: 'asc' }, TODAY))).toEqual(['2', '3', '1', '4', '5']);
		expect(ids(applyListQuery(rows, {}, { key: 'name', dir: 'desc' }, TODAY))).toEqual(['1', '4', '3', '2', '5']);
	});
	it('keeps empties last in both directions', () => {
		expect(ids(applyListQuery(rows, {}, { key: 'phone', dir: 'asc' }, TODAY))).toEqual(['5', '1', '3', '2', '4']);
		expect(ids(applyListQuery(rows, {}, { key: 'phone', dir: 'desc' }, TODAY))).toEqual(['3', '1', '5', '2', '4']);
	});
	it('sorts cities folded, so case and accents do not matter', () => {
		expect(ids(applyListQuery(rows, {}, { key: 'city', dir: 'asc' }, TODAY))).toEqual(['4', '3', '1', '5', '2']);
	});
	it('sorts by age youngest first, the reverse of birth date', () => {
		expect(ids(applyListQuery(rows, {}, { key: 'birthDate', dir: 'asc' }, TODAY))).toEqual(['4', '1', '3', '2', '5']);
		expect(ids(applyListQuery(rows, {}, { key: 'age', dir: 'asc' }, TODAY))).toEqual(['3', '1', '4', '2', '5']);
		expect(ids(applyListQuery(rows, {}, { key: 'age', dir: 'desc' }, TODAY))).toEqual(['4', '1', '3', '2', '5']);
	});
	it('sorts stores by their names', () => {
		const names = { a: 'Soho', b: 'Camden', c: 'Brixton' };
		expect(ids(applyListQuery(rows, {}, { key: 'store', dir: 'asc' }, TODAY, names))).toEqual(['4', '1', '3', '5', '2']);
		// Without names, by id.
		expect(ids(applyListQuery(rows, {}, { key: 'store', dir: 'asc' }, TODAY))).toEqual(['3', '5', '1', '4', '2']);
	});
	it('filters before sorting and does not touch its input', () => {
		const before = ids(rows);
		expect(ids(applyListQuery(rows, { storeIds: ['a'] }, { key: 'name', dir: 'asc' }, TODAY))).toEqual(['3', '5']);
		expect(ids(rows)).toEqual(before);
	});
	it('handles a large list', () => {
		const many = Array.from({ length: 20_000 }, (_, i) =>
			row({ id: String(i), sortName: `name ${(i * 7919) % 20_000}`, storeId: i % 3 === 0 ? 'a' : 'b' })
		);
		const out = applyListQuery(many, { storeIds: ['a'] }, { key: 'name', dir: 'asc' }, TODAY);
		expect(out.length).toBe(6667);
		for (let i = 1; i < out.length; i++) expect(out[i - 1].sortName <= out[i].sortName).toBe(true);
	});
});

describe('describeFilter', () => {
	const stores = { camden: 'Camden', soho: 'Soho' };
	it('describes each criterion as a chip', () => {
		expect(
			describeFilter(
				{
					ageMin: 18,
					ageMax: 30,
					genders: ['female'],
					birthMonths: [3],
					storeIds: ['camden'],
					consent: [{ channel: 'email', granted: true }, { channel: 'sms', granted: false }],
					tags: ['vip', 'staff']
				},
				stores
			)
		).toEqual(['Age 18–30', 'Female', 'Born in March', 'Store: Camden', 'Email consent', 'No SMS consent', 'Tag: vip', 'Tag: staff']);
	});
	it('joins alternatives with "or"', () => {
		expect(
			describeFilter({ genders: ['female', 'not-stated'], birthMonths: [12, 1, 2], storeIds: ['soho', 'gone'] }, stores)
		).toEqual(['Female or gender not stated', 'Born in January, February or December', 'Store: Soho or gone']);
	});
	it('describes open age ranges', () => {
		expect(describeFilter({ ageMin: 65 }, stores)).toEqual(['Age 65+']);
		expect(describeFilter({ ageMax: 17 }, stores)).toEqual(['Age up to 17']);
		expect(describeFilter({ ageMin: 40, ageMax: 40 }, stores)).toEqual(['Age 40']);
		expect(describeFilter({}, stores)).toEqual([]);
	});
});

describe('purchase statistics in the list', () => {
	const stats = (customerId: string, spend12m: number, visits: number, pointsBalance: number, lastVisit: string | null) =>
		({ customerId, totalSpend: spend12m * 2, spend12m, visits, pointsBalance, lastVisit }) as Parameters<typeof withStats>[1];
	const rows: CustomerListRow[] = [
		withStats(row({ id: '1' }), stats('1', 5000, 3, 120, '2026-03-01T10:00:00Z')),
		row({ id: '2' }),
		withStats(row({ id: '3' }), stats('3', 25000, 12, -40, '2026-03-20T10:00:00Z')),
		withStats(row({ id: '4' }), stats('4', -500, 1, 0, '2025-01-01T10:00:00Z'))
	];
	const ids = (r: CustomerListRow[]) => r.map((x) => x.id);

	it('copies the figures onto the row, and drops them when the statistics are gone', () => {
		expect(rows[0]).toMatchObject({ totalSpend: 10000, spend12m: 5000, visits: 3, pointsBalance: 120 });
		expect(withStats(rows[0], undefined)).toEqual(row({ id: '1' }));
	});
	it('filters by spend, visits and points at least, counting no statistics as zero', () => {
		expect(ids(applyListQuery(rows, { spend12mMin: 5000 }, { key: 'name', dir: 'asc' }, TODAY))).toEqual(['1', '3']);
		expect(ids(applyListQuery(rows, { visitsMin: 4 }, { key: 'name', dir: 'asc' }, TODAY))).toEqual(['3']);
		expect(ids(applyListQuery(rows, { pointsMin: 0 }, { key: 'name', dir: 'asc' }, TODAY))).toEqual(['1', '2', '4']);
		expect(isEmptyFilter({ visitsMin: 1 })).toBe(false);
	});
	it('sorts figures as numbers, negatives included, customers without statistics last', () => {
		expect(ids(applyListQuery(rows, {}, { key: 'spend12m', dir: 'desc' }, TODAY))).toEqual(['3', '1', '4', '2']);
		expect(ids(applyListQuery(rows, {}, { key: 'spend12m', dir: 'asc' }, TODAY))).toEqual(['4', '1', '3', '2']);
		expect(ids(applyListQuery(rows, {}, { key: 'visits', dir: 'desc' }, TODAY))).toEqual(['3', '1', '4', '2']);
		expect(ids(applyListQuery(rows, {}, { key: 'pointsBalance', dir: 'asc' }, TODAY))).toEqual(['3', '4', '1', '2']);
	});
	it('describes the thresholds', () => {
		expect(describeFilter({ spend12mMin: 10000, visitsMin: 5, pointsMin: 1000 }, {})).toEqual([
			'Spend (12 m) £100.00+',
			'5+ visits',
			'1,000+ points'
		]);
	});
});

describe('ListQuery', () => {
	const ids = (r: CustomerListRow[]) => r.map((x) => x.id);
	const person = (rng: Rng, id: string) =>
		toListRow({
			...emptyDraft('2026-01-01T00:00:00Z'),
			id,
			updatedAt: '',
			firstName: rng.pick(['Ann', 'Bob', 'Cy', 'Di']),
			lastName: `L${rng.int(1, 9)}`,
			phone: rng.next() < 0.5 ? `+4477009001${rng.int(10, 99)}` : '',
			gender: rng.pick(['female', 'male', 'other']),
			birthDate: rng.next() < 0.7 ? `19${rng.int(50, 99)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}` : '',
			storeId: rng.pick(['a', 'b', ''])
		});

	it('patched with noted changes, gives exactly what sorting every row gives (random changes, removals, searches)', () => {
		const rng = new Rng(7);
		const specs: [CustomerFilter, SortSpec][] = [
			[{}, { key: 'name', dir: 'asc' }],
			[{}, { key: 'phone', dir: 'desc' }],
			[{ genders: ['female', 'male'] }, { key: 'age', dir: 'asc' }],
			[{ visitsMin: 2 }, { key: 'name', dir: 'desc' }],
			[{ storeIds: ['a'] }, { key: 'spend12m', dir: 'desc' }],
			[{}, { key: 'visits', dir: 'asc' }],
			[{}, { key: 'store', dir: 'asc' }]
		];
		let checked = 0;
		let patched = 0;
		let made = 0;
		for (const [filter, sort] of specs) {
			const rows = new Map<string, CustomerListRow>();
			for (let i = 0; i < 80; i++) rows.set(`c${i}`, person(rng, `c${i}`));
			const q = new ListQuery();
			let search: Set<string> | null = null;
			for (let round = 0; round < 40; round++) {
				const changed: CustomerListRow[] = [];
				const removed: string[] = [];
				for (const r of rows.values()) {
					const roll = rng.next();
					// A sale (statistics, which may move the row under a figure sort), an edit that
					// moves it under a name sort, or a removal (a merge, an erasure).
					if (roll < 0.08) changed.push(withStats(r, { customerId: r.id, totalSpend: 0, spend12m: rng.int(0, 9) * 500, visits: rng.int(0, 5), pointsBalance: 0, lastVisit: null } as Parameters<typeof withStats>[1]));
					else if (roll < 0.12) changed.push({ ...r, sortName: `${rng.pick(['a', 'm', 'z', ''])} ${r.sortName}` });
					else if (roll < 0.14) removed.push(r.id);
				}
				// New customers (an import, another tablet).
				if (rng.next() < 0.5) for (let n = rng.int(1, 8); n > 0; n--) changed.push(person(rng, `n${made++}`));
				for (const r of changed) rows.set(r.id, r);
				for (const id of removed) rows.delete(id);
				q.note(changed, removed);
				if (round % 10 === 9) filter.visitsMin = (filter.visitsMin ?? 0) + 1; // changed in place: sorts again
				if (round % 13 === 12) search = new Set([...rows.keys()].filter(() => rng.next() < 0.5));
				const got = q.run(rows.values(), filter, sort, TODAY, {}, search);
				const full = applyListQuery([...rows.values()].filter((r) => !search || search.has(r.id)), filter, sort, TODAY);
				expect(ids(got)).toEqual(ids(full));
				// The same row objects, not copies.
				expect(got.every((r, i) => r === full[i])).toBe(true);
				checked++;
				if (changed.length + removed.length > 0) patched++;
			}
		}
		expect(checked).toBe(280);
		expect(patched).toBeGreaterThan(200);
	});

	it('patches its last answer without reading the rows again', () => {
		const rows = ['Cy', 'Ann', 'Bob'].map((firstName, i) =>
			toListRow({ ...emptyDraft('2026-01-01T00:00:00Z'), id: `c${i}`, updatedAt: '', firstName })
		);
		const q = new ListQuery();
		const first = q.run(rows, {}, { key: 'name', dir: 'asc' }, TODAY);
		expect(ids(first)).toEqual(['c1', 'c2', 'c0']);
		const cy = { ...rows[0], visits: 3 };
		const zed = { ...rows[1], id: 'c3', sortName: 'zed' };
		q.note([cy, zed], ['c2']);
		// The rows passed are not read on a patch: the noted changes are the whole story.
		const second = q.run([], {}, { key: 'name', dir: 'asc' }, TODAY);
		expect(ids(second)).toEqual(['c1', 'c0', 'c3']);
		expect(second[1]).toBe(cy);
		expect(second[0]).toBe(first[0]);
		// A new sort reads every row again.
		expect(ids(q.run(rows, {}, { key: 'name', dir: 'desc' }, TODAY))).toEqual(['c0', 'c2', 'c1']);
	});
});

describe('group filter', () => {
	const gold = row({ keys: ['regulars', 'tiers', 'tiers/gold'] });
	const none = row({});
	it('keeps customers in every chosen group or level; "all" is everyone', () => {
		expect(matchesFilter(gold, { groups: ['tiers/gold'] }, TODAY)).toBe(true);
		expect(matchesFilter(gold, { groups: ['regulars', 'tiers/gold'] }, TODAY)).toBe(true);
		expect(matchesFilter(gold, { groups: ['tiers/platinum'] }, TODAY)).toBe(false);
		expect(matchesFilter(none, { groups: ['regulars'] }, TODAY)).toBe(false);
		expect(matchesFilter(none, { groups: ['all'] }, TODAY)).toBe(true);
		expect(isEmptyFilter({ groups: [] })).toBe(true);
		expect(isEmptyFilter({ groups: ['regulars'] })).toBe(false);
	});
	it('names the group in its chip', () => {
		expect(describeFilter({ groups: ['regulars', 'gone'] }, {}, 'GBP', { regulars: 'Regulars' })).toEqual([
			'Group: Regulars',
			'Group: a deleted group'
		]);
	});
});
