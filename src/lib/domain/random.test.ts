import { describe, expect, it } from 'vitest';
import { mulberry32, Rng } from './random';

describe('mulberry32', () => {
	it('is deterministic per seed and differs between seeds', () => {
		const a = mulberry32(42);
		const b = mulberry32(42);
		const c = mulberry32(43);
		const sa = Array.from({ length: 5 }, a);
		expect(Array.from({ length: 5 }, b)).toEqual(sa);
		expect(Array.from({ length: 5 }, c)).not.toEqual(sa);
	});

	it('stays in [0, 1) and is roughly uniform', () => {
		const r = mulberry32(1);
		const buckets = new Array(10).fill(0);
		let lo = 1;
		let hi = 0;
		for (let i = 0; i < 100_000; i++) {
			const x = r();
			lo = Math.min(lo, x);
			hi = Math.max(hi, x);
			buckets[Math.floor(x * 10)]++;
		}
		expect(lo).toBeGreaterThanOrEqual(0);
		expect(hi).toBeLessThan(1);
		for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(500);
	});
});

describe('Rng', () => {
	it('int is inclusive at both ends and never outside', () => {
		const rng = new Rng(7);
		const seen = new Set<number>();
		for (let i = 0; i < 1000; i++) {
			const n = rng.int(3, 6);
			expect(n).toBeGreaterThanOrEqual(3);
			expect(n).toBeLessThanOrEqual(6);
			seen.add(n);
		}
		expect([...seen].sort()).toEqual([3, 4, 5, 6]);
	});

	it('pick returns every element eventually and throws on empty arrays', () => {
		const rng = new Rng(7);
		const seen = new Set<string>();
		for (let i = 0; i < 200; i++) seen.add(rng.pick(['a', 'b', 'c']));
		expect(seen.size).toBe(3);
		expect(() => rng.pick([])).toThrow(RangeError);
	});

	it('chance follows p', () => {
		const rng = new Rng(9);
		let hits = 0;
		for (let i = 0; i < 10_000; i++) if (rng.chance(0.3)) hits++;
		expect(hits).toBeGreaterThan(2800);
		expect(hits).toBeLessThan(3200);
		expect(rng.chance(0)).toBe(false);
		expect(rng.chance(1)).toBe(true);
	});

	it('weighted follows the weights and never picks zero-weight items', () => {
		const rng = new Rng(11);
		const counts: Record<string, number> = { a: 0, b: 0, z: 0 };
		for (let i = 0; i < 10_000; i++) counts[rng.weighted<string>([['a', 3], ['z', 0], ['b', 1]])]++;
		expect(counts.z).toBe(0);
		expect(counts.a / counts.b).toBeGreaterThan(2.6);
		expect(counts.a / counts.b).toBeLessThan(3.4);
	});
});
