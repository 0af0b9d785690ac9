// Seeded randomness for tests, the demo shop and benchmarks: the same seed gives the same data
// on every machine, so a failing test or a benchmark result can be reproduced exactly.

/** Mulberry32: tiny, fast and good enough for test data (not for anything secret). Returns [0, 1). */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class Rng {
	readonly #next: () => number;

	constructor(seed: number) {
		this.#next = mulberry32(seed);
	}

	/** A float in [0, 1). */
	next(): number {
		return this.#next();
	}

	/** An integer in [min, max], both inclusive. */
	int(min: number, max: number): number {
		return min + Math.floor(this.#next() * (max - min + 1));
	}

	pick<T>(a: readonly T[]): T {
		if (a.length === 0) throw new RangeError('pick from an empty array');
		return a[Math.floor(this.#next() * a.length)];
	}

	/** True with probability p. */
	chance(p: number): boolean {
		return this.#next() < p;
	}

	/** One item, chosen with probability proportional to its weight (weights need not sum to 1). */
	weighted<T>(items: readonly [T, number][]): T {
		let total = 0;
		for (const [, w] of items) total += w;
		if (items.length === 0 || total <= 0) throw new RangeError('weighted needs a positive total weight');
		let r = this.#next() * total;
		for (const [item, w] of items) {
			r -= w;
			if (r < 0) return item;
		}
		// Floating-point rounding can leave r at a hair above 0: the last weighted item is the answer.
		for (let i = items.length - 1; ; i--) if (items[i][1] > 0) return items[i][0];
	}
}
