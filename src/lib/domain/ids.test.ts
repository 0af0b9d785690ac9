import { describe, expect, it } from 'vitest';
import { ID_PATTERN, newId, seededIds } from './ids';

describe('newId', () => {
	it('gives 16 lower-case base32 chars, all different', () => {
		const ids = new Set<string>();
		for (let i = 0; i < 10_000; i++) {
			const id = newId();
			expect(id).toMatch(ID_PATTERN);
			ids.add(id);
		}
		expect(ids.size).toBe(10_000);
	});

	it('uses the whole alphabet', () => {
		const chars = new Set(Array.from({ length: 200 }, newId).join(''));
		expect(chars.size).toBe(32);
	});
});

describe('seededIds', () => {
	it('repeats for the same seed, differs for another', () => {
		const a = seededIds(5);
		const b = seededIds(5);
		const c = seededIds(6);
		const first = [a(), a(), a()];
		expect([b(), b(), b()]).toEqual(first);
		expect(c()).not.toBe(first[0]);
		for (const id of first) expect(id).toMatch(ID_PATTERN);
		expect(new Set(first).size).toBe(3);
	});
});
