// Possible duplicate customers: pairs sharing an email, a phone or a card, or with very similar
// names and the same postcode or birth date. Pure and linear in the number of customers (plus the
// pairs found): customers are grouped by key ("blocking") and names are compared only within a
// block, so 100,000 customers take well under a second of comparisons. Runs in the derive worker.
import type { Customer } from './customer';
import { fold } from './text';

export const DUPLICATE_REASONS = ['card', 'email', 'phone', 'name-postcode', 'name-birthdate'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

/** What the finder reads of a customer. */
export type DuplicateInput = Pick<Customer, 'id' | 'firstName' | 'lastName' | 'email' | 'phone' | 'birthDate' | 'cards' | 'addresses'>;

/**
 * The same, compact and ready to compare: the name already folded (nameKey), postcodes normalised,
 * email and cards lower-cased. What the customers projection stores per customer (one string, see
 * encodeDupKeys) so the finder reads 100,000 of them quickly.
 */
export interface DupKeys {
	id: string;
	name: string;
	birthDate: string;
	email: string;
	phone: string;
	cards: string[];
	postcodes: string[];
}

export function dupKeysOf(c: DuplicateInput): DupKeys {
	return {
		id: c.id,
		name: nameKey(c),
		birthDate: c.birthDate,
		email: c.email.toLowerCase(),
		phone: c.phone,
		cards: [...new Set(c.cards.filter(Boolean).map((x) => x.toLowerCase()))],
		postcodes: [...new Set(c.addresses.map((a) => normalPostcode(a.postcode)).filter(Boolean))]
	};
}

// Separators no field can hold (names are folded, the rest are emails, digits and letters).
const FIELD = '\u0001';
const ITEM = '\u0002';

/** One string: a row of one string is read back from IndexedDB far faster than a nested object. */
export function encodeDupKeys(k: DupKeys): string {
	return [k.name, k.birthDate, k.email, k.phone, k.cards.join(ITEM), k.postcodes.join(ITEM)].join(FIELD);
}

export function decodeDupKeys(id: string, s: string): DupKeys {
	const [name, birthDate, email, phone, cards, postcodes] = s.split(FIELD);
	return { id, name, birthDate, email, phone, cards: cards ? cards.split(ITEM) : [], postcodes: postcodes ? postcodes.split(ITEM) : [] };
}

export interface DuplicatePair {
	/** The two ids, a < b. */
	a: string;
	b: string;
	/** Why they look like one person, strongest first. */
	reasons: DuplicateReason[];
	/** Name similarity 0–1 (Jaro–Winkler of the folded names), shown beside name reasons. */
	similarity: number;
}

/** Jaro–Winkler at or above this counts as "very similar" ('Jon Smith' / 'John Smith' ≈ 0.97). */
export const NAME_SIMILARITY = 0.9;
/**
 * Above this many customers (a busy postcode, a common date), a name block is not compared all
 * against all but by sorted neighbourhood: each name against its WINDOW neighbours in two orders.
 */
const BIG_BLOCK = 200;
const WINDOW = 24;

/** The key of an unordered pair: the same on every tablet whichever way round it is named. */
export function pairKey(a: string, b: string): string {
	return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function splitPairKey(key: string): { a: string; b: string } {
	const bar = key.indexOf('|');
	return { a: key.slice(0, bar), b: key.slice(bar + 1) };
}

/** A name folded and with its words sorted: 'Smith, John' and 'john smith' meet. */
export function nameKey(c: Pick<Customer, 'firstName' | 'lastName'>): string {
	const lower = `${c.firstName} ${c.lastName}`.toLowerCase();
	// Most names are plain letters: folding (Unicode normalisation) only for the rest.
	const folded = PLAIN.test(lower) ? lower : fold(lower).replace(/[@._+]/g, ' ');
	return folded.split(' ').filter(Boolean).sort().join(' ');
}
const PLAIN = /^[a-z ]*$/;

function normalPostcode(p: string): string {
	return p.replace(/\s+/g, '').toUpperCase();
}

/** Reused match marks: the finder calls jaroWinkler millions of times. */
let marks = new Uint8Array(128);

/** Jaro–Winkler similarity of two strings, 0 (nothing alike) to 1 (equal). */
export function jaroWinkler(s: string, t: string): number {
	if (s === t) return s.length ? 1 : 0;
	const ls = s.length;
	const lt = t.length;
	if (!ls || !lt) return 0;
	const range = Math.max(0, Math.floor(Math.max(ls, lt) / 2) - 1);
	if (marks.length < ls + lt) marks = new Uint8Array(2 * (ls + lt));
	marks.fill(0, 0, ls + lt);
	const sMatch = marks;
	const tMatch = marks.subarray(ls);
	let matches = 0;
	for (let i = 0; i < ls; i++) {
		const lo = Math.max(0, i - range);
		const hi = Math.min(i + range + 1, lt);
		for (let j = lo; j < hi; j++) {
			if (tMatch[j] || s.charCodeAt(i) !== t.charCodeAt(j)) continue;
			sMatch[i] = 1;
			tMatch[j] = 1;
			matches++;
			break;
		}
	}
	if (!matches) return 0;
	let k = 0;
	let transpositions = 0;
	for (let i = 0; i < ls; i++) {
		if (!sMatch[i]) continue;
		while (!tMatch[k]) k++;
		if (s.charCodeAt(i) !== t.charCodeAt(k)) transpositions++;
		k++;
	}
	const jaro = (matches / ls + matches / lt + (matches - transpositions / 2) / matches) / 3;
	let prefix = 0;
	while (prefix < Math.min(4, ls, lt) && s.charCodeAt(prefix) === t.charCodeAt(prefix)) prefix++;
	return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Customers by key: most keys (an email, a phone) belong to one customer only, so a key holds the
 * customer's index until a second one shares it: no array per key (100,000s of them) is made.
 */
type Blocks = Map<string, number | number[]>;

function add(blocks: Blocks, key: string, i: number): void {
	const held = blocks.get(key);
	if (held === undefined) blocks.set(key, i);
	else if (typeof held === 'number') {
		if (held !== i) blocks.set(key, [held, i]);
	} else if (held[held.length - 1] !== i) held.push(i);
}

/** The blocks of two or more customers. */
function* shared(blocks: Blocks): Generator<number[]> {
	for (const held of blocks.values()) if (typeof held !== 'number') yield held;
}

/**
 * Every pair of customers that look like one person, each once with all its reasons, strongest
 * first (cards, emails, phones, then names). `dismissed`: pair keys staff marked "Not a duplicate".
 */
export function findDuplicatePairs(list: readonly (DuplicateInput | DupKeys)[], dismissed: ReadonlySet<string> = new Set()): DuplicatePair[] {
	const customers = list.map((c) => ('postcodes' in c ? c : dupKeysOf(c)));
	// One map per reason: no key strings are built.
	const exact: Record<'card' | 'email' | 'phone', Blocks> = { card: new Map(), email: new Map(), phone: new Map() };
	const named: Record<'name-postcode' | 'name-birthdate', Blocks> = { 'name-postcode': new Map(), 'name-birthdate': new Map() };
	const names: string[] = new Array(customers.length);
	customers.forEach((c, i) => {
		for (const card of c.cards) add(exact.card, card, i);
		if (c.email) add(exact.email, c.email, i);
		if (c.phone) add(exact.phone, c.phone, i);
		names[i] = c.name;
		if (!names[i]) return;
		for (const p of c.postcodes) add(named['name-postcode'], p, i);
		if (c.birthDate) add(named['name-birthdate'], c.birthDate, i);
	});

	const found = new Map<string, { reasons: Set<DuplicateReason>; similarity: number }>();
	const note = (i: number, j: number, reason: DuplicateReason, similarity: number) => {
		const a = customers[i].id;
		const b = customers[j].id;
		if (a === b) return;
		const key = pairKey(a, b);
		if (dismissed.has(key)) return;
		const entry = found.get(key);
		if (entry) {
			entry.reasons.add(reason);
			entry.similarity = Math.max(entry.similarity, similarity);
		} else found.set(key, { reasons: new Set([reason]), similarity });
	};

	for (const reason of ['card', 'email', 'phone'] as const) {
		for (const members of shared(exact[reason])) {
			for (let x = 0; x < members.length; x++)
				for (let y = x + 1; y < members.length; y++) note(members[x], members[y], reason, jaroWinkler(names[members[x]], names[members[y]]));
		}
	}
	for (const reason of ['name-postcode', 'name-birthdate'] as const) {
		const compare = (i: number, j: number) => {
			const sim = jaroWinkler(names[i], names[j]);
			if (sim >= NAME_SIMILARITY) note(i, j, reason, sim);
		};
		for (const members of shared(named[reason])) {
			if (members.length > BIG_BLOCK) {
				for (const order of neighbourhoods(members, names))
					for (let x = 0; x < order.length; x++) for (let y = x + 1; y < Math.min(order.length, x + WINDOW); y++) compare(order[x], order[y]);
				continue;
			}
			for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) compare(members[x], members[y]);
		}
	}

	const out: DuplicatePair[] = [];
	for (const [key, { reasons, similarity }] of found) {
		const { a, b } = splitPairKey(key);
		out.push({ a, b, reasons: DUPLICATE_REASONS.filter((r) => reasons.has(r)), similarity });
	}
	// Strongest first: the most and strongest reasons, then the most similar names.
	const rank = (p: DuplicatePair) => DUPLICATE_REASONS.indexOf(p.reasons[0]);
	return out.sort((p, q) => q.reasons.length - p.reasons.length || rank(p) - rank(q) || q.similarity - p.similarity || (p.a < q.a ? -1 : 1));
}

/**
 * A big block in two orders: by the name key, and by the name key with its last word first (so a
 * typo in the first word still leaves the pair neighbours in one of them).
 */
function neighbourhoods(members: number[], names: string[]): number[][] {
	const rotated = (i: number) => {
		const words = names[i].split(' ');
		return [words[words.length - 1], ...words.slice(0, -1)].join(' ');
	};
	const byName = [...members].sort((i, j) => (names[i] < names[j] ? -1 : names[i] > names[j] ? 1 : 0));
	const keys = new Map(members.map((i) => [i, rotated(i)]));
	const byRotated = [...members].sort((i, j) => (keys.get(i)! < keys.get(j)! ? -1 : keys.get(i)! > keys.get(j)! ? 1 : 0));
	return [byName, byRotated];
}
