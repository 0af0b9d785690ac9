// Erasure through the real sync engine and relay: the relay's stored log is rewritten once it
// holds the erasure, and a tablet that was offline with an edit of its own cannot bring the data back.
import { afterEach, assert, describe, expect, it } from 'vitest';
import { emptyDraft, type CustomerDraft } from '$lib/domain/customer';
import { ErasureService } from '$lib/customers/erasure-service';
import { ERASED_KIND } from '$lib/customers/projection';
import { customerDocName } from '$lib/store/docnames';
import { createShop, eventually, makeTablet, pairDevice, startTestRelay, type Tablet, type TestRelay } from './support/tablets';

let relay: TestRelay | null = null;
const tablets: Tablet[] = [];

afterEach(async () => {
	for (const t of tablets.splice(0)) await t.close();
	await relay?.stop();
	relay = null;
});

const SECRETS = ['Philippa', 'Quenby', 'pq.secret@example.org', 'Walnut allergy', 'and pecans'];

function withErasure(t: Tablet): ErasureService {
	const erasures = new ErasureService(t.store, { now: () => new Date().toISOString() });
	t.store.subscribe((changes) => {
		if (changes[ERASED_KIND]?.length) void erasures.resume();
	});
	return erasures;
}

async function relayBytes(shopId: string, doc: string): Promise<string> {
	const updates = await relay!.storage.readUpdates(`${shopId}/${doc}`);
	return updates.map((u) => Buffer.from(u).toString('latin1')).join('');
}

async function tabletBytes(t: Tablet): Promise<string> {
	const parts: string[] = [];
	for (const table of t.db.tables) {
		for (const row of await table.toArray()) {
			parts.push(JSON.stringify(row, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)));
		}
	}
	return parts.join('\n');
}

const held = (bytes: string) => SECRETS.filter((s) => bytes.includes(s));

describe('erasure through the relay', () => {
	it('rewrites the relay’s log, and an offline tablet’s edit is erased when it reconnects', async () => {
		// Docs stay loaded on the relay: what rewrites its log is the tablets' request, not an unload.
		relay = await startTestRelay(undefined, 0, { limits: { unloadDelayMs: 600_000 } });
		const owner = await createShop(relay);
		const a = makeTablet('A', owner);
		const b = makeTablet('B', await pairDevice(relay, owner, 'Till B'));
		tablets.push(a, b);
		const ea = withErasure(a);
		const eb = withErasure(b);
		await a.connect();
		await b.connect();
		const base: CustomerDraft = {
			...emptyDraft('2026-01-01T00:00:00.000Z'),
			firstName: 'Philippa',
			lastName: 'Quenby',
			email: 'pq.secret@example.org',
			notes: 'Walnut allergy'
		};
		const r = await a.customers.create(base);
		assert(r.ok, 'create failed');
		const doc = customerDocName(r.id);
		await eventually(async () => expect((await b.customers.get(r.id))?.email).toBe('pq.secret@example.org'));
		await a.engine!.idle();
		expect(held(await relayBytes(owner.shopId, doc))).toContain('Quenby');

		// B goes offline and edits; A erases meanwhile.
		await b.disconnect();
		await b.customers.update(r.id, { ...base, notes: 'Walnut allergy and pecans' });
		const erased = await ea.erase(r.id, 'ERASE', { by: 'Owner tablet', role: 'owner' });
		assert(erased.ok, 'erasure refused');
		await a.engine!.idle();
		await eventually(async () => expect(held(await relayBytes(owner.shopId, doc))).toEqual([]));
		expect(held(await tabletBytes(a))).toEqual([]);

		// B reconnects: its edit reaches the relay and A, and is erased again everywhere.
		await b.connect();
		await eventually(async () => expect((await eb.erasureOf(r.id))?.by).toBe('Owner tablet'));
		await eventually(async () => {
			await b.engine!.idle();
			await a.engine!.idle();
			expect(held(await tabletBytes(b))).toEqual([]);
			expect(held(await tabletBytes(a))).toEqual([]);
			expect(held(await relayBytes(owner.shopId, doc))).toEqual([]);
			expect(await b.db.erasures.where('pending').equals(1).count()).toBe(0);
		}, 20_000);
		expect(await b.customers.get(r.id)).toBeUndefined();
		expect(await a.customers.get(r.id)).toBeUndefined();
	});
});
