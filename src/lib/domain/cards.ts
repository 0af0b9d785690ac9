// In-store customer card numbers: EAN-13 codes in a range the shop chooses, handed out by
// tablets that may be offline.
//
// How two offline tablets avoid issuing the same number: the range is cut into blocks of
// CARD_BLOCK_SIZE numbers, and a tablet issues numbers only from blocks it has claimed in the
// replicated settings (one key per block, so claims of different blocks never overwrite each
// other). A tablet claims its first free block at a starting point derived from its own install
// id, so two tablets claiming while offline land on different blocks unless the range is nearly
// full. If they still claim the same block, Yjs keeps one claim everywhere after sync; the loser
// stops using that block, and a card it already issued from it can only clash if the winner
// issued the very same number: the profile then shows the clash (see cards/service.ts).
import type { FieldError } from './errors';

export interface CardRange {
	/** Leading digits of every card, e.g. '29' (GS1 keeps 20–29 for numbers used in one shop). */
	prefix: string;
	/** First and last sequence number; the digits after the prefix, before the check digit. */
	start: number;
	end: number;
}

export const DEFAULT_CARD_RANGE: CardRange = { prefix: '29', start: 1, end: 9_999_999_999 };
export const CARD_BLOCK_SIZE = 100;

/** EAN-13 check digit for the first 12 digits (weights 1,3,1,3,... from the left). */
export function ean13CheckDigit(digits12: string): number {
	let sum = 0;
	for (let i = 0; i < 12; i++) sum += (digits12.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
	return (10 - (sum % 10)) % 10;
}

export function isEan13(code: string): boolean {
	return /^\d{13}$/.test(code) && ean13CheckDigit(code) === code.charCodeAt(12) - 48;
}

/** How many digits the sequence number takes: the 12 data digits less the prefix. */
export function sequenceDigits(range: Pick<CardRange, 'prefix'>): number {
	return 12 - range.prefix.length;
}

export function largestSequence(range: Pick<CardRange, 'prefix'>): number {
	return 10 ** sequenceDigits(range) - 1;
}

export function validateCardRange(range: CardRange): FieldError[] {
	if (!/^\d{1,10}$/.test(range.prefix)) return [{ field: 'prefix', code: 'card-range-prefix-invalid' }];
	const max = largestSequence(range);
	const params = { max: max.toLocaleString('en-GB') };
	const errors: FieldError[] = [];
	const ok = (n: number) => Number.isSafeInteger(n) && n >= 0 && n <= max;
	if (!ok(range.start)) errors.push({ field: 'start', code: 'card-range-invalid', params });
	if (!ok(range.end) || (ok(range.start) && range.end < range.start)) errors.push({ field: 'end', code: 'card-range-invalid', params });
	return errors;
}

/** The printed card number of sequence `seq`: prefix, zero-padded sequence, check digit. */
export function cardNumber(range: CardRange, seq: number): string {
	const first12 = range.prefix + String(seq).padStart(sequenceDigits(range), '0');
	return first12 + ean13CheckDigit(first12);
}

/** The sequence number of `card` if it is a valid EAN-13 inside the range, else null. */
export function sequenceOf(range: CardRange, card: string): number | null {
	if (!isEan13(card) || !card.startsWith(range.prefix)) return null;
	const seq = Number(card.slice(range.prefix.length, 12));
	return seq >= range.start && seq <= range.end ? seq : null;
}

export function blockCount(range: CardRange): number {
	return Math.ceil((range.end - range.start + 1) / CARD_BLOCK_SIZE);
}

/** First and last sequence number of block `index`. */
export function blockBounds(range: CardRange, index: number): { first: number; last: number } {
	const first = range.start + index * CARD_BLOCK_SIZE;
	return { first, last: Math.min(range.end, first + CARD_BLOCK_SIZE - 1) };
}

/**
 * A block claim as replicated: which tablet, and the range it was cut from (a claim made under
 * another range says nothing about this one's numbers).
 */
export interface BlockClaim {
	install: string;
	rangeKey: string;
}

export function rangeKey(range: CardRange): string {
	return `${range.prefix}:${range.start}:${range.end}`;
}

/** The blocks this tablet holds under `range`, lowest first. */
export function ownBlocks(range: CardRange, claims: ReadonlyMap<number, BlockClaim>, install: string): number[] {
	const key = rangeKey(range);
	return [...claims]
		.filter(([, c]) => c.install === install && c.rangeKey === key)
		.map(([i]) => i)
		.sort((a, b) => a - b);
}

/**
 * The block a tablet claims next: the first unclaimed one from a starting point that depends on
 * its install id (so two offline tablets start far apart), wrapping round; null when all are taken.
 */
export function blockToClaim(range: CardRange, claims: ReadonlyMap<number, BlockClaim>, install: string): number | null {
	const n = blockCount(range);
	const key = rangeKey(range);
	const from = fnv1a(`${install}|${key}`) % n;
	for (let step = 0; step < n; step++) {
		const i = (from + step) % n;
		const claim = claims.get(i);
		if (!claim || claim.rangeKey !== key) return i;
	}
	return null;
}

/** The lowest sequence in block `index` that no card in `used` has, or null when it is full. */
export function freeInBlock(range: CardRange, index: number, used: ReadonlySet<number>): number | null {
	const { first, last } = blockBounds(range, index);
	for (let seq = first; seq <= last; seq++) if (!used.has(seq)) return seq;
	return null;
}

function fnv1a(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}
