// This tablet's link to its shop on the relay: credentials, the sync engine, and the calls an
// owner makes to set up the shop, pair tablets and revoke them.
import { SyncEngine, type SyncCredentials, type SyncStatus } from '$lib/sync/engine';
import type { ShopSettings } from '$lib/domain/settings';
import { shop } from './shop.svelte';

const CREDENTIALS_KEY = 'sync.credentials';

export interface Credentials extends SyncCredentials {
	role: 'owner' | 'staff';
}

export interface Device {
	id: string;
	name: string;
	role: 'owner' | 'staff';
	storeId?: string;
	createdAt: string;
	lastSeenAt: string | null;
	revokedAt: string | null;
}

export interface Pairing {
	code: string;
	expiresAt: string;
}

/** An answer from the relay that is not what we asked for, with words for the person. */
export class RelayError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly status: number
	) {
		super(message);
	}
}

export class SyncState {
	status = $state<SyncStatus>({ state: 'offline', pending: 0, lastSyncedAt: null, syncing: 0 });
	credentials = $state<Credentials | null>(null);
	readonly paired = $derived(this.credentials !== null);
	readonly isOwner = $derived(this.credentials?.role === 'owner');

	#engine: SyncEngine | null = null;

	constructor() {
		// The customer service stamps consent changes and the erasure checks ownership with it.
		shop.roleOf = () => (this.credentials === null || this.credentials.role === 'owner' ? 'owner' : 'staff');
	}

	/** Owner-only actions (erasure): the owner's tablet, or a tablet that belongs to no shop yet. */
	get actsAsOwner(): boolean {
		return shop.roleOf() === 'owner';
	}
	#unsubscribe: (() => void) | null = null;
	#starting: Promise<void> | null = null;

	/** Reads the stored credentials and starts syncing if this tablet belongs to a shop. Idempotent. */
	start(): Promise<void> {
		this.#starting ??= (async () => {
			const row = await shop.db.kv.get(CREDENTIALS_KEY);
			if (!row) return;
			this.credentials = row.value as Credentials;
			await this.#startEngine();
		})();
		return this.#starting;
	}

	/**
	 * Forget this tablet's shop credentials (after it was removed from the shop, or to join
	 * another). The data stays on the tablet; nothing is sent anywhere.
	 */
	async leave(): Promise<void> {
		this.#unsubscribe?.();
		this.#unsubscribe = null;
		await this.#engine?.stop();
		this.#engine = null;
		await shop.db.kv.delete(CREDENTIALS_KEY);
		this.credentials = null;
		this.status = { state: 'offline', pending: this.status.pending, lastSyncedAt: null, syncing: 0 };
	}

	/** The first device of a shop: creates it on the relay and writes its settings. */
	async createShop(input: {
		relayUrl?: string;
		shopName: string;
		deviceName: string;
		settings: Partial<ShopSettings>;
		setupSecret?: string;
	}): Promise<void> {
		const relayUrl = normaliseRelayUrl(input.relayUrl);
		const body = await call<{ shopId: string; deviceId: string; token: string; role: 'owner' }>(relayUrl, '/api/shops', {
			method: 'POST',
			body: { shopName: input.shopName, deviceName: input.deviceName },
			headers: input.setupSecret ? { 'x-setup-secret': input.setupSecret } : {}
		});
		await this.#saveCredentials({ relayUrl, ...body });
		await shop.saveSettings({ ...input.settings, shopName: input.shopName });
		await shop.saveDevice({ name: input.deviceName });
		await this.#startEngine();
	}

	/** A new tablet joins with the code an owner showed it. */
	async pair(input: { relayUrl?: string; code: string; deviceName: string }): Promise<void> {
		const relayUrl = normaliseRelayUrl(input.relayUrl);
		const code = input.code.trim().toUpperCase().replace(/[^A-Z0-9]/g, '');
		const formatted = code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : input.code.trim();
		const { storeId, ...body } = await call<{
			shopId: string;
			deviceId: string;
			token: string;
			role: 'staff';
			storeId?: string;
		}>(relayUrl, '/api/pair', {
			method: 'POST',
			body: { code: formatted, deviceName: input.deviceName }
		});
		await this.#saveCredentials({ relayUrl, ...body });
		// The owner may have chosen this tablet's store when making the code.
		await shop.saveDevice({ name: input.deviceName, ...(storeId ? { storeId } : {}) });
		await this.#startEngine();
	}

	async createPairing(storeId?: string): Promise<Pairing> {
		const c = this.#creds();
		return call<Pairing>(c.relayUrl, '/api/pairings', { method: 'POST', body: storeId ? { storeId } : {}, token: c.token });
	}

	async listDevices(): Promise<Device[]> {
		const c = this.#creds();
		return call<Device[]>(c.relayUrl, '/api/devices', { token: c.token });
	}

	async revokeDevice(deviceId: string): Promise<void> {
		const c = this.#creds();
		await call(c.relayUrl, `/api/devices/${encodeURIComponent(deviceId)}`, { method: 'DELETE', token: c.token });
	}

	/**
	 * A new access token for a device; the old one stops working at once. For this tablet the new
	 * token is saved and syncing resumes with it; another tablet is signed out (its sockets close
	 * with 4403) and must be paired again.
	 */
	async rotateToken(deviceId: string): Promise<void> {
		const c = this.#creds();
		const path = `/api/devices/${encodeURIComponent(deviceId)}/rotate`;
		if (deviceId !== c.deviceId) {
			await call(c.relayUrl, path, { method: 'POST', token: c.token });
			return;
		}
		// Stopped first, so the relay closing our sockets (4403) is not taken for being signed out.
		this.#unsubscribe?.();
		this.#unsubscribe = null;
		await this.#engine?.stop();
		this.#engine = null;
		try {
			const { token } = await call<{ token: string }>(c.relayUrl, path, { method: 'POST', token: c.token });
			await this.#saveCredentials({ ...c, token });
		} finally {
			await this.#startEngine();
		}
	}

	/** Push and fetch now (the engine does it by itself; this is the "Sync now" button). */
	async syncNow(): Promise<void> {
		this.#engine?.retryRefused();
		await this.#engine?.pump();
	}

	/** For tests. */
	async reset(): Promise<void> {
		this.#unsubscribe?.();
		await this.#engine?.stop();
		this.#engine = null;
		this.#starting = null;
		this.credentials = null;
	}

	#creds(): Credentials {
		if (!this.credentials) throw new RelayError('not-paired', 'This tablet is not connected to a shop yet.', 0);
		return this.credentials;
	}

	async #saveCredentials(c: Credentials): Promise<void> {
		// put(): one row holding this device's secret; never replicated.
		await shop.db.kv.put({ key: CREDENTIALS_KEY, value: c });
		this.credentials = c;
	}

	async #startEngine(): Promise<void> {
		await this.#engine?.stop();
		this.#unsubscribe?.();
		this.#engine = new SyncEngine(shop.store, this.#creds());
		this.#unsubscribe = this.#engine.subscribe((s) => {
			this.status = s;
		});
		await this.#engine.start();
	}
}

function normaliseRelayUrl(url: string | undefined): string {
	const raw = (url ?? '').trim() || location.origin;
	return raw.replace(/\/+$/, '');
}

async function call<T>(
	relayUrl: string,
	path: string,
	opts: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}
): Promise<T> {
	let res: Response;
	try {
		res = await fetch(relayUrl + path, {
			method: opts.method ?? 'GET',
			headers: {
				...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
				...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
				...opts.headers
			},
			body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined
		});
	} catch {
		throw new RelayError(
			'unreachable',
			`The shop server at ${relayUrl} cannot be reached. Check the tablet’s connection and try again.`,
			0
		);
	}
	const body = (await res.json().catch(() => null)) as { error?: string; message?: string } | null;
	if (!res.ok) {
		throw new RelayError(body?.error ?? 'error', body?.message ?? `The shop server answered ${res.status}.`, res.status);
	}
	return body as T;
}

export const sync = new SyncState();
// Reachable from the browser console for support, and from the benchmarks (as shop.svelte.ts does).
(globalThis as unknown as { shopCrmSync: SyncState }).shopCrmSync = sync;
