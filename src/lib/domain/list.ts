// The customer list in memory: one flat row per customer, filtered and sorted in plain JS.
// At 100,000 rows a filter-and-sort takes tens of milliseconds, fast enough to redo when a
// filter or sort changes without keeping an index per sort column.
import {
	CONSENT_CHANNELS,
	defaultAddress,
	fullName,
	type ConsentChannel,
	type Customer,
	type Gender
} from './customer';
import { yearsBefore } from './dates';
import { sortName } from './search';
import { fold } from './text';
import { formatMoney } from './sales/items';
import type { CustomerStats } from './sales/stats';

export interface CustomerListRow {
	id: string;
	name: string;
	sortName: string;
	email: string;
	phone: string;
	postcode: string;
	city: string;
	birthDate: string;
	gender: Gender;
	storeId: string;
	tags: string[];
	/** true when the channel's consent is currently granted. */
	consent: Record<ConsentChannel, boolean>;
	registeredAt: string;
	cards: string[];
	// Purchase statistics, absent for a customer who has bought nothing on any tablet yet.
	/** Minor units. */
	totalSpend?: number;
	spend12m?: number;
	visits?: number;
	/** ISO instant. */
	lastVisit?: string | null;
	pointsBalance?: number;
	/** Derived membership keys (groups, `${groupId}/${levelId}` for tier levels and RFM segments); absent for none. */
	keys?: string[];
}

/** The row with the customer's purchase statistics (or without any, when they have none). */
export function withStats(row: CustomerListRow, stats: CustomerStats | undefined): CustomerListRow {
	const { totalSpend: _t, spend12m: _s, visits: _v, lastVisit: _l, pointsBalance: _p, ...base } = row;
	if (!stats) return base;
	return {
		...base,
		totalSpend: stats.totalSpend,
		spend12m: stats.spend12m,
		visits: stats.visits,
		lastVisit: stats.lastVisit,
		pointsBalance: stats.pointsBalance
	};
}

export function toListRow(c: Customer): CustomerListRow {
	const address = defaultAddress(c);
	const consent = {} as Record<ConsentChannel, boolean>;
	for (const ch of CONSENT_CHANNELS) consent[ch] = c.consents[ch]?.status === 'granted';
	return {
		id: c.id,
		name: fullName(c),
		sortName: sortName(c),
		email: c.email,
		phone: c.phone,
		postcode: address?.postcode ?? '',
		city: address?.city ?? '',
		birthDate: c.birthDate,
		gender: c.gender,
		storeId: c.storeId,
		tags: c.tags,
		consent,
		registeredAt: c.registeredAt,
		cards: c.cards
	};
}

export interface CustomerFilter {
	ageMin?: number;
	ageMax?: number;
	genders?: Gender[];
	birthMonths?: number[];
	storeIds?: string[];
	consent?: { channel: ConsentChannel; granted: boolean }[];
	/** The customer has all of them. */
	tags?: string[];
	/** Minor units spent over the last 12 months, at least. */
	spend12mMin?: number;
	visitsMin?: number;
	pointsMin?: number;
	/** Membership keys (a group id, or `${groupId}/${levelId}`): the customer is in every one. 'all' is everyone. */
	groups?: string[];
}

const isSet = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n);
const hasItems = <T>(a: readonly T[] | undefined): a is readonly T[] => a !== undefined && a.length > 0;

export function isEmptyFilter(f: CustomerFilter): boolean {
	return (
		!isSet(f.ageMin) &&
		!isSet(f.ageMax) &&
		!hasItems(f.genders) &&
		!hasItems(f.birthMonths) &&
		!hasItems(f.storeIds) &&
		!hasItems(f.consent) &&
		!hasItems(f.tags) &&
		!isSet(f.spend12mMin) &&
		!isSet(f.visitsMin) &&
		!isSet(f.pointsMin) &&
		!hasItems(f.groups)
	);
}

// Built once per query so the per-row work is a handful of comparisons.
function compileFilter(f: CustomerFilter, today: string): (row: CustomerListRow) => boolean {
	const tests: ((row: CustomerListRow) => boolean)[] = [];
	const { ageMin, ageMax } = f;
	if (isSet(ageMin) || isSet(ageMax)) {
		// Age bounds become birth-date bounds, so each row costs two string comparisons:
		// age >= n exactly when born on or before the same month-day n years ago (which also
		// ages 29 February birthdays on 1 March, like ageOn).
		const latest = isSet(ageMin) ? yearsBefore(today, ageMin) : today;
		const earliestExcluded = isSet(ageMax) ? yearsBefore(today, ageMax + 1) : '';
		tests.push((row) => row.birthDate.length === 10 && row.birthDate <= latest && row.birthDate > earliestExcluded);
	}
	if (hasItems(f.genders)) {
		const genders = new Set<string>(f.genders);
		tests.push((row) => genders.has(row.gender));
	}
	if (hasItems(f.birthMonths)) {
		const months = new Set(f.birthMonths);
		tests.push((row) => row.birthDate.length === 10 && months.has(Number(row.birthDate.slice(5, 7))));
	}
	if (hasItems(f.storeIds)) {
		const stores = new Set(f.storeIds);
		tests.push((row) => stores.has(row.storeId));
	}
	if (hasItems(f.consent)) {
		const wanted = f.consent;
		tests.push((row) => wanted.every((w) => row.consent[w.channel] === w.granted));
	}
	if (hasItems(f.tags)) {
		const tags = f.tags.map((t) => t.trim().toLowerCase());
		tests.push((row) => tags.every((t) => row.tags.includes(t)));
	}
	// A customer without statistics has bought nothing: 0 spent, 0 visits, 0 points.
	const { spend12mMin, visitsMin, pointsMin } = f;
	if (isSet(spend12mMin)) tests.push((row) => (row.spend12m ?? 0) >= spend12mMin);
	if (isSet(visitsMin)) tests.push((row) => (row.visits ?? 0) >= visitsMin);
	if (isSet(pointsMin)) tests.push((row) => (row.pointsBalance ?? 0) >= pointsMin);
	if (hasItems(f.groups)) {
		// "All customers" is implied for everyone and never stored as a key.
		const wanted = f.groups.filter((k) => k !== ALL_KEY);
		if (wanted.length) tests.push((row) => !!row.keys && wanted.every((k) => row.keys!.includes(k)));
	}
	return (row) => tests.every((t) => t(row));
}

/** The built-in "All customers" group's key (ALL_CUSTOMERS_ID in domain/groups/types). */
const ALL_KEY = 'all';

export function matchesFilter(row: CustomerListRow, f: CustomerFilter, today: string): boolean {
	return compileFilter(f, today)(row);
}

export type SortKey =
	| 'name'
	| 'email'
	| 'phone'
	| 'postcode'
	| 'city'
	| 'birthDate'
	| 'age'
	| 'store'
	| 'registeredAt'
	| 'spend12m'
	| 'visits'
	| 'pointsBalance'
	| 'lastVisit';

/** Figures people look at biggest first: a first tap on their column sorts descending. */
export const DESCENDING_FIRST: ReadonlySet<SortKey> = new Set(['spend12m', 'visits', 'pointsBalance', 'lastVisit']);

/**
 * A number as a string that sorts like the number (the sort compares strings); '' for no value.
 * Offset so negatives (refunds, negative balances) stay in order; amounts are far below 1e15.
 */
function numberKey(n: number | undefined): string {
	return n === undefined ? '' : String(Math.round(n) + 1e15).padStart(17, '0');
}
export interface SortSpec {
	key: SortKey;
	dir: 'asc' | 'desc';
}

function sortKeyOf(key: SortKey, storeNames: Record<string, string>): (row: CustomerListRow) => string {
	// fold() is the costly step; cities and stores repeat, so fold each distinct value once.
	const folded = new Map<string, string>();
	const memoFold = (s: string) => {
		let f = folded.get(s);
		if (f === undefined) folded.set(s, (f = fold(s)));
		return f;
	};
	switch (key) {
		case 'name':
			return (r) => r.sortName;
		case 'email':
			return (r) => r.email;
		case 'phone':
			return (r) => r.phone;
		case 'postcode':
			return (r) => r.postcode;
		case 'city':
			return (r) => memoFold(r.city);
		case 'birthDate':
		case 'age':
			return (r) => r.birthDate;
		case 'store':
			return (r) => (r.storeId ? memoFold(storeNames[r.storeId] ?? r.storeId) : '');
		case 'registeredAt':
			return (r) => r.registeredAt;
		case 'spend12m':
			return (r) => numberKey(r.spend12m);
		case 'visits':
			return (r) => numberKey(r.visits);
		case 'pointsBalance':
			return (r) => numberKey(r.pointsBalance);
		case 'lastVisit':
			return (r) => r.lastVisit ?? '';
	}
}

/**
 * Filter, then a stable sort; rows without a value for the sort key always come last, in
 * either direction, so "sort by phone" never opens on a page of blanks.
 * Measured once (Node 20, shared 2-core box, 100,000 random rows): sort alone 20-80 ms by
 * column, filter then sort 15-20 ms. The sort is the cost (~1.7 million comparisons); sorting
 * composite strings natively without a comparator was tried and was no faster here.
 */
export function applyListQuery(
	rows: readonly CustomerListRow[],
	filter: CustomerFilter,
	sort: SortSpec,
	today: string,
	storeNames: Record<string, string> = {}
): CustomerListRow[] {
	return sortRows(rows, compileFilter(filter, today), sortKeyOf(sort.key, storeNames), signOf(sort)).out;
}

/** 1 when the keys sort ascending, −1 descending. */
function signOf(sort: SortSpec): 1 | -1 {
	// The oldest birth date is the highest age: sorting by age ascending is birth date descending.
	return (sort.dir === 'asc') !== (sort.key === 'age') ? 1 : -1;
}

/**
 * The kept rows sorted by key (ties in their order in `rows`), rows with an empty key last in
 * their order; `present` is how many rows have a key.
 */
function sortRows(
	rows: readonly CustomerListRow[],
	keep: (row: CustomerListRow) => boolean,
	keyOf: (row: CustomerListRow) => string,
	sign: 1 | -1
): { out: CustomerListRow[]; present: number } {
	const kept = rows.filter(keep);
	const keys: string[] = new Array(kept.length);
	const present: number[] = [];
	const empty: number[] = [];
	for (let i = 0; i < kept.length; i++) {
		keys[i] = keyOf(kept[i]);
		(keys[i] === '' ? empty : present).push(i);
	}
	// Plain < on precomputed keys: localeCompare would be ~10x slower at this size, and the
	// keys are already folded where case and accents matter.
	present.sort((a, b) => {
		const x = keys[a];
		const y = keys[b];
		return x < y ? -sign : x > y ? sign : a - b;
	});
	const out: CustomerListRow[] = new Array(kept.length);
	let n = 0;
	for (const i of present) out[n++] = kept[i];
	for (const i of empty) out[n++] = kept[i];
	return { out, present: present.length };
}

interface LastQuery {
	rows: readonly CustomerListRow[];
	spec: string;
	keep: (row: CustomerListRow) => boolean;
	keyOf: (row: CustomerListRow) => string;
	sign: 1 | -1;
	out: CustomerListRow[];
	present: number;
}

/**
 * applyListQuery with a memory of its last answer, for a list that changes a few rows at a time
 * while 100,000 are shown: sorting them all is a long task on the main thread, and sales or an
 * import arriving in the background would make the list stutter. When the rows are the last rows
 * with some replaced (statistics changed after a sale) and some appended (new customers), and no
 * replaced row moves into or out of the filter or changes its sort key, the last answer is patched
 * and the new rows merged in; anything else (a removal, a new filter or sort) sorts again.
 */
export class ListQuery {
	#last: LastQuery | null = null;

	run(
		rows: readonly CustomerListRow[],
		filter: CustomerFilter,
		sort: SortSpec,
		today: string,
		storeNames: Record<string, string> = {}
	): CustomerListRow[] {
		// By value: the filter and sort may be the same objects, changed in place.
		const spec = JSON.stringify([filter, sort, today, storeNames]);
		const last = this.#last;
		if (last && last.spec === spec && last.rows.length <= rows.length) {
			const patched = patch(last, rows);
			if (patched) {
				this.#last = { ...last, rows, ...patched };
				return patched.out;
			}
		}
		const keep = compileFilter(filter, today);
		const keyOf = sortKeyOf(sort.key, storeNames);
		const sign = signOf(sort);
		this.#last = { rows, spec, keep, keyOf, sign, ...sortRows(rows, keep, keyOf, sign) };
		return this.#last.out;
	}
}

function patch(last: LastQuery, rows: readonly CustomerListRow[]): { out: CustomerListRow[]; present: number } | null {
	const n = last.rows.length;
	const replaced = new Map<string, CustomerListRow>();
	for (let i = 0; i < n; i++) {
		const before = last.rows[i];
		const now = rows[i];
		if (before === now) continue;
		if (before.id !== now.id || last.keep(before) !== last.keep(now) || last.keyOf(before) !== last.keyOf(now)) return null;
		replaced.set(now.id, now);
	}
	const out = replaced.size === 0 ? last.out : last.out.map((r) => replaced.get(r.id) ?? r);
	if (rows.length === n) return { out, present: last.present };
	// Appended rows come after every earlier row in `rows`: sorted alone, they merge in after
	// the earlier rows of equal key, exactly where a full sort puts them.
	const added = sortRows(rows.slice(n), last.keep, last.keyOf, last.sign);
	if (added.out.length === 0) return { out, present: last.present };
	const merged: CustomerListRow[] = new Array(out.length + added.out.length);
	let i = 0;
	let j = 0;
	let k = 0;
	while (i < last.present && j < added.present) {
		const x = last.keyOf(out[i]);
		const y = last.keyOf(added.out[j]);
		const addedFirst = last.sign === 1 ? y < x : y > x;
		merged[k++] = addedFirst ? added.out[j++] : out[i++];
	}
	while (i < last.present) merged[k++] = out[i++];
	while (j < added.present) merged[k++] = added.out[j++];
	while (i < out.length) merged[k++] = out[i++];
	while (j < added.out.length) merged[k++] = added.out[j++];
	return { out: merged, present: last.present + added.present };
}

const GENDER_LABELS: Record<Gender, string> = {
	female: 'female',
	male: 'male',
	other: 'other',
	'not-stated': 'gender not stated'
};
const MONTHS = [
	'January', 'February', 'March', 'April', 'May', 'June',
	'July', 'August', 'September', 'October', 'November', 'December'
];
const CHANNEL_LABELS: Record<ConsentChannel, string> = { email: 'email', sms: 'SMS', post: 'post' };

function joinOr(items: string[]): string {
	return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function capitalise(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The filter as chips a person can read: 'Age 18–30', 'Female', 'Born in March', 'Tag: vip'. */
export function describeFilter(
	f: CustomerFilter,
	storeNames: Record<string, string>,
	currency = 'GBP',
	groupNames: Record<string, string> = {}
): string[] {
	const chips: string[] = [];
	const min = isSet(f.ageMin) ? f.ageMin : undefined;
	const max = isSet(f.ageMax) ? f.ageMax : undefined;
	if (min !== undefined && max !== undefined) chips.push(min === max ? `Age ${min}` : `Age ${min}–${max}`);
	else if (min !== undefined) chips.push(`Age ${min}+`);
	else if (max !== undefined) chips.push(`Age up to ${max}`);
	if (hasItems(f.genders)) chips.push(capitalise(joinOr(f.genders.map((g) => GENDER_LABELS[g] ?? g))));
	if (hasItems(f.birthMonths)) {
		const months = [...new Set(f.birthMonths)].sort((a, b) => a - b).map((m) => MONTHS[m - 1] ?? String(m));
		chips.push(`Born in ${joinOr(months)}`);
	}
	if (hasItems(f.storeIds)) chips.push(`Store: ${joinOr(f.storeIds.map((id) => storeNames[id] ?? id))}`);
	for (const c of f.consent ?? []) {
		const label = CHANNEL_LABELS[c.channel] ?? c.channel;
		chips.push(c.granted ? `${capitalise(label)} consent` : `No ${label} consent`);
	}
	for (const t of f.tags ?? []) chips.push(`Tag: ${t}`);
	if (isSet(f.spend12mMin)) chips.push(`Spend (12 m) ${formatMoney(f.spend12mMin, currency)}+`);
	if (isSet(f.visitsMin)) chips.push(`${f.visitsMin}+ visits`);
	if (isSet(f.pointsMin)) chips.push(`${f.pointsMin.toLocaleString('en-GB')}+ points`);
	for (const k of f.groups ?? []) chips.push(`Group: ${groupNames[k] ?? 'a deleted group'}`);
	return chips;
}
