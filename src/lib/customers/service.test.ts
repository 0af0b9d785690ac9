import { assert, describe, expect, it, beforeEach } from 'vitest';
import * as Y from 'yjs';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections } from '$lib/projections';
import { DexieCustomerService } from './service';
import { emptyDraft, type CustomerDraft } from '$lib/domain/customer';
import { seededIds } from '$lib/domain/ids';
import { customerDocName } from '$lib/store/docnames';

const NOW = '2026-11-23T10:00:00.000Z';
let dbCounter = 0;

function open(name = `test-${++dbCounter}-${Math.random()}`, seed = dbCounter) {
	const db = new ShopDB(name);
	const store = new DocStore(db, { projections: allProjections, channel: null });
	const ids = seededIds(seed);
	const service = new DexieCustomerService(store, {
		validation: () => ({ defaultCountry: 'GB', today: '2026-11-23', storeIds: ['main'] }),
		now: () => NOW,
		newId: ids
	});
	return { db, store, service, name };
}

function draft(over: Partial<CustomerDraft> = {}): CustomerDraft {
	return { ...emptyDraft(NOW, 'main'), ...over };
}

const jose = () =>
	draft({
		firstName: 'José',
		lastName: 'García',
		email: 'Jose.Garcia@Example.com',
		phone: '07700 900123',
		cards: ['2000012345678'],
		addresses: [
			{ id: 'a1', label: 'Home', line1: '1 High St', line2: '', city: 'London', region: '', postcode: 'sw1a 1aa', country: 'GB' }
		],
		defaultAddressId: 'a1'
	});

describe('customer service on IndexedDB', () => {
	let t: ReturnType<typeof open>;
	beforeEach(() => {
		t = open();
	});

	it('creates a customer with normalised fields and reads it back', async () => {
		const r = await t.service.create(jose());
		assert(r.ok, 'a valid customer was refused');
		const c = await t.service.get(r.id);
		expect(c?.email).toBe('jose.garcia@example.com');
		expect(c?.phone).toBe('+447700900123');
		expect(c?.addresses[0].postcode).toBe('SW1A 1AA');
		expect(c?.updatedAt).toBe(NOW);
	});

	it('refuses invalid drafts and writes nothing', async () => {
		const r = await t.service.create(draft({ email: 'not-an-email' }));
		assert(!r.ok, 'an invalid draft was accepted');
		expect(r.errors.map((e) => e.code).sort()).toEqual(['email-invalid', 'name-required']);
		expect(await t.service.count()).toBe(0);
		expect(await t.db.yupdates.count()).toBe(0);
	});

	it.each([
		['first name prefix, accents folded', 'jose'],
		['last name prefix', 'garc'],
		['full name', 'José Gar'],
		['phone in national format', '07700 900123'],
		['phone in international format', '+44 7700 900 12'],
		['email prefix', 'jose.garcia@ex'],
		['postcode', 'sw1a 1'],
		['card prefix', '2000012']
	])('finds the customer by %s', async (_label, query) => {
		await t.service.create(jose());
		await t.service.create(draft({ firstName: 'Maria', lastName: 'Lopez', phone: '07700 900999' }));
		const found = await t.service.search(query);
		expect(found.map((c) => c.lastName)).toEqual(['García']);
		expect([...(await t.service.searchIds(query))]).toHaveLength(1);
	});

	it('a card belongs to one customer only, and says whose it is', async () => {
		const first = await t.service.create(jose());
		assert(first.ok, 'the first customer was refused');
		const r = await t.service.create(draft({ firstName: 'Jane', lastName: 'Smith', cards: ['2000 0123 45678'] }));
		assert(!r.ok, 'a card already assigned was accepted');
		expect(r.errors).toEqual([
			{
				field: 'cards.0',
				code: 'card-already-assigned',
				params: { card: '2000012345678', ownerId: first.id, ownerName: 'José García' }
			}
		]);
		// Editing the owner itself keeps its own card.
		const again = await t.service.update(first.id, { ...jose(), notes: 'likes blue' });
		expect(again.ok).toBe(true);
		expect((await t.service.findByCard('2000-0123-45678'))?.id).toBe(first.id);
	});

	it('warns about existing email or phone before creating a second customer', async () => {
		const first = await t.service.create(jose());
		assert(first.ok, 'the first customer was refused');
		const warnings = await t.service.findDuplicates(draft({ firstName: 'J', email: 'JOSE.garcia@example.com', phone: '+447700900123' }));
		expect(warnings.map((w) => [w.code, w.params?.ownerName])).toEqual([
			['email-exists', 'José García'],
			['phone-exists', 'José García']
		]);
		expect(await t.service.findDuplicates(jose(), first.id)).toEqual([]);
	});

	it('updates only what changed and deletes completely', async () => {
		const r = await t.service.create(jose());
		if (!r.ok) throw new Error('create failed');
		const before = await t.db.yupdates.count();
		await t.service.update(r.id, { ...jose(), lastName: 'García Márquez' });
		expect(await t.db.yupdates.count()).toBe(before + 1);
		expect((await t.service.search('marquez')).map((c) => c.id)).toEqual([r.id]);
		// Saving unchanged data writes nothing.
		await t.service.update(r.id, { ...jose(), lastName: 'García Márquez' });
		expect(await t.db.yupdates.count()).toBe(before + 1);

		await t.service.remove(r.id);
		expect(await t.service.get(r.id)).toBeUndefined();
		expect(await t.service.search('jose')).toEqual([]);
		const doc = await t.store.open(customerDocName(r.id));
		// No personal data is left in the replicated state once deleted.
		expect(JSON.stringify(doc.getMap('customers').toJSON())).not.toMatch(/Garc|example|7700/);
	});

	it('rebuilds the same state from IndexedDB after a restart', async () => {
		const r = await t.service.create(jose());
		if (!r.ok) throw new Error('create failed');
		await t.service.update(r.id, { ...jose(), notes: 'VIP' });
		await t.store.close();
		t.db.close();
		const again = open(t.name);
		const doc = await again.store.open(customerDocName(r.id));
		expect((doc.getMap('customers').get(`${r.id}/notes`) as { v: string }).v).toBe('VIP');
		expect((await again.service.get(r.id))?.notes).toBe('VIP');
	});

	it('imports in chunks and a cancel never leaves half a chunk', async () => {
		// Small chunks: fake-indexeddb slows down sharply past a few thousand rows.
		const CHUNK = 400;
		const rows = Array.from({ length: CHUNK * 3 }, (_, i) => ({
			rowNumber: i + 2,
			draft: draft({ firstName: `Person${i}`, lastName: 'Import', cards: [`CARD${100000 + i}`] })
		}));
		const ctrl = new AbortController();
		const progress: number[] = [];
		const outcome = await t.service.importMany(rows, {
			signal: ctrl.signal,
			chunk: CHUNK,
			onProgress: (p) => {
				progress.push(p.done);
				if (p.done === CHUNK) ctrl.abort();
			}
		});
		// The chunk already being written when the cancel came (one is in flight beside the one
		// reported) finishes; the third never starts.
		expect(outcome).toEqual({ imported: 2 * CHUNK, refused: [], cancelled: true });
		expect(progress).toEqual([0, CHUNK, 2 * CHUNK]);
		expect(await t.service.count()).toBe(2 * CHUNK);

		// Importing the same rows again refuses the ones whose card is taken, with the row number.
		const second = await t.service.importMany(rows.slice(0, 3));
		expect(second.imported).toBe(0);
		expect(second.refused.map((r) => [r.rowNumber, r.errors[0].code])).toEqual([
			[2, 'card-already-assigned'],
			[3, 'card-already-assigned'],
			[4, 'card-already-assigned']
		]);
	});
});

describe('two tablets exchanging Yjs updates', () => {
	async function exchange(a: ReturnType<typeof open>, b: ReturnType<typeof open>, docName: string) {
		const da = await a.store.open(docName);
		const dbb = await b.store.open(docName);
		const ua = Y.encodeStateAsUpdate(da, Y.encodeStateVector(dbb));
		const ub = Y.encodeStateAsUpdate(dbb, Y.encodeStateVector(da));
		await b.store.applyRemote(docName, ua);
		await a.store.applyRemote(docName, ub);
	}

	it('keeps both edits when two tablets edit different fields of one customer', async () => {
		const a = open(undefined, 101);
		const b = open(undefined, 202);
		const r = await a.service.create(jose());
		if (!r.ok) throw new Error('create failed');
		const name = customerDocName(r.id);
		await exchange(a, b, name);
		expect((await b.service.get(r.id))?.firstName).toBe('José');

		await a.service.update(r.id, { ...jose(), email: 'new@example.com' });
		await b.service.update(r.id, { ...jose(), notes: 'Prefers SMS' });
		await exchange(a, b, name);

		const ca = await a.service.get(r.id);
		const cb = await b.service.get(r.id);
		expect(ca).toEqual(cb);
		expect(ca?.email).toBe('new@example.com');
		expect(ca?.notes).toBe('Prefers SMS');
		// The remote change reached the search index through the same projection.
		expect((await b.service.search('new@ex')).map((c) => c.id)).toEqual([r.id]);
	});

	it('saving a form loaded before another tablet’s edit keeps that edit', async () => {
		const a = open(undefined, 505);
		const b = open(undefined, 606);
		const r = await a.service.create(jose());
		if (!r.ok) throw new Error('create failed');
		const name = customerDocName(r.id);
		await exchange(a, b, name);
		const loadedOnB = await b.service.get(r.id);
		const { id: _i, updatedAt: _u, ...formBase } = loadedOnB!;
		// A edits the notes and B receives it while B's form is still open.
		await a.service.update(r.id, { ...formBase, notes: 'Allergic to nuts' });
		await exchange(a, b, name);
		// B's form still shows the old notes; the person changes only the phone.
		await b.service.update(r.id, { ...formBase, phone: '07700 900456' }, formBase);
		await exchange(a, b, name);
		for (const t of [a, b]) {
			const c = await t.service.get(r.id);
			expect(c?.notes).toBe('Allergic to nuts');
			expect(c?.phone).toBe('+447700900456');
		}
	});

	it('a deletion wins over a concurrent edit', async () => {
		const a = open(undefined, 303);
		const b = open(undefined, 404);
		const r = await a.service.create(jose());
		if (!r.ok) throw new Error('create failed');
		const name = customerDocName(r.id);
		await exchange(a, b, name);
		await a.service.remove(r.id);
		await b.service.update(r.id, { ...jose(), notes: 'edited offline' });
		const announced: string[] = [];
		a.store.subscribe((changes) => announced.push(...(changes['customers:orphaned'] ?? [])));
		await exchange(a, b, name);
		// The projection saw the deleted customer's late edit and says so (the app then cleans it up).
		expect(announced).toEqual([r.id]);
		expect(await a.service.get(r.id)).toBeUndefined();
		expect(await b.service.get(r.id)).toBeUndefined();

		// B's offline edit still sits in the replicated state: personal data of a deleted customer.
		const doc = await a.store.open(name);
		expect(doc.getMap('customers').has(`${r.id}/notes`)).toBe(true);
		const outboxBefore = await a.db.outbox.count();
		expect(await a.service.removeOrphans([r.id])).toBe(1);
		expect(doc.getMap('customers').has(`${r.id}/notes`)).toBe(false);
		// The cleanup is an update the relay can be asked to confirm (it has clocks).
		const rows = await a.db.outbox.toArray();
		expect(rows).toHaveLength(outboxBefore + 1);
		expect(Object.keys(rows[rows.length - 1].clocks).length).toBeGreaterThan(0);
		await exchange(a, b, name);
		expect(JSON.stringify((await b.store.open(name)).getMap('customers').toJSON())).not.toMatch(/edited offline/);
		expect(await a.service.removeOrphans([r.id])).toBe(0);
	});
});
