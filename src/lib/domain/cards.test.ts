import { describe, expect, it } from 'vitest';
import {
	blockBounds,
	blockCount,
	blockToClaim,
	cardNumber,
	CARD_BLOCK_SIZE,
	ean13CheckDigit,
	freeInBlock,
	isEan13,
	ownBlocks,
	rangeKey,
	sequenceOf,
	validateCardRange,
	type BlockClaim,
	type CardRange
} from './cards';

const range: CardRange = { prefix: '29', start: 1, end: 1000 };

describe('EAN-13 card numbers', () => {
	it('computes the check digit of known codes', () => {
		expect(ean13CheckDigit('400638133393')).toBe(1);
		expect(ean13CheckDigit('501234567890')).toBe(0);
		expect(isEan13('4006381333931')).toBe(true);
		expect(isEan13('4006381333932')).toBe(false);
		expect(isEan13('400638133393')).toBe(false);
	});

	it('pads the sequence between the prefix and the check digit', () => {
		const card = cardNumber(range, 7);
		expect(card).toBe('290000000007' + ean13CheckDigit('290000000007'));
		expect(card).toHaveLength(13);
		expect(isEan13(card)).toBe(true);
		expect(sequenceOf(range, card)).toBe(7);
	});

	it('reads a sequence back only for valid codes inside the range', () => {
		expect(sequenceOf(range, cardNumber(range, 1001))).toBeNull(); // past the end
		expect(sequenceOf(range, cardNumber({ ...range, prefix: '28' }, 7))).toBeNull(); // other prefix
		const wrongCheck = cardNumber(range, 7).slice(0, 12) + ((ean13CheckDigit('290000000007') + 1) % 10);
		expect(sequenceOf(range, wrongCheck)).toBeNull();
	});
});

describe('validateCardRange', () => {
	it('accepts the default shape', () => {
		expect(validateCardRange(range)).toEqual([]);
		expect(validateCardRange({ prefix: '2', start: 0, end: 99_999_999_999 })).toEqual([]);
	});

	it('refuses a prefix that is not 1 to 10 digits', () => {
		for (const prefix of ['', 'A9', '12345678901']) {
			expect(validateCardRange({ ...range, prefix }).map((e) => e.code)).toEqual(['card-range-prefix-invalid']);
		}
	});

	it('refuses numbers that do not fit, are not whole, or run backwards', () => {
		expect(validateCardRange({ prefix: '2900000000', start: 1, end: 100 })).toEqual([
			{ field: 'end', code: 'card-range-invalid', params: { max: '99' } }
		]);
		expect(validateCardRange({ ...range, start: 1.5 }).map((e) => e.field)).toEqual(['start']);
		expect(validateCardRange({ ...range, start: -1 }).map((e) => e.field)).toEqual(['start']);
		expect(validateCardRange({ ...range, start: 50, end: 10 }).map((e) => e.field)).toEqual(['end']);
		expect(validateCardRange({ ...range, end: NaN }).map((e) => e.field)).toEqual(['end']);
	});
});

describe('block allocation', () => {
	const claim = (install: string, r: CardRange = range): BlockClaim => ({ install, rangeKey: rangeKey(r) });

	it('cuts the range into blocks, the last one short', () => {
		expect(blockCount(range)).toBe(10);
		expect(blockBounds(range, 0)).toEqual({ first: 1, last: CARD_BLOCK_SIZE });
		expect(blockCount({ ...range, end: 1050 })).toBe(11);
		expect(blockBounds({ ...range, end: 1050 }, 10)).toEqual({ first: 1001, last: 1050 });
	});

	it('lists only this tablet’s blocks under this range, lowest first', () => {
		const claims = new Map([
			[5, claim('me')],
			[2, claim('me')],
			[3, claim('other')],
			[7, claim('me', { ...range, end: 5000 })]
		]);
		expect(ownBlocks(range, claims, 'me')).toEqual([2, 5]);
	});

	it('never claims a block another tablet holds, and says when none is left', () => {
		const claims = new Map<number, BlockClaim>();
		for (let i = 0; i < 10; i++) if (i !== 4) claims.set(i, claim(`t${i}`));
		expect(blockToClaim(range, claims, 'me')).toBe(4);
		claims.set(4, claim('t4'));
		expect(blockToClaim(range, claims, 'me')).toBeNull();
	});

	it('treats claims made under another range as free', () => {
		const old = new Map([[0, claim('other', { prefix: '28', start: 1, end: 1000 })]]);
		const tiny = { ...range, end: 100 };
		expect(blockToClaim(tiny, old, 'me')).toBe(0);
	});

	it('starts two tablets on different blocks of a large range', () => {
		const big: CardRange = { prefix: '29', start: 1, end: 9_999_999_999 };
		const a = blockToClaim(big, new Map(), 'install-a');
		const b = blockToClaim(big, new Map(), 'install-b');
		expect(a).not.toBeNull();
		expect(a).not.toBe(b);
		// Same tablet, same answer: the choice is deterministic.
		expect(blockToClaim(big, new Map(), 'install-a')).toBe(a);
	});

	it('picks the lowest number of a block no card has', () => {
		expect(freeInBlock(range, 1, new Set())).toBe(101);
		expect(freeInBlock(range, 1, new Set([101, 102, 104]))).toBe(103);
		const full = new Set(Array.from({ length: 100 }, (_, i) => 101 + i));
		expect(freeInBlock(range, 1, full)).toBeNull();
	});
});
