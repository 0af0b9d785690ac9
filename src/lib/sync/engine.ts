// Replication between this tablet and the relay.
//
// Every document travels over ONE multiplexed websocket (mux-client.ts): a tablet catching up
// on 20 documents holds one socket, not 20, so a shop behind one address never meets the relay's
// per-address cap. A document still has to be in memory while it syncs, so a tablet cannot keep
// all of them subscribed (100,000 customers and 500,000 sales would not fit the heap budget).
// Instead:
//
// - `index` (tiny) and `settings` stay connected. `index` holds one entry per document and device:
//   heads['<doc>/<deviceId>'] = { n, at, by }, rewritten by that device after the relay CONFIRMED
//   its change to doc. One slot per device, not one per doc: two tablets announcing the same doc
//   concurrently would otherwise race for one Y.Map key, and the tablet whose value won the
//   last-writer-wins merge would take the loser's announcement for its own and never fetch the
//   loser's change (found by convergence.test.ts). A slot has a single writer, so none is lost.
//   (Keys written as heads['<doc>'] by older versions are read as slots of an unknown device.)
// - Other tablets see a slot change, open that doc, sync it and keep it open a little while
//   (so follow-up edits arrive live), then let it go.
// - Local changes go to the outbox (written in the same IndexedDB transaction as the change). The
//   engine opens each outbox doc, lets the provider sync it, then asks the relay for its state
//   vector: only when that covers the change is the outbox entry removed. A tablet that was
//   offline for days therefore pushes everything it did, and nothing is counted as sent that the
//   relay has not stored.
//
// Because a head is written only after the relay has the change, a tablet that hears of it
// always finds the change on the relay.
import * as Y from 'yjs';
import { MuxClient, type MuxChannel } from './mux-client';
import { muxClose } from './mux-protocol';
import type { DocStore } from '$lib/store/docstore';
import { covers } from '$lib/store/docstore';
import { SETTINGS_DOC } from '$lib/store/docnames';
import { pendingRelayCompactions, RELAY_COMPACTION_KIND, relayCompactionDone } from '$lib/store/relay-compaction';

export const INDEX_DOC = 'index';
const HEADS = 'heads';
const SEEN_KEY = 'sync.seenHeads';
const LAST_SYNCED_KEY = 'sync.lastSyncedAt';

export interface Head {
	n: string;
	at: number;
	by: string;
}

export interface SyncCredentials {
	/** Base URL of the relay, e.g. http://localhost:8787 (ws:// is derived). */
	relayUrl: string;
	token: string;
	deviceId: string;
	shopId: string;
}

export type SyncState = 'offline' | 'connecting' | 'online' | 'unauthorized';

/**
 * Why the relay refused a document, when it was a limit (doc-error codes 4413, 4507, 4429, 1013
 * on the multiplexed socket). The refused change stays in this tablet's outbox; nothing is lost.
 */
export type SyncRefusal = 'doc-too-large' | 'shop-quota' | 'rate-limited' | 'busy';

const REFUSALS: Record<number, SyncRefusal> = { 4413: 'doc-too-large', 4507: 'shop-quota', 4429: 'rate-limited', 1013: 'busy' };
// Retrying these cannot help until someone acts (the owner frees space, an admin raises a limit).
const HARD_REFUSALS = new Set<SyncRefusal>(['doc-too-large', 'shop-quota']);

/** Why the relay refused this tablet (state 'unauthorized'). */
export type SignedOutReason = 'revoked' | 'token-expired' | 'token-rotated';

export interface SyncStatus {
	state: SyncState;
	/** Set while the relay refuses one of this tablet's documents (see SyncRefusal). */
	refusal?: { reason: SyncRefusal; doc: string } | null;
	/** Local changes the relay has not confirmed yet. */
	pending: number;
	/** When this tablet last had nothing to send and nothing to fetch (epoch ms), or null. */
	lastSyncedAt: number | null;
	/** Documents being synced right now. */
	syncing: number;
	/** Set with state 'unauthorized'. */
	signedOut?: SignedOutReason;
	/** With 'token-expired': after how many days without use the relay signs a tablet out. */
	idleDays?: number;
}

export interface SyncEngineOptions {
	/** Node tests pass `ws`; browsers use their own WebSocket. */
	WebSocketImpl?: typeof WebSocket;
	fetch?: typeof fetch;
	/** How long a document fetched because of a remote change stays connected. */
	lingerMs?: number;
	now?: () => number;
	/** How many documents are synced at once. */
	concurrency?: number;
}

interface Link {
	channel: MuxChannel;
	unpin: () => void;
	keep: boolean;
	users: number;
	timer: ReturnType<typeof setTimeout> | null;
}

export class SyncEngine {
	#store: DocStore;
	#creds: SyncCredentials;
	#opts: Required<Omit<SyncEngineOptions, 'WebSocketImpl'>> & { WebSocketImpl?: typeof WebSocket };
	#links = new Map<string, Link>();
	#linking = new Map<string, Promise<Link>>();
	#status: SyncStatus = { state: 'connecting', pending: 0, lastSyncedAt: null, syncing: 0 };
	#listeners = new Set<(s: SyncStatus) => void>();
	#stopped = false;
	#pumpRunning: Promise<void> | null = null;
	#pumpAgain = false;
	#pulls = new Map<string, Promise<void>>();
	#cleanups: (() => void)[] = [];
	/** Docs the relay refused for good (until retryRefused): not pushed, not reconnected. */
	#refused = new Map<string, SyncRefusal>();
	#mux: MuxClient | null = null;

	constructor(store: DocStore, creds: SyncCredentials, opts: SyncEngineOptions = {}) {
		this.#store = store;
		this.#creds = creds;
		this.#opts = {
			fetch: opts.fetch ?? ((...args) => globalThis.fetch(...args)),
			lingerMs: opts.lingerMs ?? 30_000,
			now: opts.now ?? Date.now,
			concurrency: opts.concurrency ?? 4,
			WebSocketImpl: opts.WebSocketImpl
		};
	}

	get status(): SyncStatus {
		return this.#status;
	}

	subscribe(listener: (s: SyncStatus) => void): () => void {
		this.#listeners.add(listener);
		listener(this.#status);
		return () => this.#listeners.delete(listener);
	}

	async start(): Promise<void> {
		const last = await this.#store.db.kv.get(LAST_SYNCED_KEY);
		this.#set({ lastSyncedAt: (last?.value as number) ?? null });
		await this.#refreshPending();
		this.#cleanups.push(this.#store.onOutbox(() => void this.#refreshPending().then(() => this.pump())));
		this.#cleanups.push(
			this.#store.subscribe((changes) => {
				if (changes[RELAY_COMPACTION_KIND]?.length) void this.pump();
			})
		);

		const mux = new MuxClient({
			// `shop` is no secret: it lets a proxy in front of several relays keep a shop on one.
			url: `${wsUrl(this.#creds.relayUrl)}?shop=${encodeURIComponent(this.#creds.shopId)}`,
			token: this.#creds.token,
			maxBackoffMs: 5000,
			...(this.#opts.WebSocketImpl ? { WebSocketImpl: this.#opts.WebSocketImpl } : {})
		});
		this.#mux = mux;
		this.#cleanups.push(() => mux.destroy());
		const onStatus = (status: string) => {
			if (this.#status.state === 'unauthorized') return;
			this.#set({ state: status === 'disconnected' ? 'offline' : 'connecting' });
		};
		const onClose = ({ code }: { code: number }) => void this.#checkAuthorised(code);
		mux.on('status', onStatus);
		mux.on('close', onClose);
		this.#cleanups.push(() => {
			mux.off('status', onStatus);
			mux.off('close', onClose);
		});

		const index = await this.#link(INDEX_DOC, true);
		await this.#link(SETTINGS_DOC, true);
		const heads = (await this.#store.open(INDEX_DOC)).getMap<Head>(HEADS);
		const onHeads = (event: Y.YMapEvent<Head>) => {
			if (event.transaction.local) return;
			void this.#pullChanged([...event.keysChanged]);
		};
		heads.observe(onHeads);
		this.#cleanups.push(() => heads.unobserve(onHeads));

		const onSync = (synced: boolean) => {
			if (!synced || this.#stopped) return;
			this.#set({ state: 'online' });
			// Catch up on everything that changed while we were away, then push what we did.
			void this.#pullChanged([...heads.keys()]);
			void this.pump();
		};
		index.channel.on('sync', onSync);
		this.#cleanups.push(() => index.channel.off('sync', onSync));
		if (index.channel.synced) onSync(true);
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		for (const name of [...this.#links.keys()]) this.#unlink(name);
		for (const c of this.#cleanups.reverse()) c();
		this.#cleanups = [];
		this.#mux = null;
		this.#set({ state: 'offline' });
	}

	/** Push the outbox: runs until it is empty or the relay is unreachable. Safe to call anytime. */
	pump(): Promise<void> {
		if (this.#pumpRunning) {
			this.#pumpAgain = true;
			return this.#pumpRunning;
		}
		this.#pumpRunning = (async () => {
			try {
				do {
					this.#pumpAgain = false;
					await this.#pumpOnce();
				} while (this.#pumpAgain && !this.#stopped && this.#status.state === 'online');
			} catch (err) {
				// A pass still running when stop() came may find the database closed after it
				// (sign-out, tests): that is not an error of this engine any more.
				if (!this.#stopped) throw err;
			} finally {
				this.#pumpRunning = null;
			}
		})();
		return this.#pumpRunning;
	}

	/** Resolves when nothing is left to send and no fetch is under way (tests, benchmarks). */
	async idle(timeoutMs = 30_000): Promise<void> {
		const until = this.#opts.now() + timeoutMs;
		for (;;) {
			if (this.#pumpRunning) await this.#pumpRunning;
			await Promise.all(this.#pulls.values());
			await this.#refreshPending();
			if (this.#status.pending === 0 && !this.#pumpRunning && this.#pulls.size === 0) return;
			if (this.#opts.now() > until) throw new Error(`sync not idle after ${timeoutMs} ms`);
			await sleep(50);
			if (this.#status.state === 'online') void this.pump();
		}
	}

	async #pumpOnce(): Promise<void> {
		if (this.#stopped || this.#status.state !== 'online') return;
		const rows = await this.#store.db.outbox.toArray();
		const docs = [...new Set(rows.map((r) => r.doc))];
		// index last: its heads announce the other documents, which must be on the relay first.
		docs.sort((a, b) => (a === INDEX_DOC ? 1 : b === INDEX_DOC ? -1 : 0));
		await forEachLimited(docs, this.#opts.concurrency, async (doc) => {
			const confirmed = await this.#pushDoc(doc);
			if (confirmed && doc !== INDEX_DOC) await this.#announce(doc);
		});
		await this.#refreshPending();
		await this.#compactOnRelay();
		if (this.#status.pending === 0 && this.#pulls.size === 0) await this.#markSynced();
	}

	/**
	 * Asks the relay to rewrite the logs of documents from which personal data was erased (see
	 * store/relay-compaction.ts), once the relay holds every local change of that doc: compacting
	 * earlier would keep the erased content. A failed request stays for the next pass.
	 */
	async #compactOnRelay(): Promise<void> {
		const docs = await pendingRelayCompactions(this.#store.db);
		for (const doc of docs) {
			if (this.#stopped || this.#status.state !== 'online') return;
			if ((await this.#store.db.outbox.where('doc').equals(doc).count()) > 0) continue;
			try {
				const res = await this.#opts.fetch(`${this.#creds.relayUrl}/api/docs/${encodeURIComponent(doc)}/compact`, {
					method: 'POST',
					headers: { authorization: `Bearer ${this.#creds.token}` }
				});
				if (res.ok) await relayCompactionDone(this.#store.db, doc);
			} catch {
				// Unreachable relay: the request stays, the next pass tries again.
			}
		}
	}

	/** The relay refused a doc on the shared socket: when it was a limit, say so and stop hammering it. */
	#onDocError(doc: string, channel: MuxChannel, code: number): void {
		const reason = REFUSALS[code];
		if (!reason || this.#stopped) return;
		if (HARD_REFUSALS.has(reason)) {
			this.#refused.set(doc, reason);
			// No automatic resubscribe (not even on reconnect) until retryRefused.
			channel.pause();
		}
		this.#set({ refusal: { reason, doc } });
	}

	/** "Sync now": offer the relay the refused documents again (a limit may have been raised). */
	retryRefused(): void {
		for (const doc of this.#refused.keys()) this.#links.get(doc)?.channel.resume();
		this.#refused.clear();
		if (this.#status.refusal) this.#set({ refusal: null });
	}

	/** Syncs one doc and waits for the relay to confirm our changes. True when all are confirmed. */
	async #pushDoc(doc: string): Promise<boolean> {
		// Refused by the relay: the changes stay in the outbox until "Sync now" tries again.
		if (this.#refused.has(doc)) return false;
		const link = await this.#link(doc, false);
		link.users++;
		try {
			await this.#waitSynced(link);
			// Stops early when the relay refuses the doc meanwhile (#onClosed).
			for (let attempt = 0; attempt < 20 && !this.#stopped && !this.#refused.has(doc); attempt++) {
				const sv = await this.#relayStateVector(doc);
				if (sv) {
					const rows = await this.#store.db.outbox.where('doc').equals(doc).toArray();
					const done = rows.filter((r) => covers(sv, r.clocks)).map((r) => r.seq!);
					if (done.length) await this.#store.db.outbox.bulkDelete(done);
					if (done.length === rows.length) return true;
				}
				await sleep(Math.min(50 * 2 ** attempt, 2000));
			}
			return false;
		} catch {
			return false;
		} finally {
			link.users--;
			this.#release(doc);
		}
	}

	/** Tell the other tablets that `doc` has news for them. */
	async #announce(doc: string): Promise<void> {
		const n = Math.random().toString(36).slice(2, 12);
		const slot = `${doc}/${this.#creds.deviceId}`;
		await this.#store.transact([INDEX_DOC], (docs) => {
			docs.get(INDEX_DOC)!.getMap<Head>(HEADS).set(slot, { n, at: this.#opts.now(), by: this.#creds.deviceId });
		});
		// Our own slot: we hold what we announced. Other devices' slots are marked only by #pull.
		await this.#setSeen({ [slot]: n });
	}

	/** `slots` are heads keys ('<doc>/<deviceId>'); each doc with a slot not seen yet is synced once. */
	async #pullChanged(slots: string[]): Promise<void> {
		try {
			await this.#pullChangedOnce(slots);
		} catch (err) {
			// As in pump(): after stop() the store may be closed under a pass still running.
			if (!this.#stopped) throw err;
		}
	}

	async #pullChangedOnce(slots: string[]): Promise<void> {
		const heads = (await this.#store.open(INDEX_DOC)).getMap<Head>(HEADS);
		const seen = await this.#seen();
		const stale = new Map<string, Record<string, string>>();
		for (const slot of slots) {
			const head = heads.get(slot);
			if (!head || head.n === seen[slot]) continue;
			const doc = docOfSlot(slot);
			stale.set(doc, { ...stale.get(doc), [slot]: head.n });
		}
		await forEachLimited([...stale], this.#opts.concurrency, ([doc, marks]) => this.#pull(doc, marks));
		if (this.#status.pending === 0 && this.#pulls.size === 0 && this.#status.state === 'online') await this.#markSynced();
	}

	/** Syncs `doc`, then marks its slots seen with the values read BEFORE the sync began. */
	#pull(doc: string, marks: Record<string, string>): Promise<void> {
		const running = this.#pulls.get(doc);
		if (running) return running.then(() => this.#pullChanged(Object.keys(marks)));
		const p = (async () => {
			const link = await this.#link(doc, false);
			link.users++;
			this.#set({ syncing: this.#status.syncing + 1 });
			try {
				// Marking a head seen without holding its change would hide the change for good, so
				// check against what the relay has stored (the head was written after the change
				// was). A link that synced earlier may not have it yet (still in flight, or lost with
				// a connection that died), and a 'sync' event only says SOME step 2 arrived.
				for (let attempt = 0; ; attempt++) {
					if (attempt > 0 || link.channel.synced) link.channel.resync();
					await this.#waitSynced(link);
					const relay = await this.#relayStateVector(doc);
					if (!relay) throw new Error('relay state vector unavailable');
					const local = Y.decodeStateVector(Y.encodeStateVector(link.channel.doc));
					if (covers(local, Object.fromEntries(relay))) break;
					if (attempt >= 5 || this.#stopped) throw new Error(`${doc}: not caught up with the relay`);
					await sleep(50 * 2 ** attempt);
				}
				await this.#store.flush();
				await this.#setSeen(marks);
			} finally {
				link.users--;
				this.#set({ syncing: this.#status.syncing - 1 });
				this.#release(doc, this.#opts.lingerMs);
			}
		})()
			.catch(() => {})
			.finally(() => this.#pulls.delete(doc));
		this.#pulls.set(doc, p);
		return p;
	}

	async #link(doc: string, keep: boolean): Promise<Link> {
		const existing = this.#links.get(doc);
		if (existing) {
			if (existing.timer) clearTimeout(existing.timer);
			existing.timer = null;
			existing.keep ||= keep;
			return existing;
		}
		let linking = this.#linking.get(doc);
		if (!linking) {
			linking = (async () => {
				const mux = this.#mux;
				if (!mux) throw new Error('sync engine stopped');
				const unpin = await this.#store.pin(doc);
				const ydoc = await this.#store.open(doc);
				if (this.#mux !== mux) {
					unpin();
					throw new Error('sync engine stopped');
				}
				const channel = mux.channel(doc, ydoc);
				channel.on('doc-error', ({ code }) => this.#onDocError(doc, channel, code));
				channel.on('sync', (synced: boolean) => {
					if (synced && this.#status.refusal?.doc === doc) this.#set({ refusal: null });
				});
				const link: Link = { channel, unpin, keep, users: 0, timer: null };
				this.#links.set(doc, link);
				return link;
			})().finally(() => this.#linking.delete(doc));
			this.#linking.set(doc, linking);
		}
		return linking;
	}

	/** Let go of a doc (after `delayMs`) unless something still uses it. */
	#release(doc: string, delayMs = 0): void {
		const link = this.#links.get(doc);
		if (!link || link.keep || link.users > 0) return;
		if (link.timer) clearTimeout(link.timer);
		link.timer = setTimeout(() => {
			if (link.users === 0 && !link.keep) this.#unlink(doc);
		}, delayMs);
	}

	#unlink(doc: string): void {
		const link = this.#links.get(doc);
		if (!link) return;
		if (link.timer) clearTimeout(link.timer);
		link.channel.destroy();
		link.unpin();
		this.#links.delete(doc);
	}

	#waitSynced(link: Link, timeoutMs = 20_000): Promise<void> {
		if (link.channel.synced) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const done = () => {
				clearTimeout(timer);
				clearInterval(refusedCheck);
				link.channel.off('sync', onSync);
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error('sync timed out'));
			}, timeoutMs);
			// A doc the relay refused will not sync: give up now rather than at the timeout.
			const refusedCheck = setInterval(() => {
				if (link.channel.paused) {
					done();
					reject(new Error('refused by the relay'));
				}
			}, 200);
			const onSync = (synced: boolean) => {
				if (!synced) return;
				done();
				resolve();
			};
			link.channel.on('sync', onSync);
		});
	}

	async #relayStateVector(doc: string): Promise<Map<number, number> | null> {
		try {
			const res = await this.#opts.fetch(`${this.#creds.relayUrl}/api/docs/${encodeURIComponent(doc)}/state-vector`, {
				headers: { authorization: `Bearer ${this.#creds.token}` }
			});
			if (res.status === 401 || res.status === 403) {
				await this.#checkAuthorised();
				return null;
			}
			if (!res.ok) return null;
			const body = (await res.json()) as { stateVector: string };
			return Y.decodeStateVector(base64ToBytes(body.stateVector));
		} catch {
			return null;
		}
	}

	/**
	 * A closed socket may mean the relay refused us: ask it who we are. `closeCode` 4403 says the
	 * token was replaced (by the owner; a tablet rotating its own restarts with the new one).
	 */
	async #checkAuthorised(closeCode?: number): Promise<void> {
		if (this.#stopped) return;
		try {
			const res = await this.#opts.fetch(`${this.#creds.relayUrl}/api/me`, {
				headers: { authorization: `Bearer ${this.#creds.token}` }
			});
			if (this.#stopped) return;
			if (res.status === 401 || res.status === 403) {
				const body = (await res.json().catch(() => null)) as { error?: string; idleDays?: number } | null;
				const signedOut: SignedOutReason =
					body?.error === 'token-expired' ? 'token-expired' : closeCode === muxClose.tokenRotated ? 'token-rotated' : 'revoked';
				this.#set({
					state: 'unauthorized',
					signedOut,
					...(signedOut === 'token-expired' && body?.idleDays ? { idleDays: body.idleDays } : {})
				});
				for (const name of [...this.#links.keys()]) this.#unlink(name);
				this.#mux?.destroy();
			} else if (res.ok) {
				// Refused a moment ago yet fine now (a close racing a restart): connect again.
				this.#mux?.reconnect();
			}
		} catch {
			// Unreachable relay: offline, and the socket keeps trying.
		}
	}

	async #seen(): Promise<Record<string, string>> {
		return ((await this.#store.db.kv.get(SEEN_KEY))?.value as Record<string, string>) ?? {};
	}

	async #setSeen(patch: Record<string, string>): Promise<void> {
		await this.#store.db.transaction('rw', this.#store.db.kv, async () => {
			const seen = await this.#seen();
			// put(): the seen-heads map is one small row replaced whole, inside this transaction.
			await this.#store.db.kv.put({ key: SEEN_KEY, value: { ...seen, ...patch } });
		});
	}

	async #markSynced(): Promise<void> {
		const at = this.#opts.now();
		await this.#store.db.kv.put({ key: LAST_SYNCED_KEY, value: at });
		this.#set({ lastSyncedAt: at });
	}

	async #refreshPending(): Promise<void> {
		const pending = await this.#store.db.outbox.count();
		if (pending !== this.#status.pending) this.#set({ pending });
	}

	#set(patch: Partial<SyncStatus>): void {
		this.#status = { ...this.#status, ...patch };
		for (const l of this.#listeners) l(this.#status);
	}
}

/** The document a heads key announces: '<doc>/<deviceId>', or '<doc>' as older versions wrote it. */
function docOfSlot(slot: string): string {
	const slash = slot.indexOf('/');
	return slash === -1 ? slot : slot.slice(0, slash);
}

/** The multiplexed endpoint: no doc name, no token (it goes in the first frame). */
export function wsUrl(relayUrl: string): string {
	return relayUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/sync';
}

function base64ToBytes(b64: string): Uint8Array {
	const bin = atob(b64);
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
	return out;
}

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
	let next = 0;
	const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) await fn(items[next++]);
	});
	await Promise.all(workers);
}
