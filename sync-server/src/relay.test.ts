import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { tokenSubprotocols } from './auth.js';
import { encodeAwareness } from './shared-doc.js';
import { LevelStorage } from './storage/level.js';
import { MemoryStorage } from './storage/memory.js';
import {
	api,
	bearer,
	cleanupAll,
	connect,
	createShop,
	health,
	pairStaff,
	rawGet,
	rawSocket,
	sleep,
	startRelay,
	synced,
	tempDir,
	waitFor
} from './testing/relay-harness.js';

afterEach(cleanupAll);

const customers = (doc: Y.Doc) => doc.getMap<string>('customers');

describe('relay: sync between tablets', () => {
	it('two y-websocket clients of one shop converge', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		const a = connect(h, 'customers-0', owner.token);
		const b = connect(h, 'customers-0', staff.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);

		customers(a.doc).set('c1', 'Ada');
		customers(b.doc).set('c2', 'Grace');
		await waitFor('both edits on both tablets', () => customers(a.doc).size === 2 && customers(b.doc).size === 2);
		expect(customers(b.doc).toJSON()).toEqual(customers(a.doc).toJSON());

		const health = await api(h, 'GET', '/healthz');
		expect(health.status).toBe(200);
		expect(health.body).toMatchObject({ ok: true, docs: 1, connections: 2 });
		expect(typeof health.body.uptimeSeconds).toBe('number');
	});

	it('relays awareness, and a late joiner gets the current states', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const a = connect(h, 'doc', owner.token);
		await synced(a.provider);
		a.provider.awareness.setLocalStateField('user', { till: 1 });
		const b = connect(h, 'doc', owner.token);
		await waitFor('awareness of a on b', () => b.provider.awareness.getStates().has(a.doc.clientID));
	});

	it('echoes awareness to a lone client, which keeps its socket from looking dead', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const raw = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
		expect(await raw.opened).toBe(true);
		const local = new awarenessProtocol.Awareness(new Y.Doc());
		local.setLocalState({ till: 1 });
		raw.ws.send(encodeAwareness(local, [local.clientID]));
		await waitFor('awareness echoed', () => raw.types.includes(1));
		local.destroy();
	});

	it('never sends a client an update before it is stored', async () => {
		// Appends wait for the test to open the gate; a relay that broadcast first would fail.
		class GatedStorage extends MemoryStorage {
			stored = 0;
			pending = 0;
			#open = false;
			#waiting: (() => void)[] = [];
			release() {
				this.#open = true;
				for (const go of this.#waiting.splice(0)) go();
			}
			override async appendUpdate(docKey: string, update: Uint8Array) {
				this.pending++;
				if (!this.#open) await new Promise<void>((resolve) => this.#waiting.push(resolve));
				await super.appendUpdate(docKey, update);
				this.pending--;
				this.stored++;
			}
		}
		const storage = new GatedStorage();
		const h = await startRelay({ storage });
		const owner = await createShop(h);
		const a = connect(h, 'doc', owner.token);
		const b = connect(h, 'doc', owner.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		const storedWhenReceived: number[] = [];
		b.doc.on('update', () => storedWhenReceived.push(storage.stored));

		customers(a.doc).set('c1', 'Ada');
		await waitFor('append waiting', () => storage.pending === 1);
		// A late joiner's sync step 2 holds the unstored edit, so it must wait too.
		const c = connect(h, 'doc', owner.token);
		await sleep(150);
		expect(customers(b.doc).size).toBe(0);
		expect(c.provider.synced).toBe(false);

		storage.release();
		await waitFor('edit on b and c', () => customers(b.doc).size === 1 && customers(c.doc).size === 1);
		expect(storedWhenReceived).toEqual([1]);
	});

	it('stores the updates that arrive during one append together in the next (group commit)', async () => {
		// The first append is held; the 40 edits made meanwhile must not need 40 more round trips.
		class SlowStorage extends MemoryStorage {
			appends = 0;
			#gate: Promise<void> | null = null;
			#open: () => void = () => {};
			hold() {
				this.#gate = new Promise<void>((resolve) => (this.#open = resolve));
			}
			release() {
				this.#open();
				this.#gate = null;
			}
			override async appendUpdate(docKey: string, update: Uint8Array) {
				this.appends++;
				if (this.#gate) await this.#gate;
				await super.appendUpdate(docKey, update);
			}
		}
		const storage = new SlowStorage();
		const h = await startRelay({ storage });
		const owner = await createShop(h);
		const a = connect(h, 'doc', owner.token);
		const b = connect(h, 'doc', owner.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		const before = storage.appends;
		storage.hold();
		customers(a.doc).set('c0', 'first');
		await waitFor('first append held', () => storage.appends === before + 1);
		for (let i = 1; i <= 40; i++) customers(a.doc).set(`c${i}`, `edit ${i}`);
		await sleep(100);
		expect(customers(b.doc).size).toBe(0);
		storage.release();
		await waitFor('every edit on b', () => customers(b.doc).size === 41);
		expect(storage.appends - before).toBe(2);
		// And the stored log holds all of them: a fresh relay over the same storage serves them.
		const stored = new Y.Doc();
		for (const u of await storage.readUpdates(`${owner.shopId}/doc`)) Y.applyUpdate(stored, u);
		expect(customers(stored).size).toBe(41);
	});
});

describe('relay: who may connect', () => {
	it('refuses a missing, wrong or revoked token at the upgrade with 401 and no data', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		const writer = connect(h, 'doc', owner.token);
		await synced(writer.provider);
		customers(writer.doc).set('c1', 'secret');

		for (const token of [undefined, 'nope', `${owner.token}x`]) {
			const raw = rawSocket(`${h.wsBase}/doc`, { token });
			expect(await raw.opened).toBe(false);
			expect(raw.upgradeStatus).toBe(401);
			expect(raw.messages).toBe(0);
		}

		const staffSocket = rawSocket(`${h.wsBase}/doc`, { token: staff.token });
		expect(await staffSocket.opened).toBe(true);
		const revoked = await api(h, 'DELETE', `/api/devices/${staff.deviceId}`, undefined, bearer(owner.token));
		expect(revoked.status).toBe(200);
		expect(await staffSocket.closed).toBe(4401);

		const again = rawSocket(`${h.wsBase}/doc`, { token: staff.token });
		expect(await again.opened).toBe(false);
		expect(again.upgradeStatus).toBe(401);
	});

	it('refuses invalid doc names and unknown paths', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const bad = rawSocket(`${h.wsBase}/..%2Fother`, { token: owner.token });
		expect(await bad.opened).toBe(false);
		expect(bad.upgradeStatus).toBe(400);
		const elsewhere = rawSocket(`${h.wsBase.replace('/sync', '/other')}/doc`, { token: owner.token });
		expect(await elsewhere.opened).toBe(false);
		expect(elsewhere.upgradeStatus).toBe(404);
	});

	it('keeps shops apart even when they use the same doc name', async () => {
		const h = await startRelay();
		const shopA = await createShop(h, 'A');
		const shopB = await createShop(h, 'B');
		const a = connect(h, 'customers-0', shopA.token);
		await synced(a.provider);
		customers(a.doc).set('c1', 'only in A');
		const a2 = connect(h, 'customers-0', shopA.token);
		await waitFor('A stored', () => customers(a2.doc).size === 1);

		const b = connect(h, 'customers-0', shopB.token);
		await synced(b.provider);
		customers(b.doc).set('c9', 'only in B');
		const b2 = connect(h, 'customers-0', shopB.token);
		await waitFor('B synced its own edit', () => customers(b2.doc).size === 1);
		expect(customers(b2.doc).toJSON()).toEqual({ c9: 'only in B' });
		expect(customers(a.doc).toJSON()).toEqual({ c1: 'only in A' });
	});

	it('limits concurrent sockets per address with 429', async () => {
		const h = await startRelay({ limits: { maxConnectionsPerIp: 2 } });
		const owner = await createShop(h);
		const first = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
		const second = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
		expect(await Promise.all([first.opened, second.opened])).toEqual([true, true]);
		const third = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
		expect(await third.opened).toBe(false);
		expect(third.upgradeStatus).toBe(429);
		first.ws.close();
		await first.closed;
		await waitFor('slot released', async () => (await health(h)).connections === 1);
		const fourth = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
		expect(await fourth.opened).toBe(true);
	});
	it('gives a connection slot back after a failed handshake', async () => {
		const h = await startRelay({ limits: { maxConnectionsPerIp: 1 } });
		const owner = await createShop(h);
		for (let i = 0; i < 3; i++) {
			const res = await rawGet(h, `/sync/doc`, {
				'sec-websocket-protocol': tokenSubprotocols(owner.token).join(', '),
				connection: 'Upgrade',
				upgrade: 'websocket',
				'sec-websocket-version': '99',
				'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ=='
			});
			expect(res.status).toBe(400);
		}
		await waitFor('slots released', async () => {
			const raw = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
			const opened = await raw.opened;
			raw.ws.terminate();
			return opened;
		});
	});
});

describe('relay: bad clients', () => {
	it('drops a client that sends an oversized frame and keeps syncing the others', async () => {
		const h = await startRelay({ limits: { maxMessageBytes: 64 * 1024 } });
		const owner = await createShop(h);
		const a = connect(h, 'doc', owner.token);
		const b = connect(h, 'doc', owner.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		const big = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
		expect(await big.opened).toBe(true);
		big.ws.send(new Uint8Array(100 * 1024));
		expect(await big.closed).toBe(1009);
		customers(a.doc).set('after', 'still syncing');
		await waitFor('b still syncing', () => customers(b.doc).get('after') === 'still syncing');
	});

	it('drops a client that sends garbage, keeps the doc and the server healthy', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const a = connect(h, 'doc', owner.token);
		await synced(a.provider);
		customers(a.doc).set('c1', 'Ada');
		const garbage = [
			new Uint8Array([0, 2, 8, 255, 255, 255, 255, 1, 2, 3, 4]),
			new Uint8Array([0, 9]),
			new Uint8Array([7, 7, 7]),
			new Uint8Array([1, 5, 1, 2, 3, 4, 5])
		];
		for (const bytes of garbage) {
			const raw = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
			expect(await raw.opened).toBe(true);
			raw.ws.send(bytes);
			expect(await raw.closed).toBe(1003);
		}
		const text = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
		expect(await text.opened).toBe(true);
		text.ws.send('hello');
		expect(await text.closed).toBe(1003);

		const b = connect(h, 'doc', owner.token);
		await waitFor('b gets the data', () => customers(b.doc).get('c1') === 'Ada');
		expect((await api(h, 'GET', '/healthz')).body.ok).toBe(true);
	});

	it('terminates a client that stops answering pings', async () => {
		const h = await startRelay({ limits: { pingIntervalMs: 40 } });
		const owner = await createShop(h);
		const silent = rawSocket(`${h.wsBase}/doc`, { token: owner.token, autoPong: false });
		const lively = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
		expect(await Promise.all([silent.opened, lively.opened])).toEqual([true, true]);
		expect(await silent.closed).toBe(1006);
		await sleep(120);
		expect(lively.closeCode).toBeUndefined();
		expect(lively.ws.readyState).toBe(lively.ws.OPEN);
	});

	it('does not keep a doc in memory for a client that left while it was loading', async () => {
		class SlowLoad extends MemoryStorage {
			override async readUpdates(docKey: string) {
				await sleep(100);
				return super.readUpdates(docKey);
			}
		}
		const h = await startRelay({ storage: new SlowLoad() });
		const owner = await createShop(h);
		const raw = rawSocket(`${h.wsBase}/slow`, { token: owner.token });
		expect(await raw.opened).toBe(true);
		raw.ws.terminate();
		await sleep(150);
		await waitFor('doc unloaded', async () => (await health(h)).docs === 0, 2000);
	});

	it('survives clients vanishing mid-sync and unloads the doc afterwards', async () => {
		const storage = new MemoryStorage();
		const h = await startRelay({ storage, limits: { unloadDelayMs: 20 } });
		const owner = await createShop(h);
		for (let i = 0; i < 5; i++) {
			const raw = rawSocket(`${h.wsBase}/doc`, { token: owner.token });
			await raw.opened;
			// Sync step 1 with an empty state vector, then gone before the answer.
			raw.ws.send(new Uint8Array([0, 0, 1, 0]));
			raw.ws.terminate();
		}
		const a = connect(h, 'doc', owner.token);
		await synced(a.provider);
		customers(a.doc).set('c1', 'Ada');
		await waitFor('stored', async () => (await storage.readUpdates(`${owner.shopId}/doc`)).length > 0);
		a.provider.destroy();
		await waitFor('doc unloaded', async () => {
			const { docs, connections } = await health(h);
			return docs === 0 && connections === 0;
		});
		expect(await storage.readUpdates(`${owner.shopId}/doc`)).toHaveLength(1);
	});
});

describe('relay: persistence', () => {
	it('compacts a long update log and loses nothing', async () => {
		const storage = new MemoryStorage();
		const h = await startRelay({ storage, limits: { compactAfter: 5 } });
		const owner = await createShop(h);
		const a = connect(h, 'doc', owner.token);
		await synced(a.provider);
		const b = connect(h, 'doc', owner.token);
		await synced(b.provider);
		for (let i = 0; i < 23; i++) customers(a.doc).set(`c${i}`, `n${i}`);
		await waitFor('b has all', () => customers(b.doc).size === 23);
		expect((await storage.readUpdates(`${owner.shopId}/doc`)).length).toBeLessThanOrEqual(6);
		const c = connect(h, 'doc', owner.token);
		await waitFor('late joiner has all', () => customers(c.doc).size === 23);
	});

	it('keeps data across a relay restart over the same LevelDB directory', async () => {
		const dir = tempDir('relay-restart-');
		const first = await startRelay({ storage: await LevelStorage.open(dir) });
		const owner = await createShop(first);
		const a = connect(first, 'doc', owner.token);
		const b = connect(first, 'doc', owner.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		customers(a.doc).set('c1', 'Ada');
		// Once b has it, it was acknowledged: it must survive.
		await waitFor('b has it', () => customers(b.doc).get('c1') === 'Ada');
		a.provider.destroy();
		b.provider.destroy();
		await first.close();

		const second = await startRelay({ storage: await LevelStorage.open(dir) });
		const me = await api(second, 'GET', '/api/me', undefined, bearer(owner.token));
		expect(me.body).toEqual({ shopId: owner.shopId, deviceId: owner.deviceId, role: 'owner' });
		const c = connect(second, 'doc', owner.token);
		await waitFor('data after restart', () => customers(c.doc).get('c1') === 'Ada');
	});
});
