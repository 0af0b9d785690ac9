import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type { RawData, WebSocket } from 'ws';
import * as Y from 'yjs';
import type { Principal } from './auth.js';
import { CloseCode, CloseReason, DocTooLargeError, RelayBusyError, type DeviceRates, type StorageUsage } from './limits.js';
import type { Log } from './log.js';
import {
	encodeAwareness,
	messageSync,
	send,
	SharedDoc,
	type Peer
} from './shared-doc.js';
import type { RelayStorage } from './storage/types.js';

export const DOC_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

export interface SyncHubOptions {
	storage: RelayStorage;
	log: Log;
	/** Compact a doc's update log once it holds more entries than this. */
	compactAfter: number;
	/** How long a doc stays in memory after its last client left. */
	unloadDelayMs: number;
	pingIntervalMs: number;
	/** Size quotas and update rates; without them (tests of other things) nothing is limited. */
	quotas?: SyncQuotas;
}

export interface SyncQuotas {
	maxDocBytes: number;
	maxShopBytes: number;
	/** Stored bytes of all loaded docs together: bounds the heap (Yjs takes 1–18× that). */
	maxLoadedBytes: number;
	usage: StorageUsage;
	rates: DeviceRates;
}

/** A socket the hub pings, closes on revocation and at shutdown: per-doc or multiplexed. */
export interface HubConnection {
	ws: WebSocket;
	/** Null while a multiplexed socket has not authenticated yet. */
	principal: Principal | null;
	alive: boolean;
	closing: boolean;
	/** For logs: the doc of a per-doc socket, 'mux' for a multiplexed one. */
	label: string;
}

/** A peer that is told its doc failed (instead of having its socket closed). */
export interface FailablePeer extends Peer {
	fail(code: number, reason: string): void;
}

interface Client extends Peer, HubConnection {
	principal: Principal;
	docKey: string;
}

export const CLOSE_REVOKED = 4401;
export const CLOSE_TOKEN_EXPIRED = 4402;
export const CLOSE_TOKEN_ROTATED = 4403;

// A peer that ignores our close frame is cut off after this.
const CLOSE_GRACE_MS = 2_000;

/** The y-websocket protocol over authenticated sockets, one SharedDoc per `${shopId}/${docName}`. */
export class SyncHub {
	#docs = new Map<string, Promise<SharedDoc>>();
	#live = new Map<string, SharedDoc>();
	#unloading = new Map<string, Promise<void>>();
	#clients = new Set<HubConnection>();
	// Bumped by closeDevice: a socket whose auth began before a revocation checks it afterwards.
	#cuts = new Map<string, number>();
	#ping: NodeJS.Timeout;

	constructor(private readonly options: SyncHubOptions) {
		this.#ping = setInterval(() => this.#pingAll(), options.pingIntervalMs);
	}

	get docCount(): number {
		return this.#live.size;
	}

	/** Stored bytes of the docs in memory. */
	get loadedBytes(): number {
		let total = 0;
		for (const shared of this.#live.values()) total += shared.storedBytes;
		return total;
	}

	get connectionCount(): number {
		return this.#clients.size;
	}

	/** What the relay has stored of a doc, as a Yjs state vector (tablets confirm their changes with it). */
	async storedStateVector(docKey: string): Promise<Uint8Array> {
		const live = this.#live.get(docKey);
		if (live && !live.failed) return live.storedStateVector();
		const updates = await this.options.storage.readUpdates(docKey);
		return updates.length ? Y.encodeStateVectorFromUpdate(Y.mergeUpdates(updates)) : Y.encodeStateVector(new Y.Doc());
	}

	/** Takes over an upgraded socket whose principal was already authenticated. */
	attach(ws: WebSocket, principal: Principal, docName: string): void {
		const docKey = `${principal.shopId}/${docName}`;
		const client: Client = {
			ws,
			principal,
			docKey,
			label: docKey,
			awarenessIds: new Set(),
			alive: true,
			closing: false
		};
		this.#clients.add(client);
		const ready = this.acquire(client.docKey, client);
		ready.then(
			(shared) => {
				if (client.closing) return;
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, messageSync);
				syncProtocol.writeSyncStep1(encoder, shared.doc);
				send(ws, encoding.toUint8Array(encoder));
				const states = [...shared.awareness.getStates().keys()];
				if (states.length > 0) send(ws, encodeAwareness(shared.awareness, states));
			},
			(error: unknown) => {
				if (error instanceof RelayBusyError) {
					this.options.log('doc-refused', { doc: client.docKey, reason: 'loaded-bytes' });
					// 1013 Try Again Later: y-websocket reconnects with backoff.
					return this.#close(client, 1013, CloseReason.busy);
				}
				if (error instanceof DocTooLargeError) {
					this.options.log('doc-refused', { doc: client.docKey, bytes: error.bytes });
					return this.#close(client, CloseCode.docTooLarge, CloseReason.docTooLarge);
				}
				this.options.log('doc-load-failed', { doc: client.docKey, error: String(error).slice(0, 200) });
				this.#close(client, 1011, 'document unavailable');
			}
		);
		// Messages that arrive while the doc loads queue up behind `ready`, in order.
		ws.on('message', (data, isBinary) => {
			ready.then((shared) => this.#onMessage(client, shared, data, isBinary), () => {});
		});
		ws.on('pong', () => {
			client.alive = true;
		});
		ws.on('error', (error: Error & { code?: string }) => {
			// ws has already closed the socket (1009 for oversized frames); just say why.
			this.options.log('ws-error', { doc: client.docKey, device: principal.deviceId, code: error.code });
		});
		ws.on('close', (code) => {
			client.closing = true;
			this.#clients.delete(client);
			this.options.log('ws-closed', { doc: client.docKey, device: principal.deviceId, code });
			ready.then((shared) => this.leave(client, shared), () => {});
		});
		this.options.log('ws-open', { doc: client.docKey, device: principal.deviceId });
	}

	/** Track a socket that is not attached per doc (the multiplexed endpoint). */
	track(connection: HubConnection): void {
		this.#clients.add(connection);
	}

	untrack(connection: HubConnection): void {
		this.#clients.delete(connection);
	}

	/** Loads (or finds) the doc `key` and adds `peer` to it. */
	async acquire(key: string, peer: Peer): Promise<SharedDoc> {
		const shared = await this.#loaded(key);
		clearTimeout(shared.unloadTimer);
		shared.unloadTimer = undefined;
		// Added even if the socket already closed: its close handler's #leave then removes it
		// and schedules the unload, so a vanished client cannot pin the doc in memory.
		shared.peers.set(peer.ws, peer);
		return shared;
	}

	/** The doc in memory (loaded if needed), never one being unloaded or failed. */
	async #loaded(key: string): Promise<SharedDoc> {
		// Bounded: each pass waits for an unload or a load that raced with us.
		for (let attempt = 0; attempt < 20; attempt++) {
			const unloading = this.#unloading.get(key);
			if (unloading) {
				await unloading;
				continue;
			}
			let loading = this.#docs.get(key);
			if (!loading) {
				loading = this.#load(key);
				const mine = loading;
				this.#docs.set(key, mine);
				mine.then(
					(shared) => this.#live.set(key, shared),
					() => {
						if (this.#docs.get(key) === mine) this.#docs.delete(key);
					}
				);
			}
			const shared = await loading;
			if (this.#docs.get(key) !== loading || shared.failed) continue;
			return shared;
		}
		throw new Error('document kept unloading');
	}

	/**
	 * Rewrites a doc's stored log from its garbage-collected state and reclaims the space, so
	 * content its clients deleted is gone from disk (a tablet asks after erasing personal data).
	 * Content-agnostic: any doc, any deletion.
	 */
	async compact(docKey: string): Promise<void> {
		const shared = await this.#loaded(docKey);
		try {
			await shared.compactNow();
		} finally {
			if (shared.peers.size === 0 && !shared.failed) {
				clearTimeout(shared.unloadTimer);
				shared.unloadTimer = setTimeout(() => void this.#unload(shared), this.options.unloadDelayMs);
			}
		}
		await this.options.storage.reclaim?.(docKey);
		this.options.log('doc-compacted-on-request', { doc: docKey });
	}

	async #load(key: string): Promise<SharedDoc> {
		const quotas = this.options.quotas;
		const knownBytes = quotas && (await quotas.usage.docBytes(key));
		if (quotas && knownBytes !== undefined && knownBytes <= quotas.maxDocBytes) {
			if (this.loadedBytes + knownBytes > quotas.maxLoadedBytes) throw new RelayBusyError(key);
		}
		const sizes = quotas && {
			maxBytes: quotas.maxDocBytes,
			knownBytes,
			onStoredBytes: (bytes: number) => void quotas.usage.record(key, bytes)
		};
		return SharedDoc.load(key, this.options.storage, this.options.log, this.options.compactAfter, (d) => this.#drop(d), sizes);
	}

	/**
	 * Whether `principal` may apply `update` to `shared`: checked before Y.applyUpdate, which is
	 * where a large update costs the relay many times its size in heap. Null: go ahead. Both the
	 * per-doc path (closes the socket with the code) and the multiplexed one (a doc-error) ask.
	 */
	refusal(principal: Principal, shared: SharedDoc, update: Uint8Array): { code: number; reason: string } | null {
		const quotas = this.options.quotas;
		if (!quotas) return null;
		const { shopId, deviceId } = principal;
		if (!quotas.rates.allow(`${shopId}/${deviceId}`, update.length)) {
			return { code: CloseCode.rateLimited, reason: CloseReason.rateLimited };
		}
		// Loaded with the doc (#load), so known here without waiting.
		const shopBytes = quotas.usage.loadedShopBytes(shopId) ?? 0;
		let growth = update.length;
		if (shared.storedBytes + growth > quotas.maxDocBytes || shopBytes + growth > quotas.maxShopBytes) {
			// A catching-up tablet may resend what the relay has: count only what is new.
			growth = Y.diffUpdate(update, Y.encodeStateVector(shared.doc)).length;
			if (growth <= 2) return null;
		}
		if (shared.storedBytes + growth > quotas.maxDocBytes) {
			return { code: CloseCode.docTooLarge, reason: CloseReason.docTooLarge };
		}
		if (shopBytes + growth > quotas.maxShopBytes) {
			return { code: CloseCode.shopQuota, reason: CloseReason.shopQuota };
		}
		return null;
	}

	/** Removes `client` from the doc; the doc unloads a while after its last peer left. */
	leave(client: Peer, shared: SharedDoc): void {
		if (shared.peers.get(client.ws) !== client) return;
		shared.peers.delete(client.ws);
		if (client.awarenessIds.size > 0) {
			awarenessProtocol.removeAwarenessStates(shared.awareness, [...client.awarenessIds], null);
		}
		if (shared.peers.size === 0) {
			clearTimeout(shared.unloadTimer);
			shared.unloadTimer = setTimeout(() => void this.#unload(shared), this.options.unloadDelayMs);
		}
	}

	#unload(shared: SharedDoc): Promise<void> {
		const key = shared.key;
		if (this.#live.get(key) !== shared || shared.peers.size > 0) return Promise.resolve();
		this.#live.delete(key);
		this.#docs.delete(key);
		const done = shared
			.unload()
			.then(() => this.options.log('doc-unloaded', { doc: key }))
			.catch((error: unknown) => this.options.log('doc-unload-failed', { doc: key, error: String(error) }))
			.finally(() => this.#unloading.delete(key));
		this.#unloading.set(key, done);
		return done;
	}

	/** Storage failed under this doc: forget the in-memory copy and make clients resync. */
	#drop(shared: SharedDoc): void {
		if (this.#live.get(shared.key) === shared) {
			this.#live.delete(shared.key);
			this.#docs.delete(shared.key);
		}
		// A per-doc socket is closed; a multiplexed one is told this doc failed and keeps the others.
		for (const peer of shared.peers.values()) {
			if ('fail' in peer) (peer as FailablePeer).fail(1011, 'storage failure');
			else this.#close(peer as Client, 1011, 'storage failure');
		}
		shared.peers.clear();
		shared.destroy();
	}

	#onMessage(client: Client, shared: SharedDoc, data: RawData, isBinary: boolean): void {
		if (client.closing) return;
		try {
			if (!isBinary) throw new Error('text frame');
			shared.receive(toBytes(data), client, {
				reply: (m) => send(client.ws, m),
				replyWhenStored: (m) => shared.sendWhenStored(client.ws, m),
				refuse: (update) => {
					const refusal = this.checkUpdate(client.principal, client.docKey, shared, update);
					if (refusal) this.#close(client, refusal.code, refusal.reason);
					return !!refusal;
				}
			});
		} catch (error) {
			this.options.log('ws-bad-message', {
				doc: client.docKey,
				device: client.principal.deviceId,
				error: (error instanceof Error ? error.message : String(error)).slice(0, 120)
			});
			this.#close(client, 1003, 'bad message');
		}
	}

	/** refusal(), logged when it refuses: what both paths call before applying an update. */
	checkUpdate(principal: Principal, docKey: string, shared: SharedDoc, update: Uint8Array): { code: number; reason: string } | null {
		const refusal = this.refusal(principal, shared, update);
		if (refusal) this.options.log('ws-update-refused', { doc: docKey, device: principal.deviceId, code: refusal.code, bytes: update.length });
		return refusal;
	}

	/** Close code, then cut off a peer that ignores the close frame. */
	closeConnection(client: HubConnection, code: number, reason: string): void {
		this.#close(client, code, reason);
	}

	#close(client: HubConnection, code: number, reason: string): void {
		if (client.closing) return;
		client.closing = true;
		client.ws.close(code, reason);
		setTimeout(() => client.ws.terminate(), CLOSE_GRACE_MS).unref();
	}

	/** Another relay instance stored entry `seq` of a doc (shared store): pass it on if loaded here. */
	remoteAppended(docKey: string, seq: number): void {
		// A doc still loading may have read the store before this entry: catch up once it is ready.
		void this.#docs.get(docKey)?.then((shared) => shared.remoteAppended(seq), () => {});
	}

	/** Notices from the other instances may have been missed: every loaded doc reads the store again. */
	resyncAll(): void {
		for (const shared of this.#live.values()) shared.remoteAppended(Number.MAX_SAFE_INTEGER);
	}

	/**
	 * Closes every socket of a device at once: 4401 when revoked (y-websocket will not reconnect),
	 * 4403 when its token was rotated.
	 */
	closeDevice(shopId: string, deviceId: string, code = CLOSE_REVOKED, reason = 'device revoked'): number {
		const cut = `${shopId}/${deviceId}`;
		this.#cuts.set(cut, (this.#cuts.get(cut) ?? 0) + 1);
		let closed = 0;
		for (const client of this.#clients) {
			if (client.principal?.shopId === shopId && client.principal.deviceId === deviceId) {
				this.#close(client, code, reason);
				closed++;
			}
		}
		return closed;
	}

	/** A counter that changes whenever the device's sockets are cut; compare before and after auth. */
	cutsOf(shopId: string, deviceId: string): number {
		return this.#cuts.get(`${shopId}/${deviceId}`) ?? 0;
	}

	#pingAll(): void {
		for (const client of this.#clients) {
			if (!client.alive) {
				this.options.log('ws-ping-timeout', { doc: client.label, device: client.principal?.deviceId });
				client.ws.terminate();
				continue;
			}
			client.alive = false;
			try {
				client.ws.ping();
			} catch {
				client.ws.terminate();
			}
		}
	}

	/** Shutdown: close sockets (1001), store and compact every doc, free them. */
	async close(): Promise<void> {
		clearInterval(this.#ping);
		// Waiting (briefly) for the close handshakes lets the 1001 frames reach the tablets
		// before the process exits.
		const closed = [...this.#clients].map(
			(client) => new Promise<void>((resolve) => (client.ws.readyState === client.ws.CLOSED ? resolve() : client.ws.once('close', () => resolve())))
		);
		for (const client of this.#clients) this.#close(client, 1001, 'relay shutting down');
		for (const shared of this.#live.values()) shared.peers.clear();
		await Promise.allSettled([...this.#docs.values()]);
		await Promise.all([...this.#live.values()].map((shared) => this.#unload(shared)));
		await Promise.all([...this.#unloading.values()]);
		await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
		await this.options.quotas?.usage.flush();
	}
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return data;
}
