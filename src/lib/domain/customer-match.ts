// Matching a customer import against the customers the shop already has, so importing a file
// updates instead of duplicating. Pure: the import worker supplies the index (card, email and phone
// → customer ids, from the search keys in IndexedDB) and the matched customers.
//
// - Precedence: each row is matched by the first key kind of `order` (card, email, phone by default)
//   that finds anyone; later kinds are not consulted (a household's shared phone does not pull a row
//   away from the customer its email names).
// - Nothing is guessed: a row whose deciding key finds two different customers, and rows of one file
//   that share a card, email or phone (they would be one customer), are problems with the row numbers.
// - Keys are compared as stored and searched: the rows' drafts are validated (email lower-cased and
//   trimmed, phone E.164 through phone.ts, card upper-cased without spaces), and exactKey folds them
//   the way the search index does.
// - Empty cells never erase: "overwrite" replaces a field with the file's value only where the file
//   has one; "update empty fields only" fills fields the customer has empty; "skip" leaves matched
//   customers alone. Only fields the file has a column for are looked at, so a file without a
//   "Registered at" column never moves a customer's registration to the day of the import.
import type { Address, ConsentChannel, CustomerDraft, CustomerField } from './customer';
import { CONSENT_CHANNELS, fullName } from './customer';
import type { PreparedRow, RowProblem, ImportField } from './customer-csv';
import { messageFor, type FieldError } from './errors';
import { sameFigures, type OpeningFigures } from './opening';
import { exactKey } from './search';

export const MATCH_KEYS = ['card', 'email', 'phone'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];
export const MATCH_MODES = ['empty', 'overwrite', 'skip'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export interface MatchOptions {
	/** Key kinds in the order they are tried; a kind left out is not used. */
	order: MatchKey[];
	mode: MatchMode;
}

export const DEFAULT_MATCH: MatchOptions = { order: ['card', 'email', 'phone'], mode: 'empty' };

/** An index key ('c:…', 'e:…', 'p:…') → ids of the customers holding it. */
export type MatchIndex = ReadonlyMap<string, readonly string[]>;

const KEY_LABEL: Record<MatchKey, string> = { card: 'card number', email: 'email', phone: 'phone' };

/** The index keys of one kind a row carries. */
export function rowKeys(draft: CustomerDraft, kind: MatchKey): string[] {
	switch (kind) {
		case 'card':
			return draft.cards.map(exactKey.card);
		case 'email':
			return draft.email ? [exactKey.email(draft.email)] : [];
		case 'phone':
			return draft.phone ? [exactKey.phone(draft.phone)] : [];
	}
}

export interface RowMatch {
	/** The matched customer's id; null for a new customer. */
	id: string | null;
	by: MatchKey | null;
}

export interface Matched {
	/** One entry per row of `rows` (null where the row is a problem). */
	matches: (RowMatch | null)[];
	problems: RowProblem[];
	/** Rows that became problems. */
	problemRows: number;
}

/**
 * Matches every row (already validated, so its keys are normalised). `names` gives a matched
 * customer's name for the messages; `header` the file's column for a key kind.
 */
export function matchRows(
	rows: readonly PreparedRow[],
	index: MatchIndex,
	opts: MatchOptions,
	names: (id: string) => string,
	header: (kind: MatchKey) => string
): Matched {
	const problems: RowProblem[] = [];
	const bad = new Set<number>();
	const problem = (i: number, kind: MatchKey, value: string, e: FieldError) => {
		bad.add(i);
		problems.push({ rowNumber: rows[i].rowNumber, field: header(kind), value, code: e.code, message: messageFor(e) });
	};

	// Rows of this file that share a key: every one of them is a problem, naming all their rows.
	for (const kind of opts.order) {
		const byKey = new Map<string, number[]>();
		rows.forEach((r, i) => {
			for (const k of new Set(rowKeys(r.draft, kind))) {
				const list = byKey.get(k);
				if (list) list.push(i);
				else byKey.set(k, [i]);
			}
		});
		for (const [k, list] of byKey) {
			if (list.length < 2) continue;
			const numbers = list.map((i) => rows[i].rowNumber).join(', ');
			for (const i of list) {
				problem(i, kind, k.slice(2), { field: kind, code: 'import-match-in-file', params: { rows: numbers, by: KEY_LABEL[kind], value: k.slice(2) } });
			}
		}
	}

	const matches: (RowMatch | null)[] = rows.map((r, i) => {
		if (bad.has(i)) return null;
		for (const kind of opts.order) {
			const found: { id: string; key: string }[] = [];
			for (const k of rowKeys(r.draft, kind)) for (const id of index.get(k) ?? []) if (!found.some((f) => f.id === id)) found.push({ id, key: k });
			if (found.length === 0) continue;
			if (found.length > 1) {
				const [a, b] = found;
				problem(i, kind, a.key === b.key ? a.key.slice(2) : `${a.key.slice(2)}, ${b.key.slice(2)}`, {
					field: kind,
					code: 'import-match-ambiguous',
					params: { first: names(a.id), firstBy: `${KEY_LABEL[kind]} ${a.key.slice(2)}`, second: names(b.id), secondBy: `${KEY_LABEL[kind]} ${b.key.slice(2)}` }
				});
				return null;
			}
			return { id: found[0].id, by: kind };
		}
		return { id: null, by: null };
	});
	problems.sort((a, b) => a.rowNumber - b.rowNumber);
	return { matches, problems, problemRows: bad.size };
}

// ---- What a matched row changes --------------------------------------------------------------

/** The customer fields the file has columns for. */
export function mappedFields(mapping: readonly (ImportField | null)[]): Set<CustomerField> {
	const out = new Set<CustomerField>();
	for (const f of mapping) {
		switch (f) {
			case 'firstName':
			case 'lastName':
			case 'email':
			case 'phone':
			case 'birthDate':
			case 'gender':
			case 'cards':
			case 'tags':
			case 'notes':
			case 'registeredAt':
				out.add(f);
				break;
			case 'fullName':
				out.add('firstName').add('lastName');
				break;
			case 'line1':
			case 'line2':
			case 'city':
			case 'region':
			case 'postcode':
			case 'country':
				out.add('addresses');
				break;
			case 'store':
				out.add('storeId');
				break;
			case 'consentEmail':
			case 'consentSms':
			case 'consentPost':
				out.add('consents');
				break;
		}
	}
	return out;
}

const ADDRESS_PARTS = ['line1', 'line2', 'city', 'region', 'postcode', 'country'] as const;

function sameAddress(a: Address, b: Address): boolean {
	return ADDRESS_PARTS.every((p) => a[p] === b[p]);
}

function isEmptyValue(field: CustomerField, v: unknown): boolean {
	if (field === 'gender') return v === 'not-stated' || v === '';
	if (Array.isArray(v)) return v.length === 0;
	if (v && typeof v === 'object') return Object.keys(v).length === 0;
	return v === '' || v === null || v === undefined;
}

export type FieldChanges = Partial<Record<CustomerField, unknown>>;

/**
 * The fields of `current` the incoming row changes under `mode` (empty: nothing to write). Values
 * are compared as stored; consents by status (an import dates them at the import, so a second
 * import of the same "yes" changes nothing) and the default address by its contents (an imported
 * address gets a new id each time).
 */
export function fieldChanges(current: CustomerDraft, incoming: CustomerDraft, mapped: ReadonlySet<CustomerField>, mode: MatchMode): FieldChanges {
	const out: FieldChanges = {};
	if (mode === 'skip') return out;
	const fill = mode === 'empty';
	for (const field of mapped) {
		switch (field) {
			case 'addresses': {
				const next = incoming.addresses[0];
				if (!next) break;
				if (current.addresses.length === 0) {
					out.addresses = [next];
					out.defaultAddressId = next.id;
					break;
				}
				if (fill) break;
				const i = Math.max(0, current.addresses.findIndex((a) => a.id === current.defaultAddressId));
				const kept = current.addresses[i];
				if (sameAddress(kept, next)) break;
				const merged = { ...kept };
				// Parts the file leaves empty stay as they are (the country always comes: the shop's by default).
				for (const p of ADDRESS_PARTS) if (next[p] !== '') merged[p] = next[p];
				if (sameAddress(kept, merged)) break;
				out.addresses = current.addresses.map((a, j) => (j === i ? merged : a));
				break;
			}
			case 'consents': {
				const merged = { ...current.consents };
				let changed = false;
				for (const ch of CONSENT_CHANNELS as readonly ConsentChannel[]) {
					const c = incoming.consents[ch];
					if (!c) continue;
					const had = current.consents[ch];
					if (had && (fill || had.status === c.status)) continue;
					merged[ch] = c;
					changed = true;
				}
				if (changed) out.consents = merged;
				break;
			}
			case 'defaultAddressId':
				break;
			default: {
				const v = incoming[field];
				if (isEmptyValue(field, v)) break;
				const had = current[field];
				if (fill && !isEmptyValue(field, had)) break;
				if (JSON.stringify(had) !== JSON.stringify(v)) out[field] = v;
			}
		}
	}
	return out;
}

/** Whether the row's opening balance is to be written under `mode` over `current` (null: none yet). */
export function openingChange(current: OpeningFigures | null, incoming: OpeningFigures | undefined, mode: MatchMode): OpeningFigures | null {
	if (!incoming || mode === 'skip') return null;
	if (current && (mode === 'empty' || sameFigures(current, incoming))) return null;
	return incoming;
}

export type RowPlan =
	| { kind: 'new' }
	| { kind: 'update'; id: string; changes: FieldChanges; opening: OpeningFigures | null }
	| { kind: 'unchanged'; id: string };

export interface ExistingCustomer {
	draft: CustomerDraft;
	opening: OpeningFigures | null;
}

export function planRow(
	row: PreparedRow,
	match: RowMatch,
	existing: ExistingCustomer | undefined,
	mapped: ReadonlySet<CustomerField>,
	mode: MatchMode
): RowPlan {
	if (match.id === null) return { kind: 'new' };
	// Deleted since the index was read: nothing to update, and creating it again would be a guess.
	if (!existing) return { kind: 'unchanged', id: match.id };
	const changes = fieldChanges(existing.draft, row.draft, mapped, mode);
	const opening = openingChange(existing.opening, row.opening, mode);
	if (Object.keys(changes).length === 0 && !opening) return { kind: 'unchanged', id: match.id };
	return { kind: 'update', id: match.id, changes, opening };
}

export function nameOf(c: Pick<CustomerDraft, 'firstName' | 'lastName' | 'email' | 'phone'>): string {
	return fullName(c) || c.email || c.phone || 'a customer';
}
