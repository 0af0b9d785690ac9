import { assert, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections } from '$lib/projections';
import { DexieCustomerService } from './service';
import { ErasureService } from './erasure-service';
import { ERASED_KIND } from './projection';
import { eraseInDoc } from './erasure';
import { emptyDraft, type CustomerDraft } from '$lib/domain/customer';
import { seededIds } from '$lib/domain/ids';
import { customerDocName } from '$lib/store/docnames';
import { pendingRelayCompactions } from '$lib/store/relay-compaction';

let counter = 0;
let clock = Date.parse('2026-12-01T10:00:00.000Z');
const now = () => new Date((clock += 1000)).toISOString();

function tablet(name: string, role: 'owner' | 'staff' = 'owner', opts: { autoResume?: boolean } = {}) {
	const db = new ShopDB(`erasure-${++counter}-${Math.random()}`);
	const store = new DocStore(db, { projections: allProjections, channel: null });
	const ids = seededIds(counter * 7919);
	const customers = new DexieCustomerService(store, {
		validation: () => ({ defaultCountry: 'GB', today: '2026-12-01', storeIds: ['main'] }),
		now,
		newId: ids,
		actor: () => ({ by: name, role })
	});
	const erasure = new ErasureService(store, { now });
	// As the app does (shop.svelte.ts): clean up whatever the projection reports for erased customers.
	store.subscribe((changes) => {
		if (opts.autoResume !== false && changes[ERASED_KIND]?.length) void erasure.resume();
	});
	return { db, store, customers, erasure, actor: { by: name, role } };
}

type Tablet = ReturnType<typeof tablet>;

async function exchange(a: Tablet, b: Tablet, doc: string) {
	const da = await a.store.open(doc);
	const db = await b.store.open(doc);
	const ua = Y.encodeStateAsUpdate(da, Y.encodeStateVector(db));
	const ub = Y.encodeStateAsUpdate(db, Y.encodeStateVector(da));
	await b.store.applyRemote(doc, ua);
	await a.store.applyRemote(doc, ub);
}

const SECRETS = ['Wilhelmina', 'Zwartkop', 'wz.secret@example.org', 'Allergic to walnuts', '7700900555'];

/** Every byte IndexedDB holds for this tablet, as text: stored Yjs state and updates, and every table's rows. */
async function everything(t: Tablet): Promise<string> {
	const parts: string[] = [];
	for (const table of t.db.tables) {
		for (const row of await table.toArray()) {
			parts.push(
				JSON.stringify(row, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v))
			);
		}
	}
	return parts.join('\n');
}

const draft = (over: Partial<CustomerDraft> = {}): CustomerDraft => ({
	...emptyDraft('2026-01-01T00:00:00.000Z', 'main'),
	firstName: 'Wilhelmina',
	lastName: 'Zwartkop',
	email: 'wz.secret@example.org',
	phone: '07700 900555',
	notes: 'Allergic to walnuts',
	...over
});

async function settle(t: Tablet) {
	await t.store.flush();
	await t.erasure.resume();
}

describe('erasure', () => {
	it('refuses a staff tablet and a wrong confirmation, writing nothing', async () => {
		const a = tablet('Owner tablet');
		const r = await a.customers.create(draft());
		assert(r.ok, 'create failed');
		const staff = await a.erasure.erase(r.id, 'ERASE', { by: 'Till', role: 'staff' });
		assert(!staff.ok, 'a staff tablet erased');
		expect(staff.errors[0].code).toBe('erase-owner-only');
		const wrong = await a.erasure.erase(r.id, 'Wilhelmina', a.actor);
		assert(!wrong.ok, 'a partial name was accepted');
		expect(wrong.errors[0]).toMatchObject({ code: 'erase-confirmation-mismatch', params: { name: 'Wilhelmina Zwartkop' } });
		expect((await a.customers.get(r.id))?.firstName).toBe('Wilhelmina');
	});

	it('leaves no erased value in any table or stored Yjs state, and records who erased when', async () => {
		const a = tablet('Owner tablet');
		const r = await a.customers.create(draft());
		assert(r.ok, 'create failed');
		await a.customers.update(r.id, draft({ notes: 'Allergic to walnuts, prefers SMS' }));
		expect(await everything(a)).toContain('Zwartkop');
		const result = await a.erasure.erase(r.id, 'wilhelmina zwartkop', a.actor);
		assert(result.ok, 'erasure refused');
		const all = await everything(a);
		for (const s of SECRETS) expect(all).not.toContain(s);
		expect(await a.customers.get(r.id)).toBeUndefined();
		expect(await a.erasure.erasureOf(r.id)).toMatchObject({ by: 'Owner tablet', role: 'owner', pending: 0 });
		expect(await pendingRelayCompactions(a.db)).toEqual([customerDocName(r.id)]);
		// The doc reloaded from IndexedDB alone has no trace either.
		const reloaded = new DocStore(a.db, { projections: allProjections, channel: null });
		const doc = await reloaded.open(customerDocName(r.id));
		expect(Buffer.from(Y.encodeStateAsUpdate(doc)).toString('latin1')).not.toContain('Zwartkop');
	});

	it('an erasure cut short after its transaction (tab closed) is finished by the next start', async () => {
		const a = tablet('Owner tablet', 'owner', { autoResume: false });
		const r = await a.customers.create(draft());
		assert(r.ok, 'create failed');
		const doc = customerDocName(r.id);
		// The erasure's one transaction lands, then the tab goes: no compaction, no relay request.
		await a.store.transact([doc], (docs) => {
			eraseInDoc(docs.get(doc)!, r.id, { at: now(), by: 'Owner tablet', role: 'owner' }, now());
		});
		// Staff already see it erased, never half of it.
		expect(await a.customers.get(r.id)).toBeUndefined();
		expect(await a.db.erasures.get(r.id)).toMatchObject({ pending: 1, by: 'Owner tablet' });
		expect(await everything(a)).toContain('Zwartkop');
		// Next start: a new store and service on the same database.
		const store = new DocStore(a.db, { projections: allProjections, channel: null });
		const resumed = new ErasureService(store, { now });
		expect(await resumed.resume()).toBe(1);
		for (const s of SECRETS) expect(await everything(a)).not.toContain(s);
		expect(await a.db.erasures.get(r.id)).toMatchObject({ pending: 0 });
		expect(await pendingRelayCompactions(a.db)).toEqual([doc]);
	});

	it('an offline tablet’s old and late writes for the erased customer are removed on arrival, on both tablets', async () => {
		const a = tablet('Owner tablet');
		const b = tablet('Till 2', 'staff');
		const r = await a.customers.create(draft());
		assert(r.ok, 'create failed');
		const doc = customerDocName(r.id);
		await exchange(a, b, doc);
		expect((await b.customers.get(r.id))?.email).toBe('wz.secret@example.org');
		// B, offline, edits the notes and withdraws a consent; A erases meanwhile.
		await b.customers.update(r.id, draft({ notes: 'Allergic to walnuts and pecans' }));
		const erased = await a.erasure.erase(r.id, 'ERASE', a.actor);
		assert(erased.ok, 'erasure refused');
		// B reconnects: both directions, then each cleans what arrived.
		await exchange(a, b, doc);
		await settle(a);
		await settle(b);
		await exchange(a, b, doc);
		await settle(a);
		await settle(b);
		for (const t of [a, b]) {
			expect(await t.customers.get(r.id)).toBeUndefined();
			expect(await t.erasure.erasureOf(r.id)).toMatchObject({ by: 'Owner tablet', pending: 0 });
			const all = await everything(t);
			for (const s of [...SECRETS, 'pecans']) expect(all, `${t.actor.by} still holds ${s}`).not.toContain(s);
		}
		// And a write replayed later from an old copy of B's log still never shows the customer.
		const old = tablet('Old backup');
		await old.store.applyRemote(doc, Y.encodeStateAsUpdate(await b.store.open(doc)));
		expect(await old.customers.get(r.id)).toBeUndefined();
	});
});

describe('consent history across tablets', () => {
	it('a withdrawal on one tablet wins over a concurrent grant made earlier on another, on both', async () => {
		const a = tablet('Till 1', 'staff');
		const b = tablet('Till 2', 'staff');
		const r = await a.customers.create(draft());
		assert(r.ok, 'create failed');
		const doc = customerDocName(r.id);
		await exchange(a, b, doc);
		const base = draft();
		// B (offline) grants email at 10:00; A withdraws it at 10:05; B's write to the consents field
		// reaches the relay last, but the history decides.
		await a.customers.update(r.id, {
			...base,
			consents: { email: { status: 'withdrawn', date: '2026-12-01T10:05:00.000Z', source: 'till', recordedBy: 'Till 1' } }
		});
		await b.customers.update(r.id, {
			...base,
			consents: { email: { status: 'granted', date: '2026-12-01T10:00:00.000Z', source: 'till', recordedBy: 'Till 2' } }
		});
		await exchange(a, b, doc);
		for (const t of [a, b]) {
			const rec = await t.db.customers.get(r.id);
			expect(rec?.consents.email?.status).toBe('withdrawn');
			expect(rec?.consentHistory?.map((e) => [e.status, e.by])).toEqual([
				['withdrawn', 'Till 1'],
				['granted', 'Till 2']
			]);
		}
	});
});

describe('retention', () => {
	it('lists customers with no sale and no change since the cutoff, and erases them in bulk with a cancel between customers', async () => {
		const a = tablet('Owner tablet');
		const ids: string[] = [];
		for (const [i, registeredAt] of ['2019-01-01', '2019-06-01', '2020-01-01', '2026-06-01'].entries()) {
			const r = await a.customers.create(draft({ firstName: `Old${i}`, email: `old${i}@example.org`, phone: '', registeredAt: `${registeredAt}T00:00:00.000Z` }));
			assert(r.ok, 'create failed');
			ids.push(r.id);
		}
		// created (updatedAt) is the test clock's now (Dec 2026): make the first three look untouched since.
		for (const [i, id] of ids.slice(0, 3).entries()) {
			await a.db.customers.update(id, { updatedAt: `2020-0${i + 2}-01T00:00:00.000Z` });
		}
		const flagged = await a.erasure.dormant('2023-12-01');
		expect(flagged.map((d) => d.name)).toEqual(['Old0 Zwartkop', 'Old1 Zwartkop', 'Old2 Zwartkop']);

		const staff = await a.erasure.eraseMany(ids.slice(0, 3), { by: 'Till', role: 'staff' });
		expect(staff.erased).toBe(0);
		const ctrl = new AbortController();
		const progress: number[] = [];
		const result = await a.erasure.eraseMany(ids.slice(0, 3), a.actor, {
			signal: ctrl.signal,
			onProgress: (p) => {
				progress.push(p.done);
				if (p.done === 2) ctrl.abort();
			}
		});
		expect(result).toEqual({ erased: 2, cancelled: true });
		expect(progress).toEqual([0, 1, 2]);
		expect(await a.customers.get(ids[0])).toBeUndefined();
		expect(await a.customers.get(ids[1])).toBeUndefined();
		expect((await a.customers.get(ids[2]))?.firstName).toBe('Old2');
		const all = await everything(a);
		expect(all).not.toContain('old0@example.org');
		expect(all).not.toContain('old1@example.org');
		expect(all).toContain('old2@example.org');
		expect((await a.db.erasures.where('pending').equals(1).count())).toBe(0);
	});
});
