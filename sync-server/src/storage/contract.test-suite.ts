import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelayStorage } from './types.js';

const bytes = (...values: number[]) => new Uint8Array(values);

/**
 * One suite for every RelayStorage: `open` gives a fresh, empty store; `reopen` (when the
 * implementation persists) closes nothing itself and opens the same data again.
 */
export function relayStorageContract(
	name: string,
	factory: {
		open: () => Promise<RelayStorage>;
		reopen?: (previous: RelayStorage) => Promise<RelayStorage>;
	}
) {
	describe(`RelayStorage contract: ${name}`, () => {
		let storage: RelayStorage;
		beforeEach(async () => {
			storage = await factory.open();
		});
		afterEach(async () => {
			await storage.close();
		});

		it('reads nothing for an unknown doc', async () => {
			expect(await storage.readUpdates('shop/doc')).toEqual([]);
		});

		it('returns updates in append order, per doc', async () => {
			for (let i = 0; i < 15; i++) await storage.appendUpdate('s1/doc', bytes(i));
			await storage.appendUpdate('s1/doc2', bytes(99));
			const read = await storage.readUpdates('s1/doc');
			expect(read.map((u) => u[0])).toEqual([...Array(15).keys()]);
			expect(read[0]).toBeInstanceOf(Uint8Array);
			expect(await storage.readUpdates('s1/doc2')).toEqual([bytes(99)]);
		});

		it('keeps docs whose keys are prefixes of each other apart', async () => {
			await storage.appendUpdate('s1/a', bytes(1));
			await storage.appendUpdate('s1/a.b', bytes(2));
			await storage.appendUpdate('s1/a-b', bytes(3));
			expect(await storage.readUpdates('s1/a')).toEqual([bytes(1)]);
			expect(await storage.readUpdates('s1/a.b')).toEqual([bytes(2)]);
		});

		it('keeps concurrent appends, each once', async () => {
			await Promise.all([...Array(50).keys()].map((i) => storage.appendUpdate('s/d', bytes(i))));
			const read = (await storage.readUpdates('s/d')).map((u) => u[0]).sort((a, b) => a - b);
			expect(read).toEqual([...Array(50).keys()]);
		});

		it('is not affected by the caller mutating its buffer later', async () => {
			const buffer = bytes(1, 2, 3);
			await storage.appendUpdate('s/d', buffer);
			buffer[0] = 42;
			expect(await storage.readUpdates('s/d')).toEqual([bytes(1, 2, 3)]);
		});

		it('replaces the compacted prefix and keeps what was appended after it', async () => {
			for (let i = 0; i < 5; i++) await storage.appendUpdate('s/d', bytes(i));
			const compacting = storage.replaceUpdates('s/d', bytes(100), 3);
			const appending = storage.appendUpdate('s/d', bytes(5));
			await Promise.all([compacting, appending]);
			expect((await storage.readUpdates('s/d')).map((u) => u[0])).toEqual([100, 3, 4, 5]);
			await storage.appendUpdate('s/d', bytes(6));
			expect((await storage.readUpdates('s/d')).map((u) => u[0])).toEqual([100, 3, 4, 5, 6]);
		});

		it('compacts a whole log into one entry', async () => {
			for (let i = 0; i < 4; i++) await storage.appendUpdate('s/d', bytes(i));
			await storage.replaceUpdates('s/d', bytes(7, 7), 4);
			expect(await storage.readUpdates('s/d')).toEqual([bytes(7, 7)]);
		});

		it('refuses to replace more entries than exist', async () => {
			await storage.appendUpdate('s/d', bytes(1));
			await expect(storage.replaceUpdates('s/d', bytes(2), 2)).rejects.toThrow();
			expect(await storage.readUpdates('s/d')).toEqual([bytes(1)]);
		});

		it('rejects doc keys it could not keep apart', async () => {
			await expect(storage.appendUpdate('a!b', bytes(1))).rejects.toThrow();
			await expect(storage.appendUpdate('', bytes(1))).rejects.toThrow();
		});

		it('stores, lists by prefix in key order, and deletes metadata', async () => {
			expect(await storage.getMeta('device/x')).toBeUndefined();
			await storage.putMeta('device/s1/b', { name: 'B', n: 2 });
			await storage.putMeta('device/s1/a', { name: 'A', n: 1 });
			await storage.putMeta('device/s2/a', { name: 'other shop' });
			await storage.putMeta('devices', 'not a device');
			expect(await storage.getMeta('device/s1/a')).toEqual({ name: 'A', n: 1 });
			expect(await storage.listMeta('device/s1/')).toEqual([
				['device/s1/a', { name: 'A', n: 1 }],
				['device/s1/b', { name: 'B', n: 2 }]
			]);
			await storage.deleteMeta('device/s1/a');
			expect(await storage.getMeta('device/s1/a')).toBeUndefined();
			expect((await storage.listMeta('device/')).map(([k]) => k)).toEqual([
				'device/s1/b',
				'device/s2/a'
			]);
		});

		it('keeps metadata apart from doc updates', async () => {
			await storage.appendUpdate('s/d', bytes(1));
			await storage.putMeta('s/d', { x: 1 });
			expect(await storage.readUpdates('s/d')).toEqual([bytes(1)]);
			expect(await storage.listMeta('')).toEqual([['s/d', { x: 1 }]]);
		});

		if (factory.reopen) {
			const reopen = factory.reopen;
			it('keeps updates, compaction and metadata across a reopen', async () => {
				for (let i = 0; i < 3; i++) await storage.appendUpdate('s/d', bytes(i));
				await storage.replaceUpdates('s/d', bytes(50), 2);
				await storage.putMeta('shop/s', { name: 'S' });
				storage = await reopen(storage);
				expect((await storage.readUpdates('s/d')).map((u) => u[0])).toEqual([50, 2]);
				await storage.appendUpdate('s/d', bytes(3));
				expect((await storage.readUpdates('s/d')).map((u) => u[0])).toEqual([50, 2, 3]);
				expect(await storage.getMeta('shop/s')).toEqual({ name: 'S' });
			});
		}
	});
}
