import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
	hashSecret,
	newId,
	newToken,
	tokenFromRequest,
	type Authenticate,
	type AuthOutcome,
	type Principal,
	type Role
} from './auth.js';
import type { RelayStorage } from './storage/types.js';

// Metadata layout (RelayStorage meta keys):
//   shop/<shopId>                 ShopRecord
//   device/<shopId>/<deviceId>    DeviceRecord
//   token/<sha256(token)>         { shopId, deviceId }   lookup index, deleted on revoke
//   pairing/<sha256(code)>        PairingRecord          deleted when used
//   lastseen/<shopId>/<deviceId>  { at }                 written by logins, never the device record
//
// The device record is written only when the device is created, rotated and revoked (those in the
// device's queue). Logins write lastSeenAt under its own key: a login that read the record just
// before a revoke can then never put back a copy without revokedAt or with an old token hash.
// Idle expiry reads that key (falling back to the record's own lastSeenAt from older data).

export interface ShopRecord {
	id: string;
	name: string;
	createdAt: string;
}

export interface DeviceRecord {
	id: string;
	shopId: string;
	name: string;
	role: Role;
	storeId?: string;
	tokenHash: string;
	createdAt: string;
	lastSeenAt: string | null;
	revokedAt: string | null;
	/** When its token was last replaced (idle expiry counts from here until it is used). */
	rotatedAt?: string;
}

interface PairingRecord {
	shopId: string;
	storeId?: string;
	createdBy: string;
	expiresAt: number;
}

export interface IssuedDevice {
	shopId: string;
	deviceId: string;
	token: string;
	role: Role;
	storeId?: string;
}

export const PAIRING_TTL_MS = 10 * 60_000;
const PAIRING_SWEEP_AFTER_MS = 60 * 60_000;
// No 0/O or 1/I: codes are read off one screen and typed on another.
const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
// lastSeenAt is a hint for the owner, not an audit log: one write a minute per device is plenty.
const LAST_SEEN_EVERY_MS = 60_000;

export const normalizePairingCode = (code: string): string =>
	code.toUpperCase().replace(/[\s-]/g, '');

export const DEFAULT_TOKEN_IDLE_DAYS = 90;
const DAY_MS = 86_400_000;

export interface RegistryOptions {
	/** A token unused for this many days is refused with 'token-expired'; 0 = never. */
	tokenIdleDays?: number;
}

export type RotateResult =
	| { ok: true; deviceId: string; token: string }
	| { ok: false; error: 'device-not-found' | 'device-revoked' };

export type RedeemResult =
	| { ok: true; device: IssuedDevice }
	| { ok: false; error: 'pairing-code-invalid' | 'pairing-code-expired' };

export class ShopRegistry {
	// Single use within this process even when two tablets redeem one code at the same moment.
	#claiming = new Set<string>();
	// Device keys revoked by this process: a login in flight across the revoke is refused.
	#revoked = new Set<string>();
	// Every read-modify-write of a device record (rotate, revoke) and every login of that device
	// runs in its device's queue, so a login never sees half a rotation or half a revoke.
	#deviceQueues = new Map<string, Promise<unknown>>();
	readonly tokenIdleDays: number;

	constructor(
		private readonly storage: RelayStorage,
		private readonly now: () => number,
		options: RegistryOptions = {}
	) {
		this.tokenIdleDays = options.tokenIdleDays ?? DEFAULT_TOKEN_IDLE_DAYS;
	}

	#serial<T>(key: string, task: () => Promise<T>): Promise<T> {
		const previous = this.#deviceQueues.get(key) ?? Promise.resolve();
		const run = previous.then(task, task);
		const tail = run.catch(() => {});
		this.#deviceQueues.set(key, tail);
		void tail.then(() => {
			if (this.#deviceQueues.get(key) === tail) this.#deviceQueues.delete(key);
		});
		return run;
	}

	#iso = () => new Date(this.now()).toISOString();

	async createShop(shopName: string, deviceName: string): Promise<IssuedDevice> {
		const shop: ShopRecord = { id: newId(), name: shopName, createdAt: this.#iso() };
		await this.storage.putMeta(`shop/${shop.id}`, shop);
		return this.#addDevice(shop.id, deviceName, 'owner');
	}

	async #addDevice(shopId: string, name: string, role: Role, storeId?: string): Promise<IssuedDevice> {
		const token = newToken();
		const device: DeviceRecord = {
			id: newId(),
			shopId,
			name,
			role,
			...(storeId ? { storeId } : {}),
			tokenHash: hashSecret(token),
			createdAt: this.#iso(),
			lastSeenAt: null,
			revokedAt: null
		};
		// Device first, index second: a crash in between leaves an unusable token, never a
		// token that points at nothing.
		await this.storage.putMeta(`device/${shopId}/${device.id}`, device);
		await this.storage.putMeta(`token/${device.tokenHash}`, { shopId, deviceId: device.id });
		return { shopId, deviceId: device.id, token, role, ...(storeId ? { storeId } : {}) };
	}

	async authenticateToken(token: string): Promise<Principal | null> {
		const outcome = await this.checkToken(token);
		return outcome.ok ? outcome.principal : null;
	}

	/** Who holds `token`, or why it is refused. Using it counts as use (lastSeenAt, idle expiry). */
	async checkToken(token: string): Promise<AuthOutcome> {
		const hash = hashSecret(token);
		const index = await this.storage.getMeta<{ shopId: string; deviceId: string }>(`token/${hash}`);
		if (!index) return { ok: false, error: 'unauthorized' };
		const key = `device/${index.shopId}/${index.deviceId}`;
		return this.#serial(key, async (): Promise<AuthOutcome> => {
			const device = await this.storage.getMeta<DeviceRecord>(key);
			if (!device || device.revokedAt !== null || device.tokenHash !== hash) return { ok: false, error: 'unauthorized' };
			// The last use lives under its own key (any instance may have written it).
			const seenKey = `lastseen/${index.shopId}/${index.deviceId}`;
			const seen = await this.storage.getMeta<{ at: string }>(seenKey);
			const lastSeenAt = seen?.at ?? device.lastSeenAt;
			if (this.#idleExpired({ ...device, lastSeenAt })) {
				return { ok: false, error: 'token-expired', idleDays: this.tokenIdleDays };
			}
			const lastSeen = lastSeenAt ? Date.parse(lastSeenAt) : 0;
			if (this.now() - lastSeen >= LAST_SEEN_EVERY_MS) {
				await this.storage.putMeta(seenKey, { at: this.#iso() });
			}
			// Revoked while we were reading (by this process): the revoke has answered, so this login fails too.
			if (this.#revoked.has(key)) return { ok: false, error: 'unauthorized' };
			return { ok: true, principal: { shopId: device.shopId, deviceId: device.id, role: device.role } };
		});
	}

	/** Unused for longer than the idle limit, counted from the last use (or the pairing). */
	#idleExpired(device: DeviceRecord): boolean {
		if (this.tokenIdleDays <= 0) return false;
		const lastUse = Math.max(
			...[device.createdAt, device.lastSeenAt, device.rotatedAt].map((at) => (at ? Date.parse(at) : 0))
		);
		return this.now() - lastUse > this.tokenIdleDays * DAY_MS;
	}

	/** The relay's default authenticate: a device token from the Authorization header or subprotocol. */
	readonly authenticate: Authenticate = async (req: IncomingMessage) => {
		const token = tokenFromRequest(req);
		return token ? this.authenticateToken(token) : null;
	};

	/** As authenticate, saying why a request is refused. */
	async authorize(req: IncomingMessage): Promise<AuthOutcome> {
		const token = tokenFromRequest(req);
		return token ? this.checkToken(token) : { ok: false, error: 'unauthorized' };
	}

	/**
	 * A new token for the device; the old one stops working at once (its index entry is gone
	 * before this returns). An expired device can be rotated by its owner: that is how it is
	 * brought back without pairing anew.
	 */
	async rotateToken(shopId: string, deviceId: string): Promise<RotateResult> {
		const key = `device/${shopId}/${deviceId}`;
		return this.#serial(key, async (): Promise<RotateResult> => {
			const device = await this.storage.getMeta<DeviceRecord>(key);
			if (!device) return { ok: false, error: 'device-not-found' };
			if (device.revokedAt !== null) return { ok: false, error: 'device-revoked' };
			const token = newToken();
			const tokenHash = hashSecret(token);
			// Old index first: a crash after it leaves the device without a working token (the owner
			// rotates again), never with two.
			await this.storage.deleteMeta(`token/${device.tokenHash}`);
			await this.storage.putMeta(key, { ...device, tokenHash, rotatedAt: this.#iso() });
			await this.storage.putMeta(`token/${tokenHash}`, { shopId, deviceId });
			return { ok: true, deviceId, token };
		});
	}

	async listDevices(shopId: string): Promise<DeviceRecord[]> {
		const seen = new Map(
			(await this.storage.listMeta<{ at: string }>(`lastseen/${shopId}/`)).map(([k, v]) => [k.split('/')[2], v.at])
		);
		return (await this.storage.listMeta<DeviceRecord>(`device/${shopId}/`)).map(([, d]) => ({
			...d,
			// Records from before the separate key still carry their own lastSeenAt.
			lastSeenAt: seen.get(d.id) ?? d.lastSeenAt
		}));
	}

	/** Revoked by this process (a socket authenticated just before a revoke is closed on attach). */
	isRevoked(shopId: string, deviceId: string): boolean {
		return this.#revoked.has(`device/${shopId}/${deviceId}`);
	}

	/** Returns false when the shop has no such device; revoking twice is harmless. */
	async revokeDevice(shopId: string, deviceId: string): Promise<boolean> {
		const key = `device/${shopId}/${deviceId}`;
		// Marked before the queue: a login queued behind this revoke is refused even before it runs.
		this.#revoked.add(key);
		return this.#serial(key, async () => {
			const device = await this.storage.getMeta<DeviceRecord>(key);
			if (!device) {
				this.#revoked.delete(key);
				return false;
			}
			if (device.revokedAt === null) {
				await this.storage.putMeta(key, { ...device, revokedAt: this.#iso() });
			}
			await this.storage.deleteMeta(`token/${device.tokenHash}`);
			return true;
		});
	}

	async createPairing(
		principal: Principal,
		storeId?: string
	): Promise<{ code: string; expiresAt: string }> {
		await this.#sweepExpiredPairings();
		const raw = Array.from({ length: 8 }, () => PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)]).join('');
		const expiresAt = this.now() + PAIRING_TTL_MS;
		const record: PairingRecord = {
			shopId: principal.shopId,
			createdBy: principal.deviceId,
			expiresAt,
			...(storeId ? { storeId } : {})
		};
		await this.storage.putMeta(`pairing/${hashSecret(raw)}`, record);
		return { code: `${raw.slice(0, 4)}-${raw.slice(4)}`, expiresAt: new Date(expiresAt).toISOString() };
	}

	async redeemPairing(code: string, deviceName: string): Promise<RedeemResult> {
		const normalized = normalizePairingCode(code);
		if (!/^[A-Z0-9]{8}$/.test(normalized)) return { ok: false, error: 'pairing-code-invalid' };
		const key = `pairing/${hashSecret(normalized)}`;
		if (this.#claiming.has(key)) return { ok: false, error: 'pairing-code-invalid' };
		this.#claiming.add(key);
		try {
			const pairing = await this.storage.getMeta<PairingRecord>(key);
			if (!pairing) return { ok: false, error: 'pairing-code-invalid' };
			// An expired code stays until swept, so retyping it keeps saying 'expired'.
			if (pairing.expiresAt <= this.now()) return { ok: false, error: 'pairing-code-expired' };
			await this.storage.deleteMeta(key);
			const shop = await this.storage.getMeta<ShopRecord>(`shop/${pairing.shopId}`);
			if (!shop) return { ok: false, error: 'pairing-code-invalid' };
			return { ok: true, device: await this.#addDevice(shop.id, deviceName, 'staff', pairing.storeId) };
		} finally {
			this.#claiming.delete(key);
		}
	}

	async #sweepExpiredPairings() {
		const cutoff = this.now() - PAIRING_SWEEP_AFTER_MS;
		for (const [key, pairing] of await this.storage.listMeta<PairingRecord>('pairing/')) {
			if (pairing.expiresAt <= cutoff) await this.storage.deleteMeta(key);
		}
	}
}
