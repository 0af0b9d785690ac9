// Text folding for search keys and comparisons: what a cashier types on a till keyboard
// ('jose', 'obrien', 'lukasz') must meet what was stored ('José', "O'Brien", 'Łukasz').

// Letters that NFD does not decompose into a base letter plus combining marks.
const SPECIAL: Record<string, string> = {
	ß: 'ss',
	æ: 'ae',
	œ: 'oe',
	ø: 'o',
	ł: 'l',
	đ: 'd',
	ð: 'd',
	þ: 'th',
	ı: 'i'
};
const SPECIAL_RE = /[ßæœøłđðþı]/g;
const COMBINING_RE = /[\u0300-\u036f]/g;
// '@._+' survive so that email addresses fold to themselves.
const OTHER_RE = /[^a-z0-9@._+ ]+/g;
const SPACES_RE = /\s+/g;

export function fold(s: string): string {
	return s
		.toLowerCase()
		.normalize('NFD')
		.replace(COMBINING_RE, '')
		.replace(SPECIAL_RE, (ch) => SPECIAL[ch])
		.replace(OTHER_RE, ' ')
		.replace(SPACES_RE, ' ')
		.trim();
}

/** Fold and drop spaces: 'SW1A 1AA' and 'sw1a1aa' become the same key. */
export function foldCompact(s: string): string {
	return fold(s).replace(/ /g, '');
}

/** What we store for a name: tidy whitespace, but keep the person's own case and accents. */
export function normalizeName(s: string): string {
	return s.replace(SPACES_RE, ' ').trim();
}
