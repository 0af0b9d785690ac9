// Groups on fake-indexeddb: the replicated shapes and their projection, the service's validation
// and refusals, the add/remove conflict between offline tablets, bulk changes with a cancel, and
// memberships derived by the derive stage (a sale crossing a tier threshold, birthdays, a worker
// killed mid-derivation).
import { assert, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections, DERIVE_KINDS } from '$lib/projections';
import { allCustomerDocNames, customerDocName, GROUPS_DOC, salesDocName } from '$lib/store/docnames';
import { DexieCustomerService } from '$lib/customers/service';
import { salesMap, writeSale } from '$lib/sales/yjs';
import { Deriver } from '$lib/derive/deriver';
import { emptyDraft, type CustomerDraft } from '$lib/domain/customer';
import { seededIds } from '$lib/domain/ids';
import { Rng } from '$lib/domain/random';
import { InvalidWriteError, messageFor } from '$lib/domain/errors';
import type { Sale } from '$lib/domain/sales/types';
import {
	ALL_CUSTOMERS_ID,
	RULE_SCHEMA_VERSION,
	type Condition,
	type GroupDraft,
	type StoredRule,
	type TierConfig
} from '$lib/domain/groups/types';
import { BULK_BATCH, DexieGroupService } from './service';
import { groupsMap, membersMap } from './yjs';
import { MEMBERSHIPS_KIND } from './derive';
import { GROUPS_DELETED_KIND } from './projection';

const TZ = 'Europe/London';
const START = '2026-11-23T10:00:00.000Z';
let n = 0;

function tablet(seed = ++n) {
	const name = `groups-test-${seed}-${Math.random()}`;
	const db = new ShopDB(name);
	const store = new DocStore(db, { projections: allProjections, deriveKinds: DERIVE_KINDS, channel: null });
	const clock = { ms: Date.parse(START), today: '2026-11-23' };
	const now = () => new Date((clock.ms += 1000)).toISOString();
	const deriver = new Deriver();
	const ctx = () => ({ today: clock.today, timeZone: TZ, now: now() });
	const customers = new DexieCustomerService(store, {
		validation: () => ({ defaultCountry: 'GB', today: clock.today, storeIds: ['main'] }),
		now,
		newId: seededIds(seed * 31)
	});
	const groups = new DexieGroupService(store, {
		now,
		today: () => clock.today,
		by: () => `Till ${seed}`,
		newId: seededIds(seed * 57),
		derivation: {
			preview: (rule, exclude) => deriver.preview(rule, exclude ?? null, ctx()),
			explain: (c, g) => deriver.explain(c, g, ctx()),
			rfmMovement: () => deriver.rfmMovement()
		}
	});
	return {
		name,
		by: `Till ${seed}`,
		db,
		store,
		clock,
		deriver,
		customers,
		groups,
		async open() {
			await deriver.open(name);
			return deriver.start(ctx());
		},
		drain: () => deriver.drain(ctx()),
		async customer(over: Partial<CustomerDraft> = {}) {
			const r = await customers.create({ ...emptyDraft(START, 'main'), firstName: 'Ann', lastName: `Lee ${++n}`, ...over });
			assert(r.ok, 'customer refused');
			return r.id;
		},
		async sell(s: Sale) {
			const doc = salesDocName(s);
			await store.transact([doc], (d) => writeSale(salesMap(d.get(doc)!), s));
		},
		async keys(id: string) {
			return (await db.memberships.get(id))?.keys ?? [];
		}
	};
}
type Tablet = ReturnType<typeof tablet>;

/** Exchanges every document both ways, as the relay would (the same DocStore path as a sync). */
async function sync(a: Tablet, b: Tablet, names: string[]) {
	for (const name of names) {
		const [da, db] = [await a.store.open(name), await b.store.open(name)];
		await b.store.applyRemote(name, Y.encodeStateAsUpdate(da, Y.encodeStateVector(db)));
		await a.store.applyRemote(name, Y.encodeStateAsUpdate(db, Y.encodeStateVector(da)));
	}
}

function common(name: string) {
	return { name, description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false };
}
const manual = (name: string): GroupDraft => ({ ...common(name), type: 'manual' });
const rule = (...children: Condition[]): StoredRule => ({ version: RULE_SCHEMA_VERSION, root: { kind: 'block', op: 'all', children } });
const automatic = (name: string, r: StoredRule): GroupDraft => ({ ...common(name), type: 'automatic', rule: r });
const TIERS: TierConfig = {
	metric: 'spend',
	window: { kind: 'rollingMonths', months: 12 },
	levels: [
		{ id: 'standard', name: 'Standard', min: 0, max: 50000, vip: false },
		{ id: 'gold', name: 'Gold', min: 50000, max: 200000, vip: true },
		{ id: 'platinum', name: 'Platinum', min: 200000, max: null, vip: true }
	],
	retentionMonths: 0
};

function sale(id: string, customerId: string, at: string, amount: number): Sale {
	const line = {
		itemId: 'i1', sku: 'COAT', name: 'Coat', brand: 'Acme', category: 'Clothes', variant: 'M', qty: 1,
		unitPrice: amount, unitCost: Math.round(amount / 2), discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0
	};
	return {
		id, receiptNo: `R-${id}`, at, storeId: 'main', deviceId: 'd', deviceName: 'Till', cashier: 'Ann', customerId, lines: [line],
		payments: [], subtotal: amount, discountTotal: 0, pointsValue: 0, total: amount, change: 0, pointsRedeemed: 0,
		pointsEarned: 0, refundOf: null, currency: 'GBP'
	};
}

describe('group definitions', () => {
	it('creates, lists (built-in groups first), renames one field and deletes', async () => {
		const t = tablet();
		const r = await t.groups.create(manual('  Newsletter  '));
		assert(r.ok, 'refused');
		const list = await t.groups.list();
		expect(list.map((g) => g.group.name)).toEqual(['All customers', 'RFM segments', 'Newsletter']);
		expect(list[2]).toMatchObject({ needsUpdate: false, members: 0, group: { type: 'manual', createdBy: t.by } });

		const renamed = await t.groups.update(r.id, { ...manual('Letters'), vip: true });
		assert(renamed.ok, 'rename refused');
		expect((await t.groups.get(r.id))?.group).toMatchObject({ name: 'Letters', vip: true });
		// Only the edited fields became keys of their own (last writer wins per field).
		expect([...groupsMap(await t.store.open(GROUPS_DOC)).keys()].sort()).toEqual([r.id, `${r.id}/name`, `${r.id}/vip`]);

		expect(await t.groups.remove(r.id)).toEqual({ ok: true, id: r.id });
		expect(await t.groups.get(r.id)).toBeUndefined();
		expect(await t.db.groups.count()).toBe(0);
	});

	it('refuses an empty or duplicate name, a changed type and the built-in groups, writing nothing', async () => {
		const t = tablet();
		const first = await t.groups.create(manual('VIP'));
		assert(first.ok, 'refused');
		const updates = await t.db.yupdates.count();

		const empty = await t.groups.create(manual('  '));
		assert(!empty.ok, 'an empty name was accepted');
		expect(empty.errors.map((e) => e.field)).toContain('name');

		const dup = await t.groups.create(manual('vip '));
		assert(!dup.ok, 'a duplicate name was accepted');
		expect(dup.errors).toMatchObject([{ field: 'name', code: 'group-name-taken' }]);

		const typed = await t.groups.update(first.id, automatic('VIP', rule({ kind: 'hasCard', value: true })));
		assert(!typed.ok, 'a type change was accepted');
		expect(typed.errors[0].code).toBe('group-type-fixed');

		const all = await t.groups.remove(ALL_CUSTOMERS_ID);
		assert(!all.ok, 'All customers was deleted');
		expect(all.errors[0].code).toBe('group-built-in');
		expect(await t.db.yupdates.count()).toBe(updates);
	});

	it('refuses to delete a group another rule uses, naming that group', async () => {
		const t = tablet();
		const base = await t.groups.create(manual('Staff'));
		assert(base.ok, 'refused');
		const user = await t.groups.create(automatic('Staff with cards', rule({ kind: 'memberOf', groupId: base.id, levelId: null })));
		assert(user.ok, 'refused');
		const r = await t.groups.remove(base.id);
		assert(!r.ok, 'a group in use was deleted');
		expect(r.errors[0].code).toBe('group-in-use');
		expect(messageFor(r.errors[0])).toContain('Staff with cards');
		expect(await t.groups.get(base.id)).toBeDefined();
	});

	it('a rule from a newer version is kept untouched, shown as needing an update, and cannot be edited', async () => {
		const t = tablet();
		const future = { version: RULE_SCHEMA_VERSION + 1, root: { kind: 'block', op: 'all', children: [{ kind: 'zodiac', sign: 'leo' }] } };
		const stored = { ...automatic('From the future', rule()), rule: future, createdAt: START, createdBy: 'Tablet 9' };
		await t.store.transact([GROUPS_DOC], (d) => groupsMap(d.get(GROUPS_DOC)!).set('g-future', stored));
		const rec = await t.groups.get('g-future');
		expect(rec).toMatchObject({ needsUpdate: true, group: { name: 'From the future', rule: future } });
		const r = await t.groups.update('g-future', automatic('Renamed', rule({ kind: 'hasCard', value: true })));
		assert(!r.ok, 'an unreadable rule was edited');
		expect(r.errors[0].code).toBe('rule-needs-update');
		expect(groupsMap(await t.store.open(GROUPS_DOC)).get('g-future')).toEqual(stored);
	});
});

describe('manual members', () => {
	it('adds and removes, refuses "All customers" and non-manual groups, and a deleted customer takes their keys along', async () => {
		const t = tablet();
		await t.open();
		const g = await t.groups.create(manual('Newsletter'));
		const auto = await t.groups.create(automatic('Card holders', rule({ kind: 'hasCard', value: true })));
		assert(g.ok && auto.ok, 'refused');
		const [a, b] = [await t.customer(), await t.customer()];
		expect(await t.groups.addMembers([g.id], [a, b])).toEqual({ changed: 2, cancelled: false });
		// Already members: nothing written again.
		expect(await t.groups.addMembers([g.id], [a])).toEqual({ changed: 0, cancelled: false });
		await t.drain();
		expect((await t.groups.memberIds(g.id)).sort()).toEqual([a, b].sort());
		expect((await t.groups.get(g.id))?.members).toBe(2);
		expect((await t.groups.groupsOf(a)).map((i) => i.name)).toEqual(['All customers', 'Newsletter']);
		expect(await t.groups.history(a)).toMatchObject([{ key: g.id, change: 'joined', why: 'manual', by: t.by }]);

		await expect(t.groups.removeMembers([ALL_CUSTOMERS_ID], [a])).rejects.toBeInstanceOf(InvalidWriteError);
		await expect(t.groups.addMembers([auto.id], [a])).rejects.toThrow(/not a manual group/);

		expect(await t.groups.removeMembers('every-manual', [a])).toEqual({ changed: 1, cancelled: false });
		await t.customers.remove(b);
		const doc = await t.store.open(customerDocName(b));
		expect([...membersMap(doc).keys()].filter((k) => k.startsWith(`${b}/`))).toEqual([]);
		const changes = await t.drain();
		expect(changes[MEMBERSHIPS_KIND]?.sort()).toEqual([a, b].sort());
		expect(await t.groups.memberIds(g.id)).toEqual([]);
		expect(await t.db.manualMembers.count()).toBe(0);
		expect(await t.groups.history(b)).toEqual([]);
	});

	it('bulk add of 10,000 customers cancelled mid-way leaves whole batches only', async () => {
		const t = tablet();
		const g = await t.groups.create(manual('Everyone'));
		assert(g.ok, 'refused');
		const ids = await t.customers.importMany(
			Array.from({ length: 10_000 }, (_, i) => ({ rowNumber: i + 1, draft: { ...emptyDraft(START, 'main'), firstName: `C${i}` } }))
		);
		expect(ids.imported).toBe(10_000);
		const all = await t.groups.memberIds(ALL_CUSTOMERS_ID);
		const ctl = new AbortController();
		const progress: number[] = [];
		const out = await t.groups.addMembers([g.id], all, {
			signal: ctl.signal,
			onProgress: (p) => {
				progress.push(p.done);
				if (p.done >= 2 * BULK_BATCH) ctl.abort();
			}
		});
		expect(out).toEqual({ changed: 2 * BULK_BATCH, cancelled: true });
		expect(progress).toEqual([0, BULK_BATCH, 2 * BULK_BATCH]);
		expect(await t.db.manualMembers.where('groupId').equals(g.id).count()).toBe(2 * BULK_BATCH);
		// Done later without a cancel: the rest, nothing twice.
		expect(await t.groups.addMembers([g.id], all)).toEqual({ changed: 10_000 - 2 * BULK_BATCH, cancelled: false });
		expect(await t.db.manualMembers.count()).toBe(10_000);
	}, 60_000);
});

describe('add and remove on two offline tablets', () => {
	/** Two tablets that both know the group and a customer who is a member. */
	async function pair() {
		const a = tablet();
		const b = tablet();
		const g = await a.groups.create(manual('Newsletter'));
		assert(g.ok, 'refused');
		const c = await a.customer();
		await a.groups.addMembers([g.id], [c]);
		const docs = [GROUPS_DOC, customerDocName(c)];
		await sync(a, b, docs);
		expect(await member(b, c, g.id)).toBe(true);
		return { a, b, g: g.id, c, docs };
	}

	async function member(t: Tablet, c: string, g: string) {
		return (await t.db.manualMembers.get([c, g]))?.member ?? false;
	}

	/** Offline: A removes then adds the customer again, B removes them; then they sync. */
	async function conflict(aAddsAt: string, bRemovesAt: string) {
		const { a, b, g, c, docs } = await pair();
		// Each service call reads the clock once, one second after the last reading.
		a.clock.ms = Date.parse(aAddsAt) - 2000;
		b.clock.ms = Date.parse(bRemovesAt) - 1000;
		await a.groups.removeMembers([g], [c]);
		await a.groups.addMembers([g], [c]);
		await b.groups.removeMembers([g], [c]);
		expect([await member(a, c, g), await member(b, c, g)]).toEqual([true, false]);
		// Both orders of arrival.
		await sync(a, b, docs);
		const [ma, mb] = [membersMap(await a.store.open(docs[1])), membersMap(await b.store.open(docs[1]))];
		expect(ma.toJSON()).toEqual(mb.toJSON());
		return [await member(a, c, g), await member(b, c, g)];
	}

	it("the add made later by the tablets' clocks wins", async () => {
		expect(await conflict('2026-11-23T13:00:00.000Z', '2026-11-23T12:00:00.000Z')).toEqual([true, true]);
	});

	it("the removal made later by the tablets' clocks wins, though the other tablet also removed earlier", async () => {
		// A's own earlier removal (11:59:59) and B's removal (12:00) are both kept: the later counts.
		expect(await conflict('2026-11-23T12:00:00.000Z', '2026-11-23T12:00:01.000Z')).toEqual([false, false]);
	});

	it('an exact tie goes to the removal, on both tablets', async () => {
		expect(await conflict('2026-11-23T12:00:00.000Z', '2026-11-23T12:00:00.000Z')).toEqual([false, false]);
	});

	it('the answer does not depend on which tablet hears of the other first', async () => {
		const { a, b, g, c, docs } = await pair();
		a.clock.ms = Date.parse('2026-11-23T12:00:00.000Z');
		b.clock.ms = Date.parse('2026-11-23T12:30:00.000Z');
		await a.groups.removeMembers([g], [c]);
		await b.groups.removeMembers([g], [c]);
		await b.groups.addMembers([g], [c]);
		// B's state reaches A first, then A's reaches B.
		await sync(b, a, docs);
		expect([await member(a, c, g), await member(b, c, g)]).toEqual([true, true]);
	});
});

describe('a deleted group takes its manual members along', () => {
	/** What the shop does on GROUPS_DELETED_KIND: purge the keys, until no purge is pending. */
	function purging(t: Tablet) {
		const pending: Promise<number>[] = [];
		t.store.subscribe((changes) => {
			const ids = changes[GROUPS_DELETED_KIND];
			if (ids?.length) pending.push(t.groups.purgeMembers(ids));
		});
		return async () => {
			for (let seen = -1; seen !== pending.length; ) {
				seen = pending.length;
				await Promise.all(pending);
				await t.store.flush();
			}
		};
	}

	async function keysOf(t: Tablet, groupId: string) {
		const out: string[] = [];
		for (const name of allCustomerDocNames()) {
			for (const key of membersMap(await t.store.open(name)).keys()) if (key.split('/')[1] === groupId) out.push(key);
		}
		return out;
	}

	it('every add, remove and row of the group goes from every bucket; other groups keep theirs', async () => {
		const t = tablet();
		await t.open();
		const g = await t.groups.create(manual('Newsletter'));
		const h = await t.groups.create(manual('Staff'));
		assert(g.ok && h.ok, 'refused');
		const ids = [await t.customer(), await t.customer(), await t.customer()];
		await t.groups.addMembers([g.id, h.id], ids);
		// A removal leaves a mark (and no row): it must go too.
		await t.groups.removeMembers([g.id], [ids[0]]);
		await t.drain();
		expect(await t.groups.memberIds(g.id)).toHaveLength(2);
		expect((await keysOf(t, g.id)).length).toBeGreaterThanOrEqual(3);

		expect((await t.groups.remove(g.id)).ok).toBe(true);
		expect(await keysOf(t, g.id)).toEqual([]);
		expect(await t.db.manualMembers.where('groupId').equals(g.id).count()).toBe(0);
		expect(await t.db.manualMembers.where('groupId').equals(h.id).count()).toBe(3);
		await t.drain();
		expect(await t.groups.memberIds(g.id)).toEqual([]);
		expect(await t.db.groupCounts.get(g.id)).toBeUndefined();
		expect((await t.groups.memberIds(h.id)).sort()).toEqual([...ids].sort());
	});

	for (const order of ['definition first', 'bucket first'] as const) {
		it(`an add made offline on another tablet, later by the clocks than the deletion, is dropped (${order})`, async () => {
			const a = tablet();
			const b = tablet();
			const [settleA, settleB] = [purging(a), purging(b)];
			await a.open();
			await b.open();
			const g = await a.groups.create(manual('Newsletter'));
			assert(g.ok, 'refused');
			const c = await a.customer();
			const bucket = customerDocName(c);
			await sync(a, b, [GROUPS_DOC, bucket]);
			// Offline: A deletes the group, B (its clock an hour ahead) adds the customer to it.
			a.clock.ms = Date.parse('2026-11-23T12:00:00.000Z');
			b.clock.ms = Date.parse('2026-11-23T13:00:00.000Z');
			expect((await a.groups.remove(g.id)).ok).toBe(true);
			expect(await b.groups.addMembers([g.id], [c])).toEqual({ changed: 1, cancelled: false });
			await b.drain();
			expect(await b.groups.memberIds(g.id)).toEqual([c]);

			await sync(a, b, order === 'definition first' ? [GROUPS_DOC, bucket] : [bucket, GROUPS_DOC]);
			await settleA();
			await settleB();
			await sync(a, b, [bucket]);
			await Promise.all([settleA(), settleB(), a.drain(), b.drain()]);
			for (const t of [a, b]) {
				expect(await keysOf(t, g.id)).toEqual([]);
				expect(await t.db.manualMembers.count()).toBe(0);
				expect(await t.groups.memberIds(g.id)).toEqual([]);
				expect(await t.db.groupCounts.get(g.id)).toBeUndefined();
				expect((await t.groups.groupsOf(c)).map((i) => i.groupId)).toEqual([ALL_CUSTOMERS_ID]);
			}
			expect(membersMap(await a.store.open(bucket)).toJSON()).toEqual(membersMap(await b.store.open(bucket)).toJSON());
		});
	}
});

describe('derived memberships', () => {
	it('a sale crossing 500.00 moves a customer from Standard to Gold in the same drain', async () => {
		const t = tablet();
		await t.open();
		const tiers = await t.groups.create({ ...common('Spend tiers'), type: 'tiered', tier: TIERS });
		assert(tiers.ok, 'refused');
		const c = await t.customer();
		await t.sell(sale('s1', c, '2026-11-20T10:00:00Z', 48000));
		await t.drain();
		expect(await t.keys(c)).toEqual([tiers.id, `${tiers.id}/standard`]);
		await t.sell(sale('s2', c, '2026-11-23T09:00:00Z', 3500));
		const changes = await t.drain();
		expect(changes[MEMBERSHIPS_KIND]).toEqual([c]);
		expect(await t.keys(c)).toEqual([tiers.id, `${tiers.id}/gold`]);
		const rec = await t.groups.get(tiers.id);
		expect(rec?.levels).toEqual({ standard: 0, gold: 1, platinum: 0 });
		const history = await t.groups.history(c);
		expect(history.slice(0, 2).map((e) => [e.change, e.key, e.why]).sort()).toEqual([
			['joined', `${tiers.id}/gold`, 'sale'],
			['left', `${tiers.id}/standard`, 'sale']
		]);
		const info = await t.groups.groupsOf(c);
		expect(info[1]).toMatchObject({ groupId: tiers.id, levelId: 'gold', levelName: 'Gold', vip: true });
	});

	it('a group created or deleted writes no history for every member; a changed rule records who moved, and why', async () => {
		const t = tablet();
		await t.open();
		const big = await t.customer();
		const small = await t.customer();
		await t.sell(sale('b1', big, '2026-11-20T10:00:00Z', 90000));
		await t.sell(sale('s1', small, '2026-11-20T11:00:00Z', 20000));
		await t.drain();
		const spenders = await t.groups.create(automatic('Spenders', rule({ kind: 'stat', metric: 'spend', window: { kind: 'all' }, op: 'gte', value: 50000 })));
		assert(spenders.ok, 'refused');
		await t.drain();
		expect(await t.groups.memberIds(spenders.id)).toEqual([big]);
		// Joined with the group itself: `since` says when, the history stays short.
		expect(await t.groups.history(big)).toEqual([]);
		expect((await t.groups.groupsOf(big)).map((g) => g.groupId)).toContain(spenders.id);
		// A lower threshold moves one more customer in: that is recorded, with the rule as the reason.
		const g = await t.groups.get(spenders.id);
		assert(g && g.group.type === 'automatic', 'gone');
		const { id: _id, createdAt: _c, createdBy: _b, updatedAt: _u, ...draft } = g.group;
		const lower = await t.groups.update(spenders.id, { ...draft, rule: rule({ kind: 'stat', metric: 'spend', window: { kind: 'all' }, op: 'gte', value: 10000 }) });
		assert(lower.ok, 'refused');
		await t.drain();
		expect((await t.groups.memberIds(spenders.id)).sort()).toEqual([big, small].sort());
		expect((await t.groups.history(small)).map((e) => [e.change, e.key, e.why])).toEqual([['joined', spenders.id, 'rule']]);
		expect(await t.groups.history(big)).toEqual([]);
		// Deleted: everybody leaves with it, without a "left" row each.
		expect((await t.groups.remove(spenders.id)).ok).toBe(true);
		await t.drain();
		expect(await t.groups.memberIds(spenders.id)).toEqual([]);
		expect((await t.groups.history(small)).length).toBe(1);
	});

	it('a birthday moves a customer into an age group on the day, and out on their 50th', async () => {
		const t = tablet();
		t.clock.today = '2026-11-22';
		await t.open();
		const g = await t.groups.create(automatic('35 to 49', rule({ kind: 'age', op: 'between', value: 35, max: 49 })));
		assert(g.ok, 'refused');
		const turns35 = await t.customer({ birthDate: '1991-11-23' });
		const turns50 = await t.customer({ birthDate: '1976-11-23' });
		await t.drain();
		expect(await t.groups.memberIds(g.id)).toEqual([turns50]);
		// Midnight: the tablet was closed; a new worker starts on the new day.
		t.clock.today = '2026-11-23';
		t.deriver.close();
		const changes = await t.open();
		expect(changes[MEMBERSHIPS_KIND]?.sort()).toEqual([turns35, turns50].sort());
		expect(await t.groups.memberIds(g.id)).toEqual([turns35]);
		expect((await t.groups.history(turns35))[0]).toMatchObject({ key: g.id, change: 'joined', why: 'date' });
		expect((await t.groups.history(turns50))[0]).toMatchObject({ key: g.id, change: 'left', why: 'date' });
	});

	it('a worker killed mid-derivation leaves the old memberships and the queue; a new one ends the same', async () => {
		const t = tablet();
		await t.open();
		const tiers = await t.groups.create({ ...common('Spend tiers'), type: 'tiered', tier: TIERS });
		assert(tiers.ok, 'refused');
		const c = await t.customer();
		await t.drain();
		await t.sell(sale('s1', c, '2026-11-20T10:00:00Z', 60000));
		const killed = new Deriver({ faults: { beforeCommit: (what) => { if (what === 'drain') throw new Error('killed'); } } });
		await killed.open(t.name);
		await expect(killed.drain({ today: '2026-11-23', timeZone: TZ, now: START })).rejects.toThrow('killed');
		killed.close();
		expect(await t.keys(c)).toEqual([tiers.id, `${tiers.id}/standard`]);
		expect(await t.db.deriveQueue.count()).toBe(1);
		await t.drain();
		expect(await t.keys(c)).toEqual([tiers.id, `${tiers.id}/gold`]);
		expect(await t.db.deriveQueue.count()).toBe(0);
		// A rebuild from scratch agrees.
		const before = await t.db.memberships.toArray();
		await t.deriver.rebuild({ today: '2026-11-23', timeZone: TZ, now: START }, 'requested');
		expect(await t.db.memberships.toArray()).toEqual(before);
	});

	it('preview counts a rule over every customer; explain says why', async () => {
		const t = tablet();
		await t.open();
		const [a] = [await t.customer({ tags: ['vip'] }), await t.customer()];
		await t.drain();
		const p = await t.groups.preview(rule({ kind: 'tags', match: 'any', tags: ['vip'] }));
		expect(p).toMatchObject({ count: 1, total: 2, sample: [{ id: a }] });
		const g = await t.groups.create(automatic('Tagged', rule({ kind: 'tags', match: 'any', tags: ['vip'] })));
		assert(g.ok, 'refused');
		await t.drain();
		expect(await t.groups.memberIds(g.id)).toEqual([a]);
		expect(await t.groups.explain(a, g.id)).toMatchObject({ groupId: g.id, holds: true });
	});

	it("another tab's worker that derived a batch makes this worker read the facts again", async () => {
		const t = tablet();
		await t.open();
		const other = new Deriver();
		await other.open(t.name);
		const c = await t.customer();
		await t.drain();
		const bigSpenders = rule({ kind: 'stat', metric: 'spend', window: { kind: 'all' }, op: 'gte', value: 10000 });
		expect((await t.groups.preview(bigSpenders)).count).toBe(0);
		// The other tab's worker derives the sale; this one never saw that batch.
		await t.sell(sale('s1', c, '2026-11-22T10:00:00Z', 12000));
		await other.drain({ today: '2026-11-23', timeZone: TZ, now: START });
		other.close();
		expect(await t.db.deriveQueue.count()).toBe(0);
		expect((await t.groups.preview(bigSpenders)).count).toBe(1);
	});

	it('a staff-set level holds until its end day; setLevel refuses unknown levels and past days', async () => {
		const t = tablet();
		await t.open();
		const tiers = await t.groups.create({ ...common('Spend tiers'), type: 'tiered', tier: TIERS });
		assert(tiers.ok, 'refused');
		const c = await t.customer();
		const bad = await t.groups.setLevel(c, tiers.id, { levelId: 'diamond', reason: '', until: '2026-01-01', by: '', at: '' });
		assert(!bad.ok, 'a bad level was accepted');
		expect(bad.errors.map((e) => e.field).sort()).toEqual(['levelId', 'reason', 'until']);
		const set = await t.groups.setLevel(c, tiers.id, { levelId: 'platinum', reason: 'Complaint handled', until: '2026-12-31', by: '', at: '' });
		assert(set.ok, 'refused');
		await t.drain();
		expect(await t.keys(c)).toEqual([tiers.id, `${tiers.id}/platinum`]);
		const info = (await t.groups.groupsOf(c)).find((i) => i.groupId === tiers.id);
		expect(info).toMatchObject({ levelId: 'platinum', override: { levelId: 'platinum', reason: 'Complaint handled', by: t.by } });
		expect(await t.groups.setLevel(c, tiers.id, null)).toEqual({ ok: true, id: tiers.id });
		await t.drain();
		expect(await t.keys(c)).toEqual([tiers.id, `${tiers.id}/standard`]);
	});

	it('RFM switched on puts every buyer in one segment; movement compares with the start of the month', async () => {
		const t = tablet();
		await t.open();
		const buyers: string[] = [];
		for (let i = 0; i < 6; i++) {
			const c = await t.customer();
			buyers.push(c);
			for (let v = 0; v <= i; v++) await t.sell(sale(`r${i}-${v}`, c, `2026-${String(6 + v).padStart(2, '0')}-1${i}T10:00:00Z`, 1000 * (i + 1)));
		}
		const idle = await t.customer();
		await t.drain();
		expect(await t.groups.rfmMovement()).toBeNull();
		const rfm = (await t.groups.get('rfm'))!.group;
		assert(rfm.type === 'rfm', 'not the RFM group');
		const on = await t.groups.update('rfm', { ...rfm, enabled: true });
		assert(on.ok, 'refused');
		await t.drain();
		for (const c of buyers) {
			const keys = await t.keys(c);
			expect(keys.filter((k) => k.startsWith('rfm/'))).toHaveLength(1);
			expect(keys).toContain('rfm');
		}
		expect(await t.keys(idle)).toEqual([]);
		const moved = await t.groups.rfmMovement();
		expect(moved?.since).toBe('2026-11-23');
		expect(moved?.counts.flat().reduce((a, b) => a + b, 0)).toBe(buyers.length);
		expect(moved?.counts.every((row, i) => row.every((n, j) => i === j || n === 0))).toBe(true);
		expect((await t.groups.get('rfm'))?.members).toBe(buyers.length);
	});

	it('memberships derived batch by batch equal a full evaluation: random customers, sales, manual changes, rules and days', async () => {
		for (const seed of [11, 12, 13]) {
			const rng = new Rng(seed);
			const t = tablet();
			await t.open();
			const tiers = await t.groups.create({ ...common('Tiers'), type: 'tiered', tier: TIERS });
			const box = await t.groups.create(manual('Box'));
			assert(tiers.ok && box.ok, 'refused');
			const ids: string[] = [];
			const days = ['2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-12-01'];
			for (let step = 0; step < 50; step++) {
				const r = rng.next();
				if (r < 0.25 || ids.length < 3) {
					const year = rng.int(1970, 2000);
					ids.push(await t.customer({ birthDate: `${year}-11-${rng.pick(['22', '23', '24', '30'])}`, tags: rng.next() < 0.5 ? ['vip'] : [] }));
				} else if (r < 0.5) {
					await t.sell(sale(`s${seed}-${step}`, rng.pick(ids), `${rng.pick(days.slice(0, 3))}T10:00:00Z`, rng.int(1000, 40000)));
				} else if (r < 0.6) {
					await t.groups.addMembers([box.id], [rng.pick(ids)]);
				} else if (r < 0.67) {
					await t.groups.removeMembers([box.id], [rng.pick(ids)]);
				} else if (r < 0.72) {
					const made = await t.groups.create(
						automatic(`G${step}`, rng.next() < 0.5
							? rule({ kind: 'age', op: 'between', value: rng.int(25, 40), max: rng.int(41, 60) })
							: rule({ kind: 'memberOf', groupId: tiers.id, levelId: 'gold' }, { kind: 'tags', match: 'any', tags: ['vip'] }))
					);
					assert(made.ok, 'refused');
				} else if (r < 0.76) {
					const c = await t.customers.get(rng.pick(ids));
					if (c) await t.customers.update(c.id, { ...c, tags: c.tags.length ? [] : ['vip'] });
				} else if (r < 0.9) {
					await t.drain();
				} else {
					t.clock.today = rng.pick(days);
					await t.deriver.start({ today: t.clock.today, timeZone: TZ, now: START });
				}
			}
			await t.drain();
			const keys = async () => new Map((await t.db.memberships.toArray()).map((m) => [m.customerId, m.keys]));
			const counts = async () => new Map((await t.db.groupCounts.toArray()).map((c) => [c.key, c.count]));
			const [incremental, incCounts] = [await keys(), await counts()];
			expect([...incremental.values()].flat().length).toBeGreaterThan(ids.length);
			await t.deriver.rebuild({ today: t.clock.today, timeZone: TZ, now: START }, 'requested');
			expect(incremental, `seed ${seed}`).toEqual(await keys());
			expect(incCounts, `seed ${seed}`).toEqual(await counts());
		}
	}, 60_000);
});
