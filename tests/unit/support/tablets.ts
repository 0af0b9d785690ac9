// Test support: simulated tablets (fake-indexeddb + DocStore + services + SyncEngine) talking to an
// in-process relay over real websockets. Used by the engine and convergence tests only.
import WebSocket from 'ws';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections, DERIVE_KINDS } from '$lib/projections';
import { DexieCustomerService } from '$lib/customers/service';
import { SyncEngine, type SyncCredentials, type SyncEngineOptions } from '$lib/sync/engine';
import { seededIds } from '$lib/domain/ids';
import { createRelay, type Relay, type RelayLimits, type RelayOptions } from '../../../sync-server/src/server';
import { MemoryStorage } from '../../../sync-server/src/storage/memory';
import type { RelayStorage } from '../../../sync-server/src/storage/types';

export interface Tablet {
	name: string;
	db: ShopDB;
	store: DocStore;
	customers: DexieCustomerService;
	engine: SyncEngine | null;
	creds: SyncCredentials;
	connect(opts?: SyncEngineOptions): Promise<void>;
	disconnect(): Promise<void>;
	close(): Promise<void>;
}

export interface TestRelay {
	url: string;
	port: number;
	storage: RelayStorage;
	relay: Relay;
	/** Stops the relay (sockets dropped) and starts a new one on the same port and storage. */
	restart(): Promise<void>;
	stop(): Promise<void>;
	start(): Promise<void>;
}

/** The setup secret of test relays (creating a shop needs it, as on a hosted relay). */
export const TEST_SETUP_SECRET = 'unit-test-setup-secret';

export async function startTestRelay(
	storage: RelayStorage = new MemoryStorage(),
	port = 0,
	/** E.g. a fake clock and an idle limit for token expiry, or lower quotas. */
	extra: Pick<RelayOptions, 'now' | 'tokenIdleDays'> & { limits?: Partial<RelayLimits> } = {}
): Promise<TestRelay> {
	const { limits, ...rest } = extra;
	const make = () =>
		createRelay({
			storage,
			staticDir: '/nonexistent',
			setupSecret: TEST_SETUP_SECRET,
			log: () => {},
			...rest,
			limits: { unloadDelayMs: 50, pingIntervalMs: 60_000, ...limits }
		});
	let relay = make();
	const addr = await relay.listen(port, '127.0.0.1');
	let running = true;
	const t: TestRelay = {
		url: `http://127.0.0.1:${addr.port}`,
		port: addr.port,
		storage,
		relay,
		/** Stopping a stopped relay does nothing, so teardown need not know what the test did. */
		async stop() {
			if (!running) return;
			running = false;
			await relay.close();
		},
		async start() {
			relay = make();
			t.relay = relay;
			await relay.listen(addr.port, '127.0.0.1');
			running = true;
		},
		async restart() {
			await t.stop();
			await t.start();
		}
	};
	return t;
}

/** A shop on the relay and its owner's credentials. */
export async function createShop(relay: TestRelay, shopName = 'Test shop'): Promise<SyncCredentials & { role: string }> {
	const res = await fetch(`${relay.url}/api/shops`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-setup-secret': TEST_SETUP_SECRET },
		body: JSON.stringify({ shopName, deviceName: 'Owner tablet' })
	});
	if (res.status !== 201) throw new Error(`create shop: ${res.status}`);
	const body = (await res.json()) as { shopId: string; deviceId: string; token: string; role: string };
	return { relayUrl: relay.url, ...body };
}

/** Pairs another device to the shop of `owner`. */
export async function pairDevice(relay: TestRelay, owner: SyncCredentials, deviceName: string): Promise<SyncCredentials> {
	const p = await fetch(`${relay.url}/api/pairings`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
		body: '{}'
	});
	const { code } = (await p.json()) as { code: string };
	const res = await fetch(`${relay.url}/api/pair`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ code, deviceName })
	});
	if (res.status !== 201) throw new Error(`pair: ${res.status}`);
	const body = (await res.json()) as { shopId: string; deviceId: string; token: string };
	return { relayUrl: relay.url, ...body };
}

let tabletCounter = 0;

export function makeTablet(name: string, creds: SyncCredentials, seed = ++tabletCounter): Tablet {
	const db = new ShopDB(`tablet-${name}-${seed}-${Math.random()}`);
	const store = new DocStore(db, { projections: allProjections, deriveKinds: DERIVE_KINDS, channel: null });
	let now = Date.parse('2026-11-23T10:00:00.000Z');
	const customers = new DexieCustomerService(store, {
		validation: () => ({ defaultCountry: 'GB', today: '2026-11-23' }),
		// Strictly increasing per tablet, so "updatedAt" is deterministic and distinct.
		now: () => new Date((now += 1000)).toISOString(),
		newId: seededIds(seed * 7919)
	});
	const t: Tablet = {
		name,
		db,
		store,
		customers,
		engine: null,
		creds,
		async connect(opts = {}) {
			if (t.engine) return;
			t.engine = new SyncEngine(store, t.creds, {
				WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
				lingerMs: 200,
				...opts
			});
			await t.engine.start();
		},
		async disconnect() {
			await t.engine?.stop();
			t.engine = null;
		},
		async close() {
			await t.disconnect();
			await store.close();
			db.close();
		}
	};
	return t;
}

/** Polls until `check` passes (bounded). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		try {
			await check();
			return;
		} catch (err) {
			if (Date.now() > until) throw err;
			await new Promise((r) => setTimeout(r, 25));
		}
	}
}
