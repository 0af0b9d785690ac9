import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import { DocTooLargeError } from './limits.js';
import type { Log } from './log.js';
import { isShared, type RelayStorage } from './storage/types.js';

export const messageSync = 0;
export const messageAwareness = 1;
export const messageQueryAwareness = 3;

// Origin of updates read back from a store shared with other relay instances: already stored.
const fromStore = Symbol('stored by another instance');

/** What SharedDoc.receive needs from the path a message came in on. */
export interface PeerHandlers {
	/** Sends now (awareness). */
	reply(message: Uint8Array): void;
	/** Sends once every update applied so far is stored (document content). */
	replyWhenStored(message: Uint8Array): void;
	/** True when the update is refused (and the peer told): it is not applied. */
	refuse(update: Uint8Array): boolean;
	/** The peer sent or asked for awareness. */
	onAwareness?(): void;
}

/** One socket on one doc (a multiplexed socket is one peer in each doc it subscribed to). */
export interface Peer {
	ws: WebSocket;
	/** Awareness client ids this socket announced, removed for everyone when it leaves. */
	awarenessIds: Set<number>;
	/** Sends one y-websocket message to this peer; absent: the message is the whole frame. */
	deliver?: (message: Uint8Array) => void;
	/**
	 * Which awareness updates reach this peer. 'all' (default, the stock per-doc path): every
	 * one, its own echoed back as a keepalive. 'others': those of other peers only. 'none': nothing
	 * (a multiplexed subscriber that never showed interest in awareness).
	 */
	awareness?: 'all' | 'others' | 'none';
}

export function deliver(peer: Peer, message: Uint8Array): void {
	if (peer.deliver) peer.deliver(message);
	else send(peer.ws, message);
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageAwareness);
	encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
	return encoding.toUint8Array(encoder);
}

export interface DocSizeHooks {
	/** Refuse to load a document whose stored log is larger than this (bytes). */
	maxBytes: number;
	/** The size recorded for the doc, if known: a doc over the limit is refused unread. */
	knownBytes?: number;
	/** Called whenever the stored size changes (appends, compaction). */
	onStoredBytes(bytes: number): void;
}

/**
 * A document held in memory while it has clients. Everything that can carry document content
 * to a client (broadcasts and sync-step-2 answers) waits on one chain behind the storage
 * appends, so no client ever receives an update the relay could still lose.
 */
export class SharedDoc {
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly peers = new Map<WebSocket, Peer>();
	unloadTimer: NodeJS.Timeout | undefined;
	#chain: Promise<void> = Promise.resolve();
	#stored: number;
	#storedBytes: number;
	#failed = false;
	// Shared store only: every entry with seq <= #seq is in `doc`; own entries appended past it
	// (another instance's entry in between not read yet) wait in #ownSeqs.
	#seq = 0;
	#ownSeqs = new Set<number>();
	#catchUpQueued = false;
	/** Applied here, not stored yet: the next append takes them all. */
	#pending: { update: Uint8Array; message: Uint8Array; origin: unknown }[] = [];

	private constructor(
		readonly key: string,
		private readonly storage: RelayStorage,
		private readonly log: Log,
		private readonly compactAfter: number,
		private readonly onStorageFailure: (doc: SharedDoc) => void,
		storedCount: number,
		storedBytes: number,
		private readonly sizes: DocSizeHooks | undefined
	) {
		this.#stored = storedCount;
		this.#storedBytes = storedBytes;
		// The relay itself is not a participant.
		this.awareness.setLocalState(null);
		this.awareness.on('update', this.#onAwarenessUpdate);
	}

	static async load(
		key: string,
		storage: RelayStorage,
		log: Log,
		compactAfter: number,
		onStorageFailure: (doc: SharedDoc) => void,
		sizes?: DocSizeHooks
	): Promise<SharedDoc> {
		// Refused before reading when the recorded size says so (a recorded size over the limit is
		// a log that was merged and still did not fit), and before applying (where Yjs needs up to
		// ~18× the encoded size in heap) when the log turns out too large.
		if (sizes?.knownBytes !== undefined && sizes.knownBytes > sizes.maxBytes) {
			throw new DocTooLargeError(key, sizes.knownBytes);
		}
		// A shared store numbers its entries: remember how far we read (see remoteAppended).
		const entries = isShared(storage)
			? await storage.readUpdatesAfter(key, 0)
			: (await storage.readUpdates(key)).map((update) => ({ seq: 0, update }));
		let updates = entries.map((entry) => entry.update);
		const lastSeq = entries.at(-1)?.seq ?? 0;
		let bytes = byteLength(updates);
		if (sizes && bytes > sizes.maxBytes) {
			// An uncompacted log overstates the doc: merging (streamed, without building a Y.Doc)
			// tells whether the document itself is over the limit.
			const merged = bytes <= sizes.maxBytes * LOG_SLACK ? Y.mergeUpdates(updates) : null;
			if (!merged || merged.length > sizes.maxBytes) {
				sizes.onStoredBytes(bytes);
				throw new DocTooLargeError(key, merged?.length ?? bytes);
			}
			if (isShared(storage)) await storage.replaceUpdatesThrough(key, merged, lastSeq);
			else await storage.replaceUpdates(key, merged, updates.length);
			updates = [merged];
			bytes = merged.length;
		}
		sizes?.onStoredBytes(bytes);
		const shared = new SharedDoc(key, storage, log, compactAfter, onStorageFailure, updates.length, bytes, sizes);
		shared.#seq = lastSeq;
		let skipped = 0;
		for (const update of updates) {
			// One bad entry must not make the whole document unreadable.
			try {
				Y.applyUpdate(shared.doc, update);
			} catch {
				skipped++;
			}
		}
		if (skipped > 0) log('doc-load-skipped-updates', { doc: key, skipped });
		// Listening only now, so what was loaded is not stored a second time.
		shared.doc.on('update', shared.#onDocUpdate);
		return shared;
	}

	/** Bytes of this doc's stored update log (an upper bound of its encoded state). */
	get storedBytes(): number {
		return this.#storedBytes;
	}

	get failed(): boolean {
		return this.#failed;
	}

	#enqueue(task: () => Promise<void> | void): Promise<void> {
		const run = this.#chain.then(async () => {
			if (!this.#failed) await task();
		});
		this.#chain = run.catch((error: unknown) => {
			if (this.#failed) return;
			this.#failed = true;
			this.log('doc-storage-failed', { doc: this.key, error: String(error).slice(0, 200) });
			this.onStorageFailure(this);
		});
		return this.#chain;
	}

	#onDocUpdate = (update: Uint8Array, origin: unknown) => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		syncProtocol.writeUpdate(encoder, update);
		const message = encoding.toUint8Array(encoder);
		// Read from the shared store, so stored already: straight to this instance's clients.
		if (origin === fromStore) return this.broadcast(message);
		this.#pending.push({ update, message, origin });
		if (this.#pending.length > 1) return;
		// Group commit: updates arriving while an append is in flight wait for the next one and are
		// stored together as one entry (one write, one fsync or commit), then each goes out to every
		// socket but its sender. Per-doc throughput no longer ends at one update per storage round trip.
		void this.#enqueue(async () => {
			const batch = this.#pending;
			this.#pending = [];
			const stored = batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((p) => p.update));
			await this.#append(stored);
			this.#stored++;
			// The merged entry is what was stored: its size is what the quotas count.
			this.#storedBytes += stored.length;
			this.sizes?.onStoredBytes(this.#storedBytes);
			for (const p of batch) this.broadcast(p.message, p.origin);
			if (this.#stored > this.compactAfter) await this.#compact();
		});
	};

	#onAwarenessUpdate = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	) => {
		const peer = typeof origin === 'object' && origin !== null && 'awarenessIds' in origin ? (origin as Peer) : null;
		if (peer) {
			for (const id of [...added, ...updated]) peer.awarenessIds.add(id);
			for (const id of removed) peer.awarenessIds.delete(id);
		}
		// Stock per-doc peers get it all, sender included: a lone tablet's only traffic is its own
		// awareness renewal (every 15 s), and y-websocket drops a socket that received nothing for
		// 30 s. Multiplexed peers have ping/pong for that, so they get only what they asked for.
		const message = encodeAwareness(this.awareness, [...added, ...updated, ...removed]);
		for (const target of this.peers.values()) {
			const wants = target.awareness ?? 'all';
			if (wants === 'none' || (wants === 'others' && target === peer)) continue;
			deliver(target, message);
		}
	};

	/** Sends to every open socket but the one the change came from. */
	broadcast(message: Uint8Array, origin?: unknown): void {
		for (const peer of this.peers.values()) {
			if (peer !== origin) deliver(peer, message);
		}
	}

	/**
	 * The state vector of what is stored: taken now, answered once every update applied so far
	 * has been appended (their appends are ahead of ours on the chain).
	 */
	async storedStateVector(): Promise<Uint8Array> {
		const sv = Y.encodeStateVector(this.doc);
		await this.#enqueue(() => {});
		if (this.#failed) throw new Error('document storage failed');
		return sv;
	}

	/** For answers computed from the in-memory doc, which may hold updates not yet stored. */
	sendWhenStored(ws: WebSocket, message: Uint8Array): void {
		void this.#enqueue(() => send(ws, message));
	}

	async #append(update: Uint8Array): Promise<void> {
		if (!isShared(this.storage)) return this.storage.appendUpdate(this.key, update);
		const seq = await this.storage.appendUpdateSeq(this.key, update);
		if (seq === this.#seq + 1) this.#seq = seq;
		else this.#ownSeqs.add(seq);
		while (this.#ownSeqs.delete(this.#seq + 1)) this.#seq++;
	}

	/**
	 * Another instance stored entry `seq` of this doc: read what we have not applied yet and pass
	 * it on to our clients. Coalesced: a burst of notices costs one read.
	 */
	remoteAppended(seq: number): void {
		if (seq <= this.#seq || this.#catchUpQueued || !isShared(this.storage)) return;
		this.#catchUpQueued = true;
		void this.#enqueue(() => this.#catchUp());
	}

	async #catchUp(): Promise<void> {
		this.#catchUpQueued = false;
		if (!isShared(this.storage)) return;
		for (const { seq, update } of await this.storage.readUpdatesAfter(this.key, this.#seq)) {
			this.#seq = seq;
			if (this.#ownSeqs.delete(seq)) continue;
			this.#stored++;
			// Stored by another instance, still this doc's bytes (the quotas count them here too).
			this.#storedBytes += update.length;
			this.sizes?.onStoredBytes(this.#storedBytes);
			// Structs this relay held back for a missing dependency were never stored; if this
			// entry completes them, the resulting update goes through the normal append path.
			const store = this.doc.store;
			const origin = store.pendingStructs || store.pendingDs ? null : fromStore;
			try {
				Y.applyUpdate(this.doc, update, origin);
			} catch {
				this.log('doc-remote-update-skipped', { doc: this.key, seq });
			}
		}
		if (this.#stored > this.compactAfter) await this.#compact();
	}

	/**
	 * One y-websocket message from a peer (both paths: a socket per doc, and the multiplexed one):
	 * sync step 1 answered once stored, step 2 / update checked by `refuse` before Y.applyUpdate
	 * (where a large update costs many times its size in heap), awareness and its query passed on.
	 * Throws on anything undecodable: the caller drops that peer, since syncProtocol.readSyncMessage
	 * would swallow apply errors and keep a client that sends garbage.
	 */
	receive(message: Uint8Array, origin: unknown, peer: PeerHandlers): void {
		const decoder = decoding.createDecoder(message);
		const type = decoding.readVarUint(decoder);
		if (type === messageSync) {
			const syncType = decoding.readVarUint(decoder);
			if (syncType === syncProtocol.messageYjsSyncStep1) {
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, messageSync);
				syncProtocol.writeSyncStep2(encoder, this.doc, decoding.readVarUint8Array(decoder));
				peer.replyWhenStored(encoding.toUint8Array(encoder));
			} else if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
				const update = decoding.readVarUint8Array(decoder);
				if (!peer.refuse(update)) Y.applyUpdate(this.doc, update, origin);
			} else {
				throw new Error(`unknown sync message ${syncType}`);
			}
		} else if (type === messageAwareness) {
			peer.onAwareness?.();
			awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), origin);
		} else if (type === messageQueryAwareness) {
			peer.onAwareness?.();
			peer.reply(encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
		} else {
			throw new Error(`unknown message type ${type}`);
		}
	}

	/** As sendWhenStored, for a peer that frames its messages (multiplexed sockets). */
	deliverWhenStored(peer: Peer, message: Uint8Array): void {
		void this.#enqueue(() => deliver(peer, message));
	}

	async #compact(): Promise<void> {
		// Runs inside the chain, so no append is in flight and #stored is exactly the log length.
		const merged = Y.encodeStateAsUpdate(this.doc);
		if (isShared(this.storage)) {
			// Other instances append too: replace what this doc is known to hold, by position.
			if (this.#seq > 0) await this.storage.replaceUpdatesThrough(this.key, merged, this.#seq);
		} else {
			await this.storage.replaceUpdates(this.key, merged, this.#stored);
		}
		this.log('doc-compacted', { doc: this.key, replaced: this.#stored });
		this.#stored = 1;
		this.#storedBytes = merged.length;
		this.sizes?.onStoredBytes(this.#storedBytes);
	}

	/**
	 * Rewrites the stored log as one update encoded from this (garbage-collected) doc, whatever its
	 * length: content deleted by a client leaves storage. Asked for by a tablet after an erasure.
	 */
	async compactNow(): Promise<void> {
		await this.#enqueue(async () => {
			if (this.#stored > 0) await this.#compact();
		});
		if (this.#failed) throw new Error('document storage failed');
	}

	/** Waits for pending appends, compacts the log into one entry, frees the doc. */
	async unload(): Promise<void> {
		await this.#enqueue(async () => {
			await this.#catchUp();
			if (this.#stored > 1) await this.#compact();
		});
		this.destroy();
	}

	destroy(): void {
		clearTimeout(this.unloadTimer);
		this.doc.off('update', this.#onDocUpdate);
		this.awareness.off('update', this.#onAwarenessUpdate);
		this.awareness.destroy();
		this.doc.destroy();
	}
}

// How far a stored log may pass the limit and still be merged to see whether the doc fits.
const LOG_SLACK = 4;

const byteLength = (updates: Uint8Array[]) => updates.reduce((sum, u) => sum + u.length, 0);

// A tablet that stops reading would otherwise make the relay buffer every update for it.
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export function send(ws: WebSocket, message: Uint8Array): void {
	if (ws.readyState !== ws.OPEN) return;
	if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
	// A failed send means the socket is going away; its close handler cleans up.
	ws.send(message, (error) => {
		if (error) ws.terminate();
	});
}
