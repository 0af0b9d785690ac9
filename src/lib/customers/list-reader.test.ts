// The customer list's reader on fake-indexeddb: pages in id order that add up to every customer
// once, rows joined with their statistics and membership keys, and the page fallback of the client
// when the worker cannot start or dies mid-load.
import { describe, expect, it } from 'vitest';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections } from '$lib/projections';
import { emptyDraft } from '$lib/domain/customer';
import { seededIds } from '$lib/domain/ids';
import type { CustomerStats } from '$lib/domain/sales/stats';
import type { CustomerListRow } from '$lib/domain/list';
import { DexieCustomerService } from './service';
import { ListReader, type ListReaderApi } from './list-reader';
import { ListReaderClient, ListWorkerFailed, type ListWorkerConnection } from './list-reader-client';

const NOW = '2026-11-23T10:00:00.000Z';
let dbCounter = 0;

async function shopWith(names: string[]) {
	const db = new ShopDB(`list-reader-${++dbCounter}-${Math.random()}`);
	const store = new DocStore(db, { projections: allProjections, channel: null });
	const service = new DexieCustomerService(store, {
		validation: () => ({ defaultCountry: 'GB', today: '2026-11-23', storeIds: ['main'] }),
		now: () => NOW,
		newId: seededIds(dbCounter)
	});
	const ids: string[] = [];
	for (const name of names) {
		const r = await service.create({ ...emptyDraft(NOW, 'main'), firstName: name, lastName: 'Test' });
		expect(r.ok).toBe(true);
		if (r.ok) ids.push(r.id);
	}
	return { db, ids };
}

const stats = (customerId: string, spend12m: number, visits: number) =>
	({ customerId, totalSpend: spend12m, spend12m, visits, lastVisit: NOW, pointsBalance: 7 }) as unknown as CustomerStats;

async function readAll(api: Pick<ListReaderApi, 'page'>, size: number): Promise<{ rows: CustomerListRow[]; pages: number }> {
	const rows: CustomerListRow[] = [];
	let after: string | null = null;
	let pages = 0;
	for (;;) {
		const page = await api.page(after, size);
		pages++;
		rows.push(...page.rows);
		if (page.next === null) return { rows, pages };
		after = page.next;
	}
}

describe('ListReader', () => {
	it('reads every customer once, in id order, in pages, with statistics and membership keys', async () => {
		const names = Array.from({ length: 23 }, (_, i) => `Name${String.fromCharCode(90 - i)}`);
		const { db, ids } = await shopWith(names);
		await db.customerStats.put(stats(ids[3], 4500, 2));
		await db.memberships.put({ customerId: ids[5], keys: ['regulars', 'tiers/gold'], since: {} });
		await db.memberships.put({ customerId: ids[6], keys: [], since: {} });
		const reader = new ListReader(db);
		expect(await reader.count()).toBe(23);
		const { rows, pages } = await readAll(reader, 5);
		expect(pages).toBe(5);
		expect(rows.map((r) => r.id)).toEqual([...ids].sort());
		const byId = new Map(rows.map((r) => [r.id, r]));
		expect(byId.get(ids[3])).toMatchObject({ name: `${names[3]} Test`, spend12m: 4500, visits: 2, pointsBalance: 7 });
		expect(byId.get(ids[4])!.visits).toBeUndefined();
		expect(byId.get(ids[5])!.keys).toEqual(['regulars', 'tiers/gold']);
		// No keys at all rather than an empty list, like a customer in no group.
		expect('keys' in byId.get(ids[6])!).toBe(false);
	});

	it('gives the first page by name, and rows by id with null for a customer gone', async () => {
		const { db, ids } = await shopWith(['Cy', 'Ann', 'Bob']);
		const reader = new ListReader(db);
		expect((await reader.firstByName(2)).map((r) => r.name)).toEqual(['Ann Test', 'Bob Test']);
		const rows = await reader.rows([ids[2], 'nobody', ids[0]]);
		expect(rows.map((r) => r?.name ?? null)).toEqual(['Bob Test', null, 'Cy Test']);
	});

	it('an exact page boundary ends with one empty page', async () => {
		const { db } = await shopWith(['A', 'B', 'C', 'D']);
		const { rows, pages } = await readAll(new ListReader(db), 2);
		expect(rows.length).toBe(4);
		expect(pages).toBe(3);
	});

	it('opens a database by name (as in the worker)', async () => {
		const { db, ids } = await shopWith(['Ann']);
		const reader = new ListReader(null, (name) => new ShopDB(name));
		await expect(reader.count()).rejects.toThrow(/no database open/);
		await reader.open(db.name);
		expect((await reader.rows(ids))[0]?.name).toBe('Ann Test');
	});
});

describe('ListReaderClient', () => {
	/** A worker that runs a ListReader in process and can be made to fail. */
	function fakeWorker(db: ShopDB, opts: { failOnOpen?: boolean; dieAfterPages?: number }) {
		let fail: (e: unknown) => void = () => {};
		const failed = new Promise<never>((_, reject) => (fail = reject));
		failed.catch(() => {});
		const inner = new ListReader(null, (name) => new ShopDB(name));
		let pages = 0;
		let terminated = false;
		const api: ListReaderApi = {
			open: async (name) => {
				if (opts.failOnOpen) {
					fail(new ListWorkerFailed('script failed to load'));
					return new Promise<void>(() => {});
				}
				return inner.open(name);
			},
			count: () => inner.count(),
			firstByName: (n) => inner.firstByName(n),
			page: async (after, n) => {
				if (opts.dieAfterPages !== undefined && pages++ >= opts.dieAfterPages) {
					fail(new ListWorkerFailed('killed'));
					return new Promise(() => {});
				}
				return inner.page(after, n);
			},
			rows: (ids) => inner.rows(ids)
		};
		const conn: ListWorkerConnection = { api, failed, terminate: () => (terminated = true) };
		return { conn, terminated: () => terminated };
	}

	it('reads through the worker while it works', async () => {
		const { db, ids } = await shopWith(['Ann', 'Bob', 'Cy']);
		const w = fakeWorker(db, {});
		const client = new ListReaderClient(db, () => w.conn);
		expect((await readAll(client, 2)).rows.map((r) => r.id)).toEqual([...ids].sort());
		expect(client.fallbackReason).toBe(null);
	});

	it('reads on the page when the worker cannot start', async () => {
		const { db, ids } = await shopWith(['Ann', 'Bob', 'Cy']);
		const w = fakeWorker(db, { failOnOpen: true });
		const client = new ListReaderClient(db, () => w.conn);
		expect((await readAll(client, 2)).rows.map((r) => r.id)).toEqual([...ids].sort());
		expect(client.fallbackReason).toMatch(/script failed to load/);
		expect(w.terminated()).toBe(true);
		const none = new ListReaderClient(db, null);
		expect(await none.count()).toBe(3);
		expect(none.fallbackReason).toBe('no Worker');
	});

	it('finishes on the page when the worker dies mid-load, every customer once', async () => {
		const { db, ids } = await shopWith(['Ann', 'Bob', 'Cy', 'Di', 'Ed']);
		const w = fakeWorker(db, { dieAfterPages: 1 });
		const client = new ListReaderClient(db, () => w.conn);
		expect((await readAll(client, 2)).rows.map((r) => r.id)).toEqual([...ids].sort());
		expect(client.fallbackReason).toMatch(/killed/);
		expect(w.terminated()).toBe(true);
	});

	it('passes on an error that is not the worker failing', async () => {
		const { db } = await shopWith(['Ann']);
		const w = fakeWorker(db, {});
		w.conn.api.rows = async () => {
			throw new Error('disk full');
		};
		const client = new ListReaderClient(db, () => w.conn);
		await expect(client.rows(['x'])).rejects.toThrow('disk full');
		expect(client.fallbackReason).toBe(null);
	});
});
