import { afterEach, describe, expect, it } from 'vitest';
import { emptyDraft, type CustomerDraft } from '$lib/domain/customer';
import { createShop, eventually, makeTablet, pairDevice, startTestRelay, type Tablet, type TestRelay } from './support/tablets';

const NOW = '2026-11-23T10:00:00.000Z';
const draft = (over: Partial<CustomerDraft>): CustomerDraft => ({ ...emptyDraft(NOW), ...over });

let relay: TestRelay | null = null;
const tablets: Tablet[] = [];

afterEach(async () => {
	for (const t of tablets.splice(0)) await t.close();
	await relay?.stop();
	relay = null;
});

async function shopWithTablets(n: number): Promise<Tablet[]> {
	relay = await startTestRelay();
	const owner = await createShop(relay);
	const out = [makeTablet('A', owner)];
	for (let i = 1; i < n; i++) out.push(makeTablet(String.fromCharCode(65 + i), await pairDevice(relay, owner, `Tablet ${i}`)));
	tablets.push(...out);
	return out;
}

async function created(t: Tablet, d: CustomerDraft): Promise<string> {
	const r = await t.customers.create(d);
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	return r.id;
}

describe('sync engine against the relay', () => {
	it('a customer created on one tablet appears in the other tablet’s tables', async () => {
		const [a, b] = await shopWithTablets(2);
		await a.connect();
		await b.connect();
		const id = await created(a, draft({ firstName: 'Jane', lastName: 'Smith', phone: '07700 900123' }));
		await eventually(async () => expect((await b.customers.get(id))?.lastName).toBe('Smith'));
		// The projection on B includes the search keys, from the same code path as a local edit.
		expect((await b.customers.search('07700 900123')).map((c) => c.id)).toEqual([id]);
		await a.engine!.idle();
		expect(a.engine!.status.pending).toBe(0);
		expect(a.engine!.status.lastSyncedAt).not.toBeNull();
	});

	it('counts local changes made offline and sends them all on reconnect', async () => {
		const [a, b] = await shopWithTablets(2);
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push(await created(a, draft({ firstName: `Off${i}`, lastName: 'Line' })));
		expect(await a.db.outbox.count()).toBe(5);
		await a.connect();
		expect(a.engine!.status.pending).toBe(5);
		await b.connect();
		await a.engine!.idle();
		expect(a.engine!.status.pending).toBe(0);
		await eventually(async () => expect(await b.customers.count()).toBe(5));
	});

	it('two offline tablets editing different fields of one customer both keep their edit', async () => {
		const [a, b] = await shopWithTablets(2);
		await a.connect();
		await b.connect();
		const base = draft({ firstName: 'José', lastName: 'García', email: 'jose@example.com' });
		const id = await created(a, base);
		await eventually(async () => expect(await b.customers.get(id)).toBeDefined());
		await a.disconnect();
		await b.disconnect();

		await a.customers.update(id, { ...base, email: 'jose.garcia@example.com' });
		await b.customers.update(id, { ...base, notes: 'Prefers SMS' });
		const created2 = await created(b, draft({ firstName: 'Only', lastName: 'OnB' }));

		await a.connect();
		await b.connect();
		await a.engine!.idle();
		await b.engine!.idle();
		await eventually(async () => {
			const ca = await a.customers.get(id);
			const cb = await b.customers.get(id);
			expect(ca).toEqual(cb);
			expect(ca?.email).toBe('jose.garcia@example.com');
			expect(ca?.notes).toBe('Prefers SMS');
			expect(await a.customers.get(created2)).toBeDefined();
		});
	});

	it('nothing is lost when the relay goes away mid-sync and comes back', async () => {
		const [a, b] = await shopWithTablets(2);
		await a.connect();
		await b.connect();
		const first = await created(a, draft({ firstName: 'Before', lastName: 'Restart' }));
		await a.engine!.idle();
		await relay!.stop();
		const during = await created(a, draft({ firstName: 'During', lastName: 'Outage' }));
		await eventually(() => expect(a.engine!.status.pending).toBeGreaterThan(0));
		expect(a.engine!.status.state).not.toBe('online');
		await relay!.start();
		await a.engine!.idle(20_000);
		await eventually(async () => {
			expect(await b.customers.get(first)).toBeDefined();
			expect(await b.customers.get(during)).toBeDefined();
		}, 20_000);
	});

	it('a revoked tablet is refused and says so', async () => {
		relay = await startTestRelay();
		const owner = await createShop(relay);
		const staff = await pairDevice(relay, owner, 'Till 2');
		const b = makeTablet('B', staff);
		tablets.push(b);
		await b.connect();
		await eventually(() => expect(b.engine!.status.state).toBe('online'));
		const res = await fetch(`${relay.url}/api/devices/${staff.deviceId}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${owner.token}` }
		});
		expect(res.status).toBe(200);
		await eventually(() => expect(b.engine!.status.state).toBe('unauthorized'));
	});

	it('a change the relay refuses for size stays on the tablet, and the status says why', async () => {
		// Small enough that a few customers pass it, large enough for index and settings.
		relay = await startTestRelay(undefined, 0, { limits: { maxDocBytes: 4096 } });
		const owner = await createShop(relay);
		const a = makeTablet('A', owner);
		tablets.push(a);
		await a.connect();
		await eventually(() => expect(a.engine!.status.state).toBe('online'));
		for (let i = 0; i < 40; i++) await created(a, draft({ firstName: `Big${i}`, lastName: 'x'.repeat(60), notes: 'n'.repeat(1500) }));
		await eventually(() => expect(a.engine!.status.refusal?.reason).toBe('doc-too-large'), 10_000);
		await a.engine!.pump();
		// Still there, waiting for the limit to be raised: nothing was dropped.
		expect(a.engine!.status.pending).toBeGreaterThan(0);
		expect(await a.db.outbox.count()).toBeGreaterThan(0);
		expect(a.engine!.status.state).toBe('online');
		// Not retried on its own (the doc's channel is paused) …
		const outbox = await a.db.outbox.count();
		await new Promise((r) => setTimeout(r, 1500));
		expect(a.engine!.status.refusal?.reason).toBe('doc-too-large');
		expect(await a.db.outbox.count()).toBe(outbox);
		// … until "Sync now": offered again, refused again for the same reason, still kept.
		a.engine!.retryRefused();
		expect(a.engine!.status.refusal ?? null).toBeNull();
		void a.engine!.pump();
		await eventually(() => expect(a.engine!.status.refusal?.reason).toBe('doc-too-large'), 10_000);
		expect(await a.db.outbox.count()).toBe(outbox);
	}, 30_000);

	it('a tablet holds one socket for all its documents', async () => {
		const [a, b] = await shopWithTablets(2);
		await a.connect();
		await b.connect();
		const ids: string[] = [];
		for (let i = 0; i < 24; i++) ids.push(await created(a, draft({ firstName: `Many${i}` })));
		await a.engine!.idle(20_000);
		await eventually(async () => expect(await b.customers.get(ids[23])).toBeDefined(), 20_000);
		for (const id of ids) expect(await b.customers.get(id)).toBeDefined();
		const health = (await (await fetch(`${relay!.url}/healthz`)).json()) as { connections: number; docs: number };
		expect(health.docs).toBeGreaterThan(4);
		expect(health.connections).toBe(2);
	});

	it('a tablet whose token the owner rotated is signed out and says why', async () => {
		relay = await startTestRelay();
		const owner = await createShop(relay);
		const staff = await pairDevice(relay, owner, 'Till 2');
		const b = makeTablet('B', staff);
		tablets.push(b);
		await b.connect();
		await eventually(() => expect(b.engine!.status.state).toBe('online'));
		const res = await fetch(`${relay.url}/api/devices/${staff.deviceId}/rotate`, {
			method: 'POST',
			headers: { authorization: `Bearer ${owner.token}` }
		});
		expect(res.status).toBe(200);
		await eventually(() => expect(b.engine!.status).toMatchObject({ state: 'unauthorized', signedOut: 'token-rotated' }));
	});

	it('a tablet unused for longer than the idle limit is signed out with the number of days', async () => {
		let clock = Date.parse(NOW);
		relay = await startTestRelay(undefined, 0, { now: () => clock, tokenIdleDays: 30 });
		const owner = await createShop(relay);
		const staff = await pairDevice(relay, owner, 'Till 2');
		clock += 31 * 86_400_000;
		const b = makeTablet('B', staff);
		tablets.push(b);
		await b.connect();
		await eventually(() =>
			expect(b.engine!.status).toMatchObject({ state: 'unauthorized', signedOut: 'token-expired', idleDays: 30 })
		);
	});
});
