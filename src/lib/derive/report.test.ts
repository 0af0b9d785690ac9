import { describe, expect, it } from 'vitest';
import { emptyStats } from '$lib/domain/sales/stats';
import { SpendIndex } from './report';

describe('SpendIndex', () => {
	it('gives back each customer’s spend by brand and category as stored, days and keys shared', () => {
		const index = new SpendIndex();
		const a = { ...emptyStats('a', '2026-03-31'), spendBy: ['2026-03-01', 'b:Acme', 1200, '2026-03-01', 'c:Home', -300, '2026-03-02', 'b:Acme', 50] };
		const b = { ...emptyStats('b', '2026-03-31'), spendBy: ['2026-03-02', 'c:Home', 700] };
		index.set('a', a);
		index.set('b', b);
		expect(index.spendOf('a')).toEqual(a.spendBy);
		expect(index.spendOf('b')).toEqual(b.spendBy);
		expect(index.spendOf('nobody')).toEqual([]);
		// An amount beyond 32 bits (a very large shop) is kept exactly.
		const big = { ...emptyStats('c', '2026-03-31'), spendBy: ['2026-03-03', 'b:Gold', 5_000_000_000] };
		index.set('c', big);
		expect(index.spendOf('c')).toEqual(big.spendBy);
		// A customer erased, or with nothing bought any more, is forgotten; reset forgets everyone.
		index.set('b', undefined);
		expect(index.spendOf('b')).toEqual([]);
		index.reset();
		expect(index.spendOf('a')).toEqual([]);
	});
});
