// Search keys for the customers table's multiEntry index `k`, and the prefixes a search box
// turns into. One prefix lookup per kind (`startsWithAnyOf`) finds a customer by any part of
// their name, email, phone, postcode or card, the way a cashier types it.
//
// Kinds: 'n:' name, 'e:' email, 'p:' phone digits, 'z:' postcode, 'c:' card. The prefix keeps
// a phone query from matching a card or a postcode that happens to start with the same digits.
import type { Customer } from './customer';
import { phoneQueryDigits, phoneSearchKeys } from './phone';
import { fold, foldCompact } from './text';

type Searchable = Pick<Customer, 'firstName' | 'lastName' | 'email' | 'phone' | 'cards' | 'addresses'>;

// Beyond this, extra name words add keys (one per suffix) without helping anyone find anyone.
const MAX_NAME_TOKENS = 8;
// No postcode in the world is longer, so a longer query (a phone number) cannot be the start of
// one: skip that lookup.
const MAX_POSTCODE_LENGTH = 10;

function tokens(s: string): string[] {
	const f = fold(s);
	return f === '' ? [] : f.split(' ');
}

function suffixes(words: string[]): string[] {
	return words.map((_, i) => words.slice(i).join(' '));
}

/**
 * Every suffix of 'first… last…' and 'last… first…': the name strings whose prefixes a search
 * must answer (single words, 'jose garcia', 'garcia jose', a middle name onwards ('maria
 * garcia') and a multi-word surname whole).
 */
export function nameSuffixes(c: Pick<Customer, 'firstName' | 'lastName'>): string[] {
	const first = tokens(c.firstName);
	const last = tokens(c.lastName);
	const forward = [...first, ...last].slice(0, MAX_NAME_TOKENS);
	const backward = [...last, ...first].slice(0, MAX_NAME_TOKENS);
	return [...new Set([...suffixes(forward), ...suffixes(backward)])];
}

/**
 * Drops every string that is a prefix of another one: name keys are only ever looked up by
 * prefix, and any prefix of 'garcia' is also a prefix of 'garcia jose', so the shorter key
 * finds nobody the longer one misses. For 'José García' this keeps 'jose garcia' and
 * 'garcia jose' and drops 'jose' and 'garcia': half the name entries of the index.
 */
function withoutCoveredPrefixes(strings: string[]): string[] {
	const sorted = [...strings].sort();
	// In sorted order, a string that is a prefix of any other is a prefix of the one right after it.
	return sorted.filter((s, i) => i === sorted.length - 1 || !sorted[i + 1].startsWith(s));
}

export function searchKeys(c: Searchable): string[] {
	const keys = new Set<string>();
	for (const s of withoutCoveredPrefixes(nameSuffixes(c))) keys.add('n:' + s);
	// "O'Brien" folds to 'o brien'; someone will type 'obrien'.
	for (const words of [tokens(c.firstName), tokens(c.lastName)]) if (words.length > 1) keys.add('n:' + words.join(''));

	if (c.email) keys.add('e:' + c.email.toLowerCase());
	for (const d of phoneSearchKeys(c.phone)) keys.add('p:' + d);
	for (const a of c.addresses) {
		const pc = foldCompact(a.postcode);
		if (pc) keys.add('z:' + pc);
	}
	for (const card of c.cards) if (card) keys.add('c:' + card.toLowerCase());
	return [...keys];
}

export function searchPrefixes(query: string, defaultCountry: string): string[] {
	const q = query.trim();
	if (q === '') return [];
	const prefixes = new Set<string>();
	const folded = fold(q);
	if (folded) prefixes.add('n:' + folded);
	// Emails are matched as typed (lower-cased): folding would split 'mary-jane@' at the hyphen.
	if (!/\s/.test(q)) prefixes.add('e:' + q.toLowerCase());
	// Cards are printed in groups of digits; the stored card has no separators. Words with
	// spaces between them are a name, not a card.
	const card = q.replace(/[\s-]+/g, '').toLowerCase();
	if (/^[a-z0-9]+$/.test(card) && (!/\s/.test(q) || /\d/.test(card))) prefixes.add('c:' + card);
	// Every postcode format worth searching for has a digit, so plain words ('sm', 'jo') stay
	// name searches instead of also listing everyone in SM or JO postcodes.
	const pc = foldCompact(q);
	if (pc.length >= 2 && pc.length <= MAX_POSTCODE_LENGTH && /\d/.test(pc) && !q.startsWith('+')) {
		prefixes.add('z:' + pc);
	}
	for (const d of phoneQueryDigits(q, defaultCountry)) prefixes.add('p:' + d);
	return [...prefixes];
}

/** The key to sort customers by name: surname first, folded so 'Ávila' sorts with the A's. */
export function sortName(c: Pick<Customer, 'firstName' | 'lastName'>): string {
	return fold(c.lastName + ' ' + c.firstName);
}

/** The exact search keys of one email, phone (E.164) or card: for uniqueness and duplicate checks. */
export const exactKey = {
	email: (email: string): string => 'e:' + email.toLowerCase(),
	phone: (e164: string): string => 'p:' + e164.replace(/\D/g, ''),
	card: (card: string): string => 'c:' + card.toLowerCase()
};
