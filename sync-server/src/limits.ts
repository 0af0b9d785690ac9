// What keeps one client (or one shop) from taking the relay down for everyone: document and shop
// size quotas, a per-device update rate, and connection budgets derived from the descriptor limit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RelayStorage } from './storage/types.js';

/**
 * Websocket close codes the relay uses beyond the standard ones. 44xx/45xx mirror the HTTP status
 * they resemble; the app turns them into a sentence and keeps the refused change on the tablet.
 */
export const CloseCode = {
	/** The device was revoked: do not reconnect. */
	revoked: 4401,
	/** The document would grow past MAX_DOC_BYTES (or is stored over it and is not loaded). */
	docTooLarge: 4413,
	/** The device sends updates faster than its budget; reconnecting later is fine. */
	rateLimited: 4429,
	/** The shop's stored bytes would pass MAX_SHOP_BYTES. */
	shopQuota: 4507
} as const;

export const CloseReason = {
	docTooLarge: 'document over the size limit',
	rateLimited: 'too many updates from this device',
	shopQuota: 'shop storage quota exceeded',
	busy: 'relay busy, try again later'
} as const;

/** Thrown by a document load that would pass the size limit: refused, never applied. */
export class DocTooLargeError extends Error {
	constructor(
		readonly docKey: string,
		readonly bytes: number
	) {
		super(`document ${docKey} holds ${bytes} bytes, over the limit`);
	}
}

/** Thrown when loading a document would pass the relay's budget of loaded bytes (MAX_LOADED_MB). */
export class RelayBusyError extends Error {
	constructor(readonly docKey: string) {
		super('too much loaded');
	}
}

/** A classic token bucket: `ratePerSecond` refill, up to `burst` saved up. */
export class TokenBucket {
	#tokens: number;
	#at: number;
	constructor(
		private readonly ratePerSecond: number,
		private readonly burst: number,
		private readonly now: () => number
	) {
		this.#tokens = burst;
		this.#at = now();
	}

	take(amount: number): boolean {
		const now = this.now();
		this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.ratePerSecond);
		this.#at = now;
		if (amount > this.#tokens) return false;
		this.#tokens -= amount;
		return true;
	}

	/** True once the bucket has refilled completely (the key can be forgotten). */
	get idle(): boolean {
		return this.#tokens + ((this.now() - this.#at) / 1000) * this.ratePerSecond >= this.burst;
	}
}

export interface RateLimits {
	updatesPerSecond: number;
	updateBurst: number;
	bytesPerSecond: number;
	byteBurst: number;
}

/** Per-device budget of sync updates, in messages and in bytes, over all its sockets. */
export class DeviceRates {
	#buckets = new Map<string, { updates: TokenBucket; bytes: TokenBucket }>();
	constructor(
		private readonly limits: RateLimits,
		private readonly now: () => number
	) {}

	allow(deviceKey: string, bytes: number): boolean {
		if (this.#buckets.size > 10_000) this.#sweep();
		let entry = this.#buckets.get(deviceKey);
		if (!entry) {
			const { updatesPerSecond, updateBurst, bytesPerSecond, byteBurst } = this.limits;
			entry = {
				updates: new TokenBucket(updatesPerSecond, updateBurst, this.now),
				bytes: new TokenBucket(bytesPerSecond, byteBurst, this.now)
			};
			this.#buckets.set(deviceKey, entry);
		}
		// A refused frame closes the socket, so what it was charged does not matter.
		if (!entry.updates.take(1)) return false;
		if (!entry.bytes.take(bytes)) return false;
		return true;
	}

	#sweep() {
		for (const [key, entry] of this.#buckets) {
			if (entry.updates.idle && entry.bytes.idle) this.#buckets.delete(key);
		}
	}
}

/**
 * Stored bytes per document, kept in metadata (`docsize/<shopId>/<docName>`), so a document over
 * the limit is refused before a byte of it is read, and a shop's total is one prefix scan.
 * Counts are the update log's length in bytes: what the document costs on disk, and an upper bound
 * of its encoded state. Writes are batched: a crash loses at most the last second of counting,
 * and the next load of that document corrects its entry.
 */
export class StorageUsage {
	#shops = new Map<string, Promise<Map<string, number>>>();
	#loaded = new Map<string, Map<string, number>>();
	#dirty = new Set<string>();
	#timer: NodeJS.Timeout | undefined;
	#flushing: Promise<void> = Promise.resolve();

	constructor(
		private readonly storage: RelayStorage,
		private readonly flushDelayMs = 1000
	) {}

	/** Loads a shop's counts once; later calls share the same map. */
	shop(shopId: string): Promise<Map<string, number>> {
		let loading = this.#shops.get(shopId);
		if (!loading) {
			loading = this.storage.listMeta<{ bytes: number }>(`docsize/${shopId}/`).then((entries) => {
				const sizes = new Map(entries.map(([key, value]) => [key.slice(`docsize/${shopId}/`.length), value.bytes]));
				this.#loaded.set(shopId, sizes);
				return sizes;
			});
			loading.catch(() => this.#shops.delete(shopId));
			this.#shops.set(shopId, loading);
		}
		return loading;
	}

	async docBytes(docKey: string): Promise<number | undefined> {
		const [shopId, docName] = split(docKey);
		return (await this.shop(shopId)).get(docName);
	}

	async shopBytes(shopId: string): Promise<number> {
		await this.shop(shopId);
		return this.loadedShopBytes(shopId)!;
	}

	/** The shop's total if its counts are in memory already, else undefined. */
	loadedShopBytes(shopId: string): number | undefined {
		const sizes = this.#loaded.get(shopId);
		if (!sizes) return undefined;
		let total = 0;
		for (const bytes of sizes.values()) total += bytes;
		return total;
	}

	/** Records a document's stored size (its shop's counts must have been loaded: see `shop`). */
	async record(docKey: string, bytes: number): Promise<void> {
		const [shopId, docName] = split(docKey);
		const sizes = await this.shop(shopId);
		if (sizes.get(docName) === bytes) return;
		sizes.set(docName, bytes);
		this.#dirty.add(docKey);
		this.#timer ??= setTimeout(() => void this.flush(), this.flushDelayMs);
		this.#timer.unref?.();
	}

	/** Writes pending counts (also on shutdown). */
	flush(): Promise<void> {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		const keys = [...this.#dirty];
		this.#dirty.clear();
		this.#flushing = this.#flushing.then(async () => {
			for (const docKey of keys) {
				const [shopId, docName] = split(docKey);
				const bytes = (await this.shop(shopId)).get(docName);
				if (bytes !== undefined) await this.storage.putMeta(`docsize/${docKey}`, { bytes }).catch(() => {});
			}
		});
		return this.#flushing;
	}
}

function split(docKey: string): [string, string] {
	const slash = docKey.indexOf('/');
	return [docKey.slice(0, slash), docKey.slice(slash + 1)];
}

/**
 * The process's soft limit on open files. Node raises it to the hard limit itself at start-up
 * (where the system allows), so this is what the relay really has. Linux: /proc/self/limits;
 * elsewhere `ulimit -n` of a child shell, which inherits the same limit. Null when unknown.
 */
export function openFileLimit(): number | null {
	try {
		const line = readFileSync('/proc/self/limits', 'utf8')
			.split('\n')
			.find((l) => l.startsWith('Max open files'));
		const soft = line?.split(/\s{2,}/)[1];
		if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
		if (soft && /^\d+$/.test(soft)) return Number(soft);
	} catch {
		// Not Linux: ask a shell.
	}
	try {
		const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim();
		if (out === 'unlimited') return Number.MAX_SAFE_INTEGER;
		if (/^\d+$/.test(out)) return Number(out);
	} catch {
		// No shell either.
	}
	return null;
}

/** Descriptors kept back from websockets: LevelDB's files, /healthz, the API and the admin. */
export const RESERVED_DESCRIPTORS = 256;

export interface ConnectionBudget {
	/** Websockets over all shops. */
	maxConnections: number;
	/** TCP connections of any kind; past this a new one is closed at once. */
	maxSockets: number;
}

/**
 * Websockets stop well below the descriptor limit, so /healthz, the API and LevelDB always find
 * one; plain TCP stops a little below it, so the process never meets EMFILE.
 */
export function connectionBudget(fdLimit: number | null, configured?: number): ConnectionBudget {
	const limit = fdLimit ?? 1024;
	const maxSockets = Math.max(64, limit - 64);
	const derived = Math.max(16, limit - RESERVED_DESCRIPTORS);
	const maxConnections = Math.min(configured ?? derived, derived, 100_000);
	return { maxConnections, maxSockets };
}
