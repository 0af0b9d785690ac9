import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocStore, covers, endClocks } from './docstore';
import { ShopDB } from './schema';

describe('outbox clocks', () => {
	it('a later local edit needs the relay to hold its own clocks, not just the first edit', () => {
		const tablet = new Y.Doc();
		const updates: Uint8Array[] = [];
		tablet.on('update', (u: Uint8Array) => updates.push(u));
		const map = tablet.getMap('customers');
		map.set('c1', { firstName: 'Ava' });
		map.set('c1/email', { v: 'ava@example.com', at: 't1' });
		map.set('c1/notes', { v: 'Pays by card', at: 't2' });
		const me = tablet.clientID;
		expect(updates.map(endClocks)).toEqual([{ [me]: 1 }, { [me]: 2 }, { [me]: 3 }]);

		// The relay holds only the first edit: the two later outbox rows are NOT confirmed.
		// (Regression: endClocks returned {} for any update not starting at clock 0, so every edit
		// after a tablet's first was confirmed and announced before it reached the relay.)
		const relay = new Y.Doc();
		Y.applyUpdate(relay, updates[0]);
		const sv = Y.decodeStateVector(Y.encodeStateVector(relay));
		expect(updates.map((u) => covers(sv, endClocks(u)))).toEqual([true, false, false]);

		Y.applyUpdate(relay, updates[1]);
		Y.applyUpdate(relay, updates[2]);
		const all = Y.decodeStateVector(Y.encodeStateVector(relay));
		expect(updates.every((u) => covers(all, endClocks(u)))).toBe(true);
	});
});

describe('two DocStores on one database (a tab and the import worker)', () => {
	const open = (name: string, channel: string | null = null) =>
		new DocStore(new ShopDB(name), { projections: [], channel });
	const note = (store: DocStore, key: string) =>
		store.transact(['notes'], (docs) => docs.get('notes')!.getMap('notes').set(key, true));

	it('a compaction keeps what another store compacted meanwhile', async () => {
		const name = `compact-race-${Math.random()}`;
		const writer = open(name);
		for (let i = 0; i < 201; i++) await note(writer, `n${i}`);

		// `slow` reads the doc's 201 rows; before it compacts them, another store adds a row and a
		// third store loads and compacts all 202 (its snapshot holds 'late', the rows are deleted).
		const slowDb = new ShopDB(name);
		const transaction = slowDb.transaction.bind(slowDb) as (...args: unknown[]) => Promise<unknown>;
		let interfered = false;
		(slowDb as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = (...args) => {
			const running = transaction(...args);
			if (args[0] !== 'r' || interfered) return running;
			interfered = true;
			return running.then(async (value) => {
				await note(writer, 'late');
				const third = open(name);
				await third.open('notes');
				await third.close();
				return value;
			});
		};
		const slow = new DocStore(slowDb, { projections: [], channel: null });
		await slow.open('notes');
		expect(interfered).toBe(true);
		await slow.close();
		await writer.close();

		const reader = open(name);
		const notes = (await reader.open('notes')).getMap('notes');
		expect(notes.get('late')).toBe(true);
		expect(notes.get('n0')).toBe(true);
		expect(notes.size).toBe(202);
		await reader.close();
	});

	it('outbox rows written by another store wake this store’s outbox listeners', async () => {
		const name = `tab-outbox-${Math.random()}`;
		const channel = `docs-${Math.random()}`;
		const page = open(name, channel);
		const worker = open(name, channel);
		let woken = 0;
		const changes: unknown[] = [];
		page.onOutbox(() => woken++);
		page.subscribe((c) => changes.push(c));
		await note(worker, 'from-worker');
		await expect.poll(() => woken).toBe(1);
		expect(await page.db.outbox.count()).toBe(1);
		await worker.close();
		await page.close();
	});

	it('a large flush of another store drops an idle loaded doc here; the next open reads it whole', async () => {
		const name = `tab-reload-${Math.random()}`;
		const channel = `docs-${Math.random()}`;
		const page = open(name, channel);
		const worker = open(name, channel);
		await note(page, 'mine');
		expect(page.loadedDocs).toEqual(['notes']);
		// Over the copy limit: the other store tells tabs to reload instead of sending the bytes.
		const big = 'x'.repeat(300 * 1024);
		await worker.transact(['notes'], (docs) => docs.get('notes')!.getMap('notes').set('big', big));
		await expect.poll(() => page.loadedDocs).toEqual([]);
		const notes = (await page.open('notes')).getMap('notes');
		expect(notes.get('big')).toBe(big);
		expect(notes.get('mine')).toBe(true);

		// A doc held (being synced) is kept and caught up instead.
		const unpin = await page.pin('notes');
		await worker.transact(['notes'], (docs) => docs.get('notes')!.getMap('notes').set('big2', big));
		await expect.poll(async () => (await page.open('notes')).getMap('notes').get('big2')).toBe(big);
		expect(page.loadedDocs).toEqual(['notes']);
		unpin();
		await worker.close();
		await page.close();
	});
});
