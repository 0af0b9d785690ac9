import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { ShopDB, type CustomerRecord } from './schema';
import { emptyDraft } from '$lib/domain/customer';
import { searchKeys, sortName } from '$lib/domain/search';
import { decodeDupKeys } from '$lib/domain/duplicates';

describe('schema upgrades', () => {
	it('version 4 derives every customer\'s search keys again and keeps the rest of the data', async () => {
		const name = `schema-v4-${Math.random()}`;
		// A tablet on version 2, with the keys it stored then (every name suffix, 'n:jose' included).
		const v2 = new Dexie(name);
		v2.version(1).stores({ customers: 'id, *k, sortName', ydocs: 'name', yupdates: '++seq, doc', kv: 'key', outbox: '++seq, doc' });
		v2.version(2).stores({
			items: 'id, sku, barcode, *k',
			sales: 'id, customerId, at, receiptNo, refundOf',
			adjustments: 'id, customerId',
			customerStats: 'customerId'
		});
		const jose = {
			...emptyDraft('2026-01-01T00:00:00Z'),
			id: 'c1',
			updatedAt: '2026-01-01T00:00:00Z',
			firstName: 'José',
			lastName: 'García',
			phone: '+447700900123'
		};
		const old: CustomerRecord = {
			...jose,
			k: ['n:jose garcia', 'n:garcia', 'n:garcia jose', 'n:jose', 'p:447700900123', 'p:07700900123', 'p:7700900123'],
			sortName: sortName(jose)
		};
		await v2.table('customers').put(old);
		await v2.table('kv').put({ key: 'device', value: { id: 'd1' } });
		await v2.table('ydocs').put({ name: 'customers-0', state: new Uint8Array([1, 2, 3]) });
		v2.close();

		const db = new ShopDB(name);
		expect(await db.deriveQueue.count()).toBe(0);
		const now = await db.customers.get('c1');
		expect(now?.k.sort()).toEqual(searchKeys(jose).sort());
		expect(now?.k).not.toContain('n:jose');
		expect(now?.k).toContain('n:jose garcia');
		expect(await db.customers.where('k').startsWith('n:jose').primaryKeys()).toEqual(['c1']);
		expect({ ...now, k: [] }).toEqual({ ...old, k: [] });
		expect(await db.kv.get('device')).toEqual({ key: 'device', value: { id: 'd1' } });
		expect((await db.ydocs.get('customers-0'))?.state).toEqual(new Uint8Array([1, 2, 3]));
		db.close();
	});

	it('version 8 computes the duplicate-finder keys of every customer already here', async () => {
		const name = `schema-v8-${Math.random()}`;
		const v7 = new Dexie(name);
		v7.version(1).stores({ customers: 'id, *k, sortName', ydocs: 'name', yupdates: '++seq, doc', kv: 'key', outbox: '++seq, doc' });
		const ann = { ...emptyDraft('2026-01-01T00:00:00Z'), id: 'c1', updatedAt: '2026-01-01T00:00:00Z', firstName: 'Ann', lastName: 'Lee', email: 'Ann@Example.com', cards: ['AB1234'] };
		await v7.table('customers').put({ ...ann, k: searchKeys(ann), sortName: sortName(ann) });
		v7.close();
		const db = new ShopDB(name);
		const row = await db.dupKeys.get('c1');
		expect(row && decodeDupKeys(row.id, row.d)).toEqual({ id: 'c1', name: 'ann lee', birthDate: '', email: 'ann@example.com', phone: '', cards: ['ab1234'], postcodes: [] });
		expect(await db.merges.count()).toBe(0);
		db.close();
	});
});
