// Duplicate merge through the real write path: DocStore + projections + derive stage, two tablets
// syncing by exchanging Yjs updates (the relay's protocol carries exactly these).
import { assert, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections, DERIVE_KINDS } from '$lib/projections';
import { DeriveClient, inProcessConnection } from '$lib/derive/client';
import { Deriver } from '$lib/derive/deriver';
import { DexieCustomerService } from '$lib/customers/service';
import { CustomerMergeService } from './service';
import { DexieSalesService } from '$lib/sales/service';
import { DexieGroupService } from '$lib/groups/service';
import { emptyDraft, type CustomerDraft } from '$lib/domain/customer';
import { defaultChoices, MERGE_CHOICE_FIELDS, type MergeChoices } from '$lib/domain/merge';
import { seededIds } from '$lib/domain/ids';
import type { Sale } from '$lib/domain/sales/types';
import { messageFor } from '$lib/domain/errors';
import { pairKey } from '$lib/domain/duplicates';
import { LATE_EDITS_KIND } from '$lib/customers/merges';
import { ErasureService } from '$lib/customers/erasure-service';
import { customerDocName } from '$lib/store/docnames';
import { consentEventsByCustomer, writeOpening } from '$lib/customers/yjs';

const TODAY = '2026-11-23';
let n = 0;

function tablet(seed: number, clock = { now: '2026-11-23T10:00:00.000Z' }) {
	const name = `merge-test-${++n}-${Math.random()}`;
	const db = new ShopDB(name);
	const store = new DocStore(db, { projections: allProjections, deriveKinds: DERIVE_KINDS, channel: null });
	const derive = new DeriveClient({
		connect: () => inProcessConnection(new Deriver()),
		dbName: name,
		context: () => ({ today: TODAY, timeZone: 'Europe/London', now: clock.now }),
		announce: (changes) => store.announce(changes)
	});
	store.subscribe((changes) => {
		if (DERIVE_KINDS.some((k) => changes[k]?.length)) derive.notify();
	});
	const now = () => clock.now;
	const customers = new DexieCustomerService(store, { validation: () => ({ defaultCountry: 'GB', today: TODAY }), now, newId: seededIds(seed) });
	const sales = new DexieSalesService(store, {
		now,
		today: () => TODAY,
		timeZone: () => 'Europe/London',
		by: () => `Till ${seed}`,
		receiptIssuer: () => ({ storeId: 'camden', installId: `install-${seed}` }),
		settled: () => derive.settled()
	});
	const groups = new DexieGroupService(store, { now, today: () => TODAY, by: () => `Till ${seed}`, derivation: derive });
	const merges = new CustomerMergeService(store, { now, by: () => `Till ${seed}` });
	// As the app does (state/shop.svelte.ts): edits of a merged-away customer made before the merge was heard of.
	const forwarding: Promise<number>[] = [];
	store.subscribe((changes) => {
		if (changes[LATE_EDITS_KIND]?.length) forwarding.push(merges.forwardLateEdits(changes[LATE_EDITS_KIND]));
	});
	return { db, store, customers, sales, groups, merges, derive, clock, forwarding };
}
type Tablet = ReturnType<typeof tablet>;

function sale(id: string, receiptNo: string, customerId: string, total = 2500): Sale {
	return {
		id,
		receiptNo,
		at: '2026-11-20T12:00:00.000Z',
		storeId: 'camden',
		deviceId: 'd',
		deviceName: 'Till',
		cashier: 'Ann',
		customerId,
		lines: [{ itemId: 'mug', sku: 'MUG-1', name: 'Blue mug', brand: 'Potter', category: 'Home', variant: '', qty: 1, unitPrice: total, unitCost: 500, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0 }],
		payments: [{ method: 'card', amount: total }],
		subtotal: total,
		discountTotal: 0,
		pointsValue: 0,
		total,
		change: 0,
		pointsRedeemed: 0,
		pointsEarned: total / 100,
		refundOf: null,
		currency: 'GBP'
	};
}

async function create(t: Tablet, over: Partial<CustomerDraft>): Promise<string> {
	const r = await t.customers.create({ ...emptyDraft('2026-01-01T00:00:00.000Z'), ...over });
	assert(r.ok, JSON.stringify(r));
	return r.id;
}

async function ring(t: Tablet, id: string, customerId: string, total = 2500): Promise<void> {
	const r = await t.sales.record(sale(id, await t.sales.nextReceiptNo(), customerId, total));
	assert(r.ok, JSON.stringify(r));
}

/** Every document either tablet holds, exchanged both ways (a reconnect). */
async function sync(a: Tablet, b: Tablet): Promise<void> {
	const names = new Set([...(await a.db.ydocs.toCollection().primaryKeys()), ...(await b.db.ydocs.toCollection().primaryKeys()), ...a.store.loadedDocs, ...b.store.loadedDocs]);
	for (const doc of names as Set<string>) {
		const da = await a.store.open(doc);
		const db = await b.store.open(doc);
		await b.store.applyRemote(doc, Y.encodeStateAsUpdate(da, Y.encodeStateVector(db)));
		await a.store.applyRemote(doc, Y.encodeStateAsUpdate(db, Y.encodeStateVector(da)));
	}
	await Promise.all([...a.forwarding, ...b.forwarding]);
	await a.derive.settled();
	await b.derive.settled();
}

const keepAll = Object.fromEntries(MERGE_CHOICE_FIELDS.map((f) => [f, 'kept'])) as MergeChoices;

describe('merging two customers', () => {
	it('moves sales, points, cards, consents (latest per channel), notes and manual memberships to the kept customer', async () => {
		const t = tablet(1);
		const kept = await create(t, {
			firstName: 'Jon',
			lastName: 'Smith',
			cards: ['11111111'],
			notes: 'Likes blue',
			consents: { email: { status: 'granted', date: '2026-01-01T00:00:00.000Z', source: 'till', recordedBy: 'Ann' } }
		});
		const other = await create(t, {
			firstName: 'John',
			lastName: 'Smith',
			email: 'john@example.com',
			cards: ['22222222'],
			notes: 'Allergic to wool',
			consents: {
				email: { status: 'withdrawn', date: '2026-05-01T00:00:00.000Z', source: 'online', recordedBy: 'Website' },
				sms: { status: 'granted', date: '2026-02-01T00:00:00.000Z', source: 'till', recordedBy: 'Ann' }
			}
		});
		await ring(t, 's-kept', kept, 1000);
		await ring(t, 's-other', other, 3000);
		expect(await t.sales.adjustPoints(other, 40, 'Goodwill')).toEqual({ ok: true });
		const g = await t.groups.create({ name: 'Trade', description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false, type: 'manual' });
		assert(g.ok, JSON.stringify(g));
		const groupId = g.id;
		await t.groups.addMembers([groupId], [other]);
		await t.derive.settled();
		expect((await t.sales.stats(other))?.totalSpend).toBe(3000);

		const r = await t.merges.merge(kept, other, { ...keepAll, email: 'other', firstName: 'other' });
		expect(r).toEqual({ ok: true, keptId: kept });
		await t.derive.settled();

		const c = await t.customers.get(kept);
		assert(c);
		expect(c.firstName).toBe('John');
		expect(c.email).toBe('john@example.com');
		expect(c.cards).toEqual(['11111111', '22222222']);
		expect(c.notes).toBe('Likes blue\n\nAllergic to wool');
		expect(c.consents.email?.status).toBe('withdrawn');
		expect(c.consents.sms?.status).toBe('granted');
		// The other customer is gone from the list, and redirects.
		expect(await t.customers.get(other)).toBeUndefined();
		expect((await t.merges.mergedAway(other))?.survivor).toBe(kept);
		expect((await t.customers.findByCard('22222222'))?.id).toBe(kept);
		// Sales and points: under the kept customer, counted once.
		expect((await t.sales.ofCustomer(kept)).map((s) => s.id).sort()).toEqual(['s-kept', 's-other']);
		expect(await t.sales.ofCustomer(other)).toEqual([]);
		const stats = await t.sales.settledStats(kept);
		expect(stats?.totalSpend).toBe(4000);
		expect(stats?.visits).toBe(2);
		expect(stats?.pointsBalance).toBe(10 + 30 + 40);
		expect(await t.db.customerStats.get(other)).toBeUndefined();
		expect((await t.sales.adjustmentsOf(kept)).map((a) => a.points)).toEqual([40]);
		// Manual membership moved; the merged-away customer is no member of anything.
		expect((await t.db.memberships.get(kept))?.keys).toContain(groupId);
		expect(await t.db.memberships.get(other)).toBeUndefined();
	});

	it('a consent both customers hold (imported from one file) is copied once and listed once; a later withdrawal of the other is copied', async () => {
		const t = tablet(7);
		const grant = { status: 'granted' as const, date: '2026-03-01T09:00:00.000Z', source: 'import' as const, recordedBy: 'Import' };
		const kept = await create(t, { firstName: 'Ann', lastName: 'Lee', consents: { email: grant } });
		const other = await create(t, { firstName: 'Anne', lastName: 'Lee', consents: { email: grant, sms: grant } });
		t.clock.now = '2026-11-23T10:05:00.000Z';
		const withdrawn = { status: 'withdrawn' as const, date: '2026-11-23T10:05:00.000Z', source: 'till' as const, recordedBy: 'Till 7' };
		const o = await t.customers.get(other);
		assert(o);
		expect((await t.customers.update(other, { ...o, consents: { ...o.consents, sms: withdrawn } })).ok).toBe(true);
		expect(await t.merges.merge(kept, other, keepAll)).toEqual({ ok: true, keptId: kept });
		// Replicated: the kept customer's events are the own grant, the other's sms grant and withdrawal.
		const events = consentEventsByCustomer(await t.store.open(customerDocName(kept)), new Set([kept])).get(kept) ?? [];
		expect(events.map((e) => `${e.channel} ${e.status}`).sort()).toEqual(['email granted', 'sms granted', 'sms withdrawn']);
		const history = await t.customers.consentHistory(kept);
		expect(history.map((e) => `${e.channel} ${e.status}`)).toEqual(['sms withdrawn', 'sms granted', 'email granted']);
		const c = await t.customers.get(kept);
		expect(c?.consents.sms?.status).toBe('withdrawn');
		expect(c?.consents.email?.status).toBe('granted');
	});

	it('refuses a merge with self, with a merged-away or a deleted customer, writing nothing', async () => {
		const t = tablet(2);
		const a = await create(t, { firstName: 'Ann', lastName: 'Lee' });
		const b = await create(t, { firstName: 'Anne', lastName: 'Lee' });
		const c = await create(t, { firstName: 'Annie', lastName: 'Lee' });
		const self = await t.merges.merge(a, a, keepAll);
		assert(!self.ok);
		expect(self.errors.map((e) => e.code)).toEqual(['merge-self']);
		expect(await t.merges.merge(a, b, keepAll)).toEqual({ ok: true, keptId: a });
		const again = await t.merges.merge(c, b, keepAll);
		assert(!again.ok);
		expect(again.errors.map((e) => e.code)).toEqual(['merge-already-merged']);
		expect(messageFor(again.errors[0])).toBe('Anne Lee was already merged into Ann Lee: merge with that customer instead');
		const into = await t.merges.merge(b, c, keepAll);
		assert(!into.ok);
		expect(into.errors.map((e) => e.code)).toEqual(['merge-already-merged']);
		await t.customers.remove(c);
		const gone = await t.merges.merge(a, c, keepAll);
		assert(!gone.ok);
		expect(gone.errors.map((e) => e.code)).toEqual(['merge-customer-gone']);
		expect((await t.customers.get(a))?.firstName).toBe('Ann');
	});

	it('follows a chain of merges: a sale of the first customer counts for the last survivor', async () => {
		const t = tablet(3);
		const a = await create(t, { firstName: 'A', lastName: 'One' });
		const b = await create(t, { firstName: 'B', lastName: 'One' });
		const c = await create(t, { firstName: 'C', lastName: 'One' });
		await ring(t, 'sa', a);
		expect((await t.merges.merge(b, a, keepAll)).ok).toBe(true);
		expect((await t.merges.merge(c, b, keepAll)).ok).toBe(true);
		await t.derive.settled();
		expect((await t.sales.ofCustomer(c)).map((s) => s.id)).toEqual(['sa']);
		expect((await t.merges.mergedAway(a))?.survivor).toBe(c);
		expect((await t.merges.mergedInto(c)).map((r) => r.id).sort()).toEqual([a, b].sort());
		// A sale rung up later to the first id (an offline till) lands with the survivor too.
		await ring(t, 'sa-late', a, 500);
		expect((await t.sales.settledStats(c))?.totalSpend).toBe(3000);
	});

	it('moves the merged-away customer’s opening balance to the kept one, counted once', async () => {
		const t = tablet(5);
		const a = await create(t, { firstName: 'Ann', lastName: 'Lee' });
		const b = await create(t, { firstName: 'Anne', lastName: 'Lee' });
		const opening = (id: string, spend: number, orders: number, points: number, lastOrderDate: string) =>
			t.store.transact([customerDocName(id)], (docs) =>
				writeOpening(docs.get(customerDocName(id))!, { customerId: id, spend, orders, points, lastOrderDate, at: '2026-11-01T09:00:00.000Z', source: 'import old.csv' })
			);
		await opening(a, 10_000, 4, 100, '2026-06-01');
		await opening(b, 5_000, 2, 40, '2026-09-01');
		await ring(t, 'sb', b, 2500);
		await t.derive.settled();
		expect((await t.sales.settledStats(a))?.totalSpend).toBe(10_000);
		expect((await t.merges.merge(a, b, keepAll)).ok).toBe(true);
		await t.derive.settled();
		const stats = await t.sales.settledStats(a);
		expect(stats?.totalSpend).toBe(17_500);
		expect(stats?.visits).toBe(7);
		expect(stats?.pointsBalance).toBe(165);
		expect(await t.db.openingBalances.get(b)).toBeUndefined();
		expect((await t.db.openingBalances.get(a))?.lastOrderDate).toBe('2026-09-01');
	});

	it('refuses to merge an erased customer; erasing a survivor erases the customers merged into it', async () => {
		const t = tablet(6);
		const erasures = new ErasureService(t.store, { now: () => t.clock.now });
		const owner = { by: 'Owner tablet', role: 'owner' as const };
		const a = await create(t, { firstName: 'Ann', lastName: 'Lee', notes: 'likes blue mugs' });
		const b = await create(t, { firstName: 'Anne', lastName: 'Leigh', email: 'anne@example.com', notes: 'old record' });
		const c = await create(t, { firstName: 'Bob', lastName: 'Lee' });
		expect((await t.merges.merge(a, b, keepAll)).ok).toBe(true);
		const erased = await erasures.erase(a, 'ERASE', owner);
		assert(erased.ok, JSON.stringify(erased));
		await t.derive.settled();
		// Both records are gone from every table staff or the app read, the redirect stays.
		expect(await t.db.customers.get(a)).toBeUndefined();
		expect((await t.db.erasures.bulkGet([a, b])).map((r) => !!r)).toEqual([true, true]);
		const row = await t.db.merges.get(b);
		expect(row?.survivor).toBe(a);
		expect(JSON.stringify(row)).not.toMatch(/Anne|Leigh|anne@example|old record/);
		const refused = await t.merges.merge(c, a, keepAll);
		assert(!refused.ok);
		expect(refused.errors.map((e) => e.code)).toEqual(['merge-erased']);
		expect((await t.merges.check(c, a)).map((e) => e.code)).toEqual(['merge-erased']);
	});

	it('"Not a duplicate" is replicated and hides the pair on the other tablet', async () => {
		const a = tablet(4);
		const b = tablet(5);
		const x = await create(a, { firstName: 'Sam', email: 'sam@example.com' });
		const y = await create(a, { firstName: 'Samuel', email: 'sam@example.com' });
		await sync(a, b);
		const finder = new Deriver();
		await finder.open(b.db.name);
		expect((await finder.duplicates()).pairs.map((p) => pairKey(p.a, p.b))).toEqual([pairKey(x, y)]);
		await a.merges.dismiss(y, x);
		await sync(a, b);
		expect(await b.db.dismissedPairs.get(pairKey(x, y))).toBeDefined();
		expect((await finder.duplicates()).pairs).toEqual([]);
		finder.close();
	});
});

describe('merge convergence between two tablets', () => {
	it('a merge on A while B, offline, edits both customers and sells to the merged-away one: one customer, both sales, the edits kept', async () => {
		const a = tablet(6);
		const b = tablet(7);
		const kept = await create(a, { firstName: 'Jon', lastName: 'Smith', phone: '+447700900111' });
		const other = await create(a, { firstName: 'John', lastName: 'Smith', email: 'john@example.com' });
		await sync(a, b);

		// A merges; B (offline) edits the kept customer, edits the other and rings up a sale to it.
		a.clock.now = '2026-11-23T11:00:00.000Z';
		const merged = await a.merges.merge(kept, other, defaultChoices((await a.customers.get(kept))!, (await a.customers.get(other))!));
		expect(merged.ok).toBe(true);
		await ring(a, 'sale-on-a', kept, 1000);
		b.clock.now = '2026-11-23T11:05:00.000Z';
		const k = (await b.customers.get(kept))!;
		expect((await b.customers.update(kept, { ...k, notes: 'Prefers email' }, k)).ok).toBe(true);
		const o = (await b.customers.get(other))!;
		const withdrawn = { status: 'withdrawn' as const, date: '2026-11-23T11:05:00.000Z', source: 'till' as const, recordedBy: 'Bea' };
		const edited = { ...o, lastName: 'Smyth', email: 'john.smith@example.com', consents: { email: withdrawn } };
		expect((await b.customers.update(other, edited, o)).ok).toBe(true);
		await ring(b, 'sale-on-b', other, 2000);

		await sync(a, b);
		// The forwarded edits travel back to the other tablet.
		await sync(a, b);
		for (const t of [a, b]) {
			expect((await t.db.customers.toArray()).map((c) => c.id)).toEqual([kept]);
			const c = (await t.customers.get(kept))!;
			expect(c.notes).toBe('Prefers email');
			// The email was taken from the merged-away customer: B's later correction of it is forwarded.
			expect(c.email).toBe('john.smith@example.com');
			// A consent withdrawn there later is the most recent for its channel: it applies here.
			expect(c.consents.email?.status).toBe('withdrawn');
			// The last name was the kept customer's own: B's edit of the other one's stays in its record.
			expect(c.lastName).toBe('Smith');
			expect((await t.sales.ofCustomer(kept)).map((s) => s.id).sort()).toEqual(['sale-on-a', 'sale-on-b']);
			expect((await t.sales.settledStats(kept))?.totalSpend).toBe(3000);
			expect(await t.db.customerStats.get(other)).toBeUndefined();
			// B's edit of the merged-away customer is kept in its merged record.
			expect((await t.merges.mergedAway(other))?.record.lastName).toBe('Smyth');
		}
	});

	it('opposite merges decided concurrently (A into B on one tablet, B into A on the other) converge on the lower id', async () => {
		const a = tablet(8);
		const b = tablet(9);
		const x = await create(a, { firstName: 'Kim', lastName: 'Park', cards: ['33333333'] });
		const y = await create(a, { firstName: 'Kimberly', lastName: 'Park', cards: ['44444444'] });
		await ring(a, 'sx', x, 1000);
		await ring(a, 'sy', y, 2000);
		await sync(a, b);
		expect((await a.merges.merge(x, y, keepAll)).ok).toBe(true);
		expect((await b.merges.merge(y, x, keepAll)).ok).toBe(true);
		await sync(a, b);
		const low = x < y ? x : y;
		const high = x < y ? y : x;
		for (const t of [a, b]) {
			expect((await t.db.customers.toArray()).map((c) => c.id)).toEqual([low]);
			expect((await t.merges.mergedAway(high))?.survivor).toBe(low);
			expect(await t.merges.mergedAway(low)).toBeUndefined();
			expect((await t.sales.ofCustomer(low)).map((s) => s.id).sort()).toEqual(['sx', 'sy']);
			expect((await t.sales.settledStats(low))?.totalSpend).toBe(3000);
			expect((await t.customers.get(low))?.cards.sort()).toEqual(['33333333', '44444444']);
		}
		// The survivor of the cycle carries a mark of its own, yet takes a further merge.
		const z = await create(a, { firstName: 'Kim', lastName: 'Parke' });
		expect(await a.merges.merge(low, z, keepAll)).toEqual({ ok: true, keptId: low });
		expect((await a.merges.mergedAway(z))?.survivor).toBe(low);
		const refused = await a.merges.merge(high, low, keepAll);
		assert(!refused.ok);
		expect(refused.errors.map((e) => e.code)).toEqual(['merge-already-merged']);
	});
});
