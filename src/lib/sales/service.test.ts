import { assert, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections, DERIVE_KINDS } from '$lib/projections';
import { DeriveClient, inProcessConnection } from '$lib/derive/client';
import { Deriver } from '$lib/derive/deriver';
import { DexieCustomerService } from '$lib/customers/service';
import { DexieItemService, DexieSalesService } from './service';
import { emptyDraft } from '$lib/domain/customer';
import { seededIds } from '$lib/domain/ids';
import type { Sale } from '$lib/domain/sales/types';
import { SALES_SHARDS, salesDocName, unshardedSalesDocName } from '$lib/store/docnames';
import { messageFor } from '$lib/domain/errors';
import { salesMap, writeSale } from './yjs';
import { deviceCode, parseReceiptNumber, receiptNumber, storeCode } from '$lib/domain/sales/receipt';

const TODAY = '2026-11-23';
let n = 0;

function tablet(seed: number, storeId = 'camden') {
	const name = `sales-test-${++n}-${Math.random()}`;
	const db = new ShopDB(name);
	const strict = new ShopDB(name, { durability: 'strict' });
	const strictFlushes: string[] = [];
	const store = new DocStore(db, {
		projections: allProjections,
		deriveKinds: DERIVE_KINDS,
		channel: null,
		strictDb: strict,
		strictDocs: (doc) => {
			const yes = doc.startsWith('sales-');
			if (yes) strictFlushes.push(doc);
			return yes;
		}
	});
	// Statistics are derived after each flush, here by an in-process Deriver (a worker in the app).
	const derive = new DeriveClient({
		connect: () => inProcessConnection(new Deriver()),
		dbName: name,
		context: () => ({ today: TODAY, timeZone: 'Europe/London', now: '2026-11-23T10:00:00.000Z' }),
		announce: (changes) => store.announce(changes)
	});
	store.subscribe((changes) => {
		if (DERIVE_KINDS.some((k) => changes[k]?.length)) derive.notify();
	});
	const customers = new DexieCustomerService(store, {
		validation: () => ({ defaultCountry: 'GB', today: TODAY }),
		now: () => '2026-11-23T10:00:00.000Z',
		newId: seededIds(seed)
	});
	const sales = new DexieSalesService(store, {
		now: () => '2026-11-23T10:00:00.000Z',
		today: () => TODAY,
		timeZone: () => 'Europe/London',
		by: () => `Till ${seed}`,
		receiptIssuer: () => ({ storeId, installId: `install-${seed}` }),
		settled: () => derive.settled()
	});
	return { db, store, customers, sales, derive, items: new DexieItemService(store), strictFlushes };
}

function sale(over: Partial<Sale> & { id: string; receiptNo: string }): Sale {
	const lines = [
		{
			itemId: 'mug',
			sku: 'MUG-1',
			name: 'Blue mug',
			brand: 'Potter',
			category: 'Home',
			variant: '350 ml',
			qty: 2,
			unitPrice: 1250,
			unitCost: 500,
			discount: 0,
			discountReason: '',
			pointsRedeemed: 0,
			pointsValue: 0
		}
	];
	return {
		at: '2026-11-20T12:00:00.000Z',
		storeId: 'camden',
		deviceId: 'd',
		deviceName: 'Till',
		cashier: 'Ann',
		customerId: null,
		lines,
		payments: [{ method: 'card', amount: 2500 }],
		subtotal: 2500,
		discountTotal: 0,
		pointsValue: 0,
		total: 2500,
		change: 0,
		pointsRedeemed: 0,
		pointsEarned: 25,
		refundOf: null,
		currency: 'GBP',
		...over
	};
}

async function customer(t: ReturnType<typeof tablet>) {
	const r = await t.customers.create({ ...emptyDraft('2026-01-01T00:00:00.000Z'), firstName: 'Jane', lastName: 'Smith' });
	if (!r.ok) throw new Error('create failed');
	return r.id;
}

async function exchange(a: ReturnType<typeof tablet>, b: ReturnType<typeof tablet>, doc: string) {
	const da = await a.store.open(doc);
	const db = await b.store.open(doc);
	await b.store.applyRemote(doc, Y.encodeStateAsUpdate(da, Y.encodeStateVector(db)));
	await a.store.applyRemote(doc, Y.encodeStateAsUpdate(db, Y.encodeStateVector(da)));
}

describe('sales data layer', () => {
	it('a sale for a customer updates their statistics at once, through a strictly durable flush', async () => {
		const t = tablet(1);
		const id = await customer(t);
		const r = await t.sales.record(sale({ id: 's1', receiptNo: await t.sales.nextReceiptNo(), customerId: id }));
		expect(r.ok).toBe(true);
		const stats = await t.sales.settledStats(id);
		expect(stats?.totalSpend).toBe(2500);
		expect(stats?.visits).toBe(1);
		expect(stats?.pointsBalance).toBe(25);
		expect(t.strictFlushes).toContain(salesDocName({ at: '2026-11-20T12:00:00.000Z', id: 's1' }));
		expect(await t.sales.nextReceiptNo()).toBe(receiptNumber('CAM', deviceCode('install-1'), 2));
	});

	it('issues receipt numbers that parseReceiptNumber reads, with the one store-code rule', async () => {
		const t = tablet(21);
		const first = await t.sales.nextReceiptNo();
		expect(parseReceiptNumber(first)).toEqual({ storeCode: 'CAM', deviceCode: deviceCode('install-21'), seq: 1 });
		const r = await t.sales.record(sale({ id: 'p1', receiptNo: first }));
		expect(r.ok).toBe(true);
		expect(parseReceiptNumber(await t.sales.nextReceiptNo())?.seq).toBe(2);
		// A tablet not yet given a store falls back to the same code receipt.ts gives.
		const loose = tablet(22, '');
		expect(parseReceiptNumber(await loose.sales.nextReceiptNo())?.storeCode).toBe(storeCode(''));
	});

	it('refuses a duplicate receipt number and redeeming more points than the balance', async () => {
		const t = tablet(2);
		const id = await customer(t);
		await t.sales.record(sale({ id: 's1', receiptNo: 'CAM-D2-000001', customerId: id }));
		const dup = await t.sales.record(sale({ id: 's2', receiptNo: 'CAM-D2-000001' }));
		assert(!dup.ok, 'a duplicate receipt number was accepted');
		expect(dup.errors[0].code).toBe('receipt-duplicate');
		const lines = [{ ...sale({ id: '', receiptNo: '' }).lines[0], pointsRedeemed: 26 }];
		const greedy = await t.sales.record(sale({ id: 's3', receiptNo: 'CAM-D2-000002', customerId: id, lines, pointsRedeemed: 26 }));
		assert(!greedy.ok, 'redeeming more points than the balance was accepted');
		expect(greedy.errors.map((e) => e.code)).toEqual(['points-exceed-balance']);
		expect(messageFor(greedy.errors[0])).toBe('Only 25 points available');
		expect(await t.db.sales.count()).toBe(1);
	});

	it('refuses a sale whose totals its lines do not add up to, and imports none of a batch holding one', async () => {
		const t = tablet(23);
		const wrong = await t.sales.record(sale({ id: 'w1', receiptNo: 'CAM-D2-000003', total: 2400 }));
		assert(!wrong.ok, 'a sale with a wrong total was recorded');
		expect(wrong.errors).toEqual([{ field: 'total', code: 'sale-totals-inconsistent', params: { total: 'total' } }]);
		const empty = await t.sales.record(sale({ id: 'w2', receiptNo: 'CAM-D2-000004', lines: [] }));
		assert(!empty.ok, 'a sale without lines was recorded');
		expect(empty.errors.map((e) => e.code)).toContain('cart-empty');
		const batch = [sale({ id: 'h1', receiptNo: 'OLD-1' }), sale({ id: 'h2', receiptNo: 'OLD-2', subtotal: 1 })];
		await expect(t.sales.importMany(batch)).rejects.toThrow(/Receipt OLD-2 not saved/);
		expect(await t.db.sales.count()).toBe(0);
	});

	it('two tablets selling offline to one customer: both sales, summed spend and points, none twice', async () => {
		const a = tablet(3);
		const b = tablet(4);
		const id = await customer(a);
		const custDoc = (await a.db.yupdates.toArray())[0].doc;
		await exchange(a, b, custDoc);
		const sa = sale({ id: 'sa', receiptNo: 'CAM-D3-000001', customerId: id });
		const sb = sale({ id: 'sb', receiptNo: 'CAM-D4-000001', customerId: id, at: '2026-11-21T09:00:00.000Z' });
		await a.sales.record(sa);
		await b.sales.record(sb);
		const docs = [...new Set([salesDocName(sa), salesDocName(sb)])];
		for (const doc of docs) await exchange(a, b, doc);
		// The same updates again (a tablet re-sending after a dropped connection): nothing changes.
		for (const doc of docs) await exchange(a, b, doc);
		for (const t of [a, b]) {
			const stats = await t.sales.settledStats(id);
			expect(stats?.totalSpend).toBe(5000);
			expect(stats?.visits).toBe(2);
			expect(stats?.pointsBalance).toBe(50);
			expect((await t.sales.ofCustomer(id)).map((s) => s.id)).toEqual(['sb', 'sa']);
		}
	});

	it("a month's sales spread over its shards; a sale written before sharding is still tracked where it lives", async () => {
		const ids = Array.from({ length: 64 }, (_, i) => `sale-${i}`);
		const names = new Set(ids.map((id) => salesDocName({ at: '2026-11-20T12:00:00.000Z', id })));
		expect(names.size).toBe(SALES_SHARDS);
		for (const n of names) expect(n).toMatch(/^sales-2026-11-[0-7]$/);

		const t = tablet(6);
		const id = await customer(t);
		// A sale as an earlier version wrote it: into the month's one document.
		const legacy = sale({ id: 'legacy', receiptNo: 'CAM-D6-000001' });
		await t.store.transact([unshardedSalesDocName(legacy.at)], (docs) => writeSale(salesMap(docs.get(unshardedSalesDocName(legacy.at))!), legacy));
		await t.sales.settledStats(id);
		expect((await t.sales.get('legacy'))?.customerId).toBeFalsy();
		expect(await t.sales.track('legacy', id)).toEqual({ ok: true });
		expect((await t.sales.settledStats(id))?.visits).toBe(1);
		const again = await t.sales.track('legacy', id);
		expect(again.ok).toBe(false);
		// Nothing was written into the shard the sale would have today.
		expect((await t.db.yupdates.toArray()).some((u) => u.doc === salesDocName(legacy))).toBe(false);
	});

	it('tracking a finalised sale attaches it once; adjustments move the balance with a reason', async () => {
		const t = tablet(5);
		const id = await customer(t);
		await t.sales.record(sale({ id: 'anon', receiptNo: 'CAM-D5-000001' }));
		expect(await t.sales.settledStats(id)).toBeUndefined();
		expect(await t.sales.track('anon', id)).toEqual({ ok: true });
		expect((await t.sales.settledStats(id))?.pointsBalance).toBe(25);
		const again = await t.sales.track('anon', id);
		expect(again.ok).toBe(false);
		expect(await t.sales.adjustPoints(id, -30, 'Broken mug goodwill reversal')).toEqual({ ok: true });
		const noReason = await t.sales.adjustPoints(id, 5, '  ');
		expect(noReason.ok).toBe(false);
		const stats = await t.sales.settledStats(id);
		// Negative balances are kept (and flagged in the UI), never silently corrected.
		expect(stats?.pointsBalance).toBe(-5);
		expect((await t.sales.adjustmentsOf(id)).map((a) => a.reason)).toEqual(['Broken mug goodwill reversal']);
	});

	it('recomputing every customer’s statistics from scratch gives the same answer', async () => {
		const t = tablet(6);
		const id = await customer(t);
		await t.sales.record(sale({ id: 'x1', receiptNo: 'CAM-D6-000001', customerId: id }));
		await t.sales.record(sale({ id: 'x2', receiptNo: 'CAM-D6-000002', customerId: id, at: '2025-01-02T10:00:00.000Z' }));
		const incremental = await t.sales.settledStats(id);
		await t.db.customerStats.clear();
		await t.derive.rebuild();
		expect(await t.sales.settledStats(id)).toEqual(incremental);
		expect(incremental?.totalSpend).toBe(5000);
		expect(incremental?.spend12m).toBe(2500);
	});

	it('items are found by barcode, SKU and name words', async () => {
		const t = tablet(7);
		const item = {
			id: 'i1',
			sku: 'MUG-1',
			barcode: '5012345678900',
			name: 'Mug, blue',
			brand: 'Potter',
			category: 'Home',
			variant: '350 ml',
			price: 1250,
			cost: 500,
			redeem: 'full' as const,
			pointsPrice: 1250,
			active: true
		};
		expect(await t.items.save(item)).toEqual({ ok: true, id: 'i1' });
		expect((await t.items.findByCode('5012345678900'))?.id).toBe('i1');
		expect((await t.items.findByCode('mug-1'))?.id).toBe('i1');
		expect((await t.items.search('blue mu')).map((i) => i.id)).toEqual(['i1']);
		const clash = await t.items.save({ ...item, id: 'i2', barcode: '' });
		assert(!clash.ok, 'a second item with the same SKU was saved');
		expect(clash.errors.map((e) => messageFor(e))).toEqual(['SKU MUG-1 is already used by Mug, blue']);
		const sameBarcode = await t.items.save({ ...item, id: 'i3', sku: 'MUG-2' });
		assert(!sameBarcode.ok, 'a second item with the same barcode was saved');
		expect(sameBarcode.errors.map((e) => e.code)).toEqual(['barcode-duplicate']);
	});

	it('validates every item it writes, one by one or imported', async () => {
		const t = tablet(24);
		const item = {
			id: 'v1', sku: ' TEA-1 ', barcode: '', name: '  Green   tea ', brand: '', category: '', variant: '',
			price: 450, cost: 100, redeem: 'none' as const, pointsPrice: 0, active: true
		};
		const bad = await t.items.save({ ...item, name: '', price: 0, redeem: 'full' });
		assert(!bad.ok, 'an item without name, price or points price was saved');
		expect(bad.errors.map((e) => e.code)).toEqual(['item-name-required', 'item-price-missing', 'points-price-missing']);
		const badCode = await t.items.save({ ...item, barcode: '5012345678901' });
		assert(!badCode.ok, 'a barcode with a wrong check digit was saved');
		expect(badCode.errors.map((e) => e.code)).toEqual(['barcode-check-digit']);
		expect(await t.db.items.count()).toBe(0);
		// What is written is the validated item: trimmed and with single spaces.
		expect(await t.items.save(item)).toEqual({ ok: true, id: 'v1' });
		expect(await t.items.get('v1')).toMatchObject({ sku: 'TEA-1', name: 'Green tea' });

		const batch = [{ ...item, id: 'v2', sku: 'TEA-2' }, { ...item, id: 'v3', sku: 'TEA-3', cost: -5 }];
		await expect(t.items.importMany(batch)).rejects.toThrow(/Item TEA-3 not saved/);
		expect(await t.db.items.count()).toBe(1);
	});
});

describe('importing historical sales', () => {
	it('matches customers by card, email or phone in any format and writes sales by month', async () => {
		const t = tablet(8);
		const r = await t.customers.create({
			...emptyDraft('2026-01-01T00:00:00.000Z'),
			firstName: 'Jane',
			email: 'jane@example.com',
			phone: '07700 900123',
			cards: ['2000012345678']
		});
		if (!r.ok) throw new Error('create failed');
		const match = await t.customers.matcher();
		expect(match({ card: '2000 0123 45678' })).toBe(r.id);
		expect(match({ email: 'JANE@example.com' })).toBe(r.id);
		expect(match({ phone: '+44 7700 900123' })).toBe(r.id);
		expect(match({ phone: '07700 900999' })).toBeNull();

		const old = [
			sale({ id: 'h1', receiptNo: 'OLD-1', customerId: r.id, at: '2024-03-05T10:00:00.000Z' }),
			sale({ id: 'h2', receiptNo: 'OLD-2', customerId: r.id, at: '2025-12-24T10:00:00.000Z' })
		];
		expect(await t.sales.importMany(old)).toEqual({ imported: 2, cancelled: false });
		expect([...(await t.sales.receiptNumbers())].sort()).toEqual(['OLD-1', 'OLD-2']);
		const stats = await t.sales.settledStats(r.id);
		expect(stats?.totalSpend).toBe(5000);
		expect(stats?.spend12m).toBe(2500);
		expect(new Set((await t.db.yupdates.toArray()).map((u) => u.doc))).toEqual(
			new Set([(await t.db.yupdates.toArray())[0].doc, salesDocName(old[0]), salesDocName(old[1])])
		);
	});
});
