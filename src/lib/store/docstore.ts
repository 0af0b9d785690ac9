// Holds the replicated Yjs documents of this tablet and is the single write path into IndexedDB.
//
// Every change — a local edit or (later) an update from the relay — lands in a Y.Doc. The doc's
// 'update' event queues the binary update and the projections mark which entities changed; a
// flush then writes the update log AND the re-projected entities in ONE IndexedDB transaction.
// So local and remote changes reach the tables by the same code, and a crash can never leave the
// Yjs state and the tables disagreeing (both or neither are written).
//
// Documents are loaded on demand and dropped again when idle: IndexedDB, not memory, is where the
// data lives for reading (see ARCHITECTURE.md, "Scale to design for").
import * as Y from 'yjs';
import type { ShopDB } from '$lib/store/schema';

/** Transaction origin of edits made on this tablet. */
export const LOCAL_ORIGIN = 'local';
/** Origin used while replaying stored state: nothing to persist or project. */
const LOAD_ORIGIN = 'load';
/** Origin of updates relayed by another tab of this browser, which already persisted them. */
const TAB_ORIGIN = 'tab';

/** Updates kept beside a snapshot before they are folded into it on the next load. */
const COMPACT_AFTER = 200;

export interface Projection {
	/** Which documents this projection reads. */
	matches(docName: string): boolean;
	/** Tables the projection writes, for the flush transaction. */
	tables: string[];
	/** Subscribe to the doc; call dirty(entityId, transaction origin) for each entity a transaction touched. */
	observe(doc: Y.Doc, dirty: (entityId: string, origin: unknown) => void): void;
	/**
	 * Copy the dirty entities from the doc's current state into tables. Runs inside the flush
	 * transaction and copies only: anything computed over several entities is derived after the
	 * flush (src/lib/derive). May return further ids to announce (e.g. customers deleted with late
	 * edits still in the doc).
	 */
	apply(db: ShopDB, doc: Y.Doc, ids: Set<string>): Promise<void | ChangeSet>;
	/** Name used in change notifications ('customers', 'settings', ...). */
	kind: string;
}

export interface ChangeSet {
	/** kind → ids of entities whose projection changed. */
	[kind: string]: string[];
}

type Listener = (changes: ChangeSet) => void;

/** What a tab tells the other tabs of this browser after a flush. */
interface TabMessage {
	updates: { doc: string; update: Uint8Array }[];
	/** Docs changed by a flush too large to copy across: other tabs reload them from IndexedDB. */
	reload?: string[];
	changes: ChangeSet;
	/**
	 * The flush added outbox rows (local edits). Another DocStore of this browser (a tab, or the
	 * import worker) may have made them: the sync engine listening here must push them too.
	 */
	local?: boolean;
}

/** Above this many bytes of updates, tabs are told to reload rather than sent the bytes. */
const TAB_COPY_LIMIT = 256 * 1024;

interface Entry {
	doc: Y.Doc;
	name: string;
	lastUsed: number;
	/** Pinned docs (being synced or with unflushed changes) are never evicted. */
	pins: number;
	dirty: Map<Projection, Set<string>>;
	updates: PendingUpdate[];
}

interface PendingUpdate {
	update: Uint8Array;
	/** Made on this tablet: goes to the outbox until the relay confirms it. */
	local: boolean;
}

export interface DocStoreOptions {
	projections: Projection[];
	/**
	 * The same database opened with strict durability, for flushes that touch documents matching
	 * `strictDocs` (finalised sales). Without it, every flush uses `db`.
	 */
	strictDb?: ShopDB;
	strictDocs?: (docName: string) => boolean;
	/** Injected for tests; Date.now by default. */
	now?: () => number;
	/** Cross-tab channel name; null disables it (tests, Node). */
	channel?: string | null;
	/**
	 * Kinds whose changed ids the derive stage needs ('sales', 'points', ...): written to the
	 * derive queue in the flush's own transaction, so no committed change is ever missed by it.
	 */
	deriveKinds?: string[];
}

/** Ids in a ChangeSet, over all its kinds. */
export function countIds(changes: ChangeSet): number {
	return Object.values(changes).reduce((n, ids) => n + ids.length, 0);
}

/** Queued ids above which a flush's derive-queue row goes in the bulk lane. */
export const BULK_FLUSH = 500;

export class DocStore {
	readonly db: ShopDB;
	#projections: Projection[];
	#entries = new Map<string, Entry>();
	#loading = new Map<string, Promise<Entry>>();
	#listeners = new Set<Listener>();
	#flushing: Promise<void> = Promise.resolve();
	#now: () => number;
	#channel: BroadcastChannel | null = null;
	#strictDb: ShopDB | null;
	#strictDocs: (docName: string) => boolean;
	#deriveKinds: string[];

	constructor(db: ShopDB, opts: DocStoreOptions) {
		this.db = db;
		this.#projections = opts.projections;
		this.#strictDb = opts.strictDb ?? null;
		this.#strictDocs = opts.strictDocs ?? (() => false);
		this.#now = opts.now ?? Date.now;
		this.#deriveKinds = opts.deriveKinds ?? [];
		const channelName = opts.channel === undefined ? 'shop-crm-docs' : opts.channel;
		if (channelName && typeof BroadcastChannel !== 'undefined') {
			this.#channel = new BroadcastChannel(channelName);
			this.#channel.onmessage = (e) => this.#onTabMessage(e.data);
		}
	}

	/** The loaded doc, loading it from IndexedDB first if needed. */
	async open(name: string): Promise<Y.Doc> {
		return (await this.#entry(name)).doc;
	}

	/** Docs currently in memory, for diagnostics and benchmarks. */
	get loadedDocs(): string[] {
		return [...this.#entries.keys()];
	}

	/**
	 * Run a local edit on one or more docs, then persist and project it before resolving.
	 * `fn` must be synchronous: all its changes to one doc form one Yjs transaction.
	 */
	async transact(names: string[], fn: (docs: Map<string, Y.Doc>) => void): Promise<void> {
		const entries = await Promise.all(names.map((n) => this.#entry(n)));
		const docs = new Map(entries.map((e) => [e.name, e.doc]));
		for (const e of entries) e.pins++;
		try {
			// Nested transactions: each doc gets exactly one update for the whole edit.
			const run = (i: number): void => {
				if (i === entries.length) return fn(docs);
				entries[i].doc.transact(() => run(i + 1), LOCAL_ORIGIN);
			};
			run(0);
			await this.flush();
		} finally {
			for (const e of entries) e.pins--;
		}
	}

	/** Apply an update that came from elsewhere (relay, import of a backup) through the same path. */
	async applyRemote(name: string, update: Uint8Array, origin: unknown = 'remote'): Promise<void> {
		const entry = await this.#entry(name);
		Y.applyUpdate(entry.doc, update, origin);
		await this.flush();
	}

	/** Pin a doc in memory (e.g. while a provider syncs it). Returns the unpin function. */
	async pin(name: string): Promise<() => void> {
		const entry = await this.#entry(name);
		entry.pins++;
		let done = false;
		return () => {
			if (!done) entry.pins--;
			done = true;
		};
	}

	/** Persist queued updates and projections. Serialised: flushes never interleave. */
	flush(): Promise<void> {
		const next = this.#flushing.then(() => this.#flushOnce());
		// A failed flush must not wedge every later one; the caller of this flush sees the error.
		this.#flushing = next.catch(() => {});
		return next;
	}

	#flushTimer: ReturnType<typeof setTimeout> | null = null;

	#scheduleFlush(): void {
		if (this.#flushTimer) return;
		this.#flushTimer = setTimeout(() => {
			this.#flushTimer = null;
			this.flush().catch((err) => {
				for (const l of this.#errorListeners) l(err);
			});
		}, 0);
	}

	#errorListeners = new Set<(err: unknown) => void>();
	#outboxListeners = new Set<() => void>();

	/** Called after local changes reached the outbox (the sync engine pushes them). */
	onOutbox(listener: () => void): () => void {
		this.#outboxListeners.add(listener);
		return () => this.#outboxListeners.delete(listener);
	}

	/** Failures of flushes nobody awaited (remote updates): the app shows them. */
	onError(listener: (err: unknown) => void): () => void {
		this.#errorListeners.add(listener);
		return () => this.#errorListeners.delete(listener);
	}

	subscribe(listener: Listener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Tell the listeners about changes made outside a flush (derived data, by the derive worker). */
	announce(changes: ChangeSet): void {
		if (Object.keys(changes).length) this.#emit(changes);
	}

	/** Drop docs not used for `idleMs` and not pinned. */
	evictIdle(idleMs = 60_000): void {
		const cutoff = this.#now() - idleMs;
		for (const [name, e] of this.#entries) {
			if (e.pins === 0 && e.lastUsed < cutoff && e.updates.length === 0 && e.dirty.size === 0) {
				e.doc.destroy();
				this.#entries.delete(name);
			}
		}
	}

	async close(): Promise<void> {
		await this.flush();
		this.#channel?.close();
		for (const e of this.#entries.values()) e.doc.destroy();
		this.#entries.clear();
	}

	async #entry(name: string): Promise<Entry> {
		const existing = this.#entries.get(name);
		if (existing) {
			existing.lastUsed = this.#now();
			return existing;
		}
		let loading = this.#loading.get(name);
		if (!loading) {
			loading = this.#load(name).finally(() => this.#loading.delete(name));
			this.#loading.set(name, loading);
		}
		return loading;
	}

	async #load(name: string): Promise<Entry> {
		const doc = new Y.Doc({ gc: true });
		const [snapshot, rows] = await this.db.transaction('r', this.db.ydocs, this.db.yupdates, () =>
			Promise.all([this.db.ydocs.get(name), this.db.yupdates.where('doc').equals(name).toArray()])
		);
		doc.transact(() => {
			if (snapshot) Y.applyUpdate(doc, snapshot.state);
			for (const r of rows) Y.applyUpdate(doc, r.update);
		}, LOAD_ORIGIN);

		const entry: Entry = { doc, name, lastUsed: this.#now(), pins: 0, dirty: new Map(), updates: [] };
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === LOAD_ORIGIN) return;
			entry.lastUsed = this.#now();
			// Another tab persisted it already.
			if (origin !== TAB_ORIGIN) entry.updates.push({ update, local: origin === LOCAL_ORIGIN });
			// Local edits are flushed by transact(); anything else (a provider, the relay) is flushed soon after.
			if (origin !== LOCAL_ORIGIN) this.#scheduleFlush();
		});
		for (const p of this.#projections) {
			if (!p.matches(name)) continue;
			p.observe(doc, (id, origin) => {
				// Replayed state is projected already; another tab projected what it relays.
				if (origin === LOAD_ORIGIN || origin === TAB_ORIGIN) return;
				let set = entry.dirty.get(p);
				if (!set) entry.dirty.set(p, (set = new Set()));
				set.add(id);
			});
		}
		this.#entries.set(name, entry);
		if (rows.length > COMPACT_AFTER) await this.#compact(entry, rows.map((r) => r.seq!));
		return entry;
	}

	/** Catch a loaded doc up with what another tab stored (Yjs ignores what it already has). */
	async #reloadFromDb(name: string): Promise<void> {
		const entry = this.#entries.get(name);
		if (!entry) return;
		// Nobody holds it and nothing of it waits to be written: let it go, and the next open() loads
		// it whole from IndexedDB. Re-reading a bucket of thousands of customers on every chunk of
		// another store's import would be a long task on this thread each time.
		if (entry.pins === 0 && entry.updates.length === 0 && entry.dirty.size === 0) {
			this.#entries.delete(name);
			return;
		}
		const [snapshot, rows] = await Promise.all([this.db.ydocs.get(name), this.db.yupdates.where('doc').equals(name).toArray()]);
		entry.doc.transact(() => {
			if (snapshot) Y.applyUpdate(entry.doc, snapshot.state);
			for (const r of rows) Y.applyUpdate(entry.doc, r.update);
		}, TAB_ORIGIN);
	}

	/**
	 * Rewrites the stored state of a doc as one update encoded from the garbage-collected doc, and
	 * drops every stored update of it: content deleted in the doc (an erasure) is then gone from
	 * IndexedDB too, not just from memory. Unlike the routine compaction, the stored snapshot is
	 * not merged in (merging keeps deleted content); it is applied to the doc first, so nothing
	 * another tab stored is lost.
	 */
	async compactNow(name: string): Promise<void> {
		await this.flush();
		const entry = await this.#entry(name);
		entry.pins++;
		try {
			await this.db.transaction('rw', this.db.ydocs, this.db.yupdates, async () => {
				const [snapshot, rows] = await Promise.all([this.db.ydocs.get(name), this.db.yupdates.where('doc').equals(name).toArray()]);
				// What another tab stored and this doc lacks (Yjs skips what it has; deleted content
				// it already collected stays collected).
				entry.doc.transact(() => {
					if (snapshot) Y.applyUpdate(entry.doc, snapshot.state);
					for (const r of rows) Y.applyUpdate(entry.doc, r.update);
				}, TAB_ORIGIN);
				// put(): the snapshot is one value per doc, replaced whole.
				await this.db.ydocs.put({ name, state: Y.encodeStateAsUpdate(entry.doc) });
				await this.db.yupdates.bulkDelete(rows.map((r) => r.seq!));
			});
		} finally {
			entry.pins--;
		}
	}

	async #compact(entry: Entry, seqs: number[]): Promise<void> {
		const state = Y.encodeStateAsUpdate(entry.doc);
		await this.db.transaction('rw', this.db.ydocs, this.db.yupdates, async () => {
			// Another DocStore on this database (a tab, the import worker) may have compacted since
			// this one loaded: its snapshot holds rows it deleted that this doc never saw, so merge
			// with the stored snapshot instead of replacing it.
			const stored = await this.db.ydocs.get(entry.name);
			// put(): the snapshot is one merged value per doc, replaced whole.
			await this.db.ydocs.put({ name: entry.name, state: stored ? Y.mergeUpdates([stored.state, state]) : state });
			await this.db.yupdates.bulkDelete(seqs);
		});
	}

	async #flushOnce(): Promise<void> {
		const work: { entry: Entry; updates: PendingUpdate[]; dirty: Map<Projection, Set<string>> }[] = [];
		for (const entry of this.#entries.values()) {
			if (entry.updates.length === 0 && entry.dirty.size === 0) continue;
			work.push({ entry, updates: entry.updates, dirty: entry.dirty });
			entry.updates = [];
			entry.dirty = new Map();
		}
		if (work.length === 0) return;

		const tables = new Set<string>(['yupdates', 'outbox']);
		for (const w of work) for (const p of w.dirty.keys()) p.tables.forEach((t) => tables.add(t));
		const derive = work.some((w) => [...w.dirty.keys()].some((p) => this.#deriveKinds.includes(p.kind)));
		if (derive) tables.add('deriveQueue');
		const changes: ChangeSet = {};
		const db = this.#strictDb && work.some((w) => this.#strictDocs(w.entry.name)) ? this.#strictDb : this.db;
		try {
			await db.transaction('rw', [...tables], async () => {
				// add(): the log is append-only; each update gets a fresh sequence number.
				const rows = work.flatMap((w) => w.updates.map(({ update }) => ({ doc: w.entry.name, update })));
				if (rows.length) await db.yupdates.bulkAdd(rows);
				const at = this.#now();
				const outbox = work.flatMap((w) =>
					w.updates.filter((u) => u.local).map(({ update }) => ({ doc: w.entry.name, clocks: endClocks(update), at }))
				);
				if (outbox.length) await db.outbox.bulkAdd(outbox);
				for (const w of work) {
					for (const [p, ids] of w.dirty) {
						const more = await p.apply(db, w.entry.doc, ids);
						(changes[p.kind] ??= []).push(...ids);
						for (const [kind, extra] of Object.entries(more ?? {})) (changes[kind] ??= []).push(...extra);
					}
				}
				if (derive) {
					const queued: ChangeSet = {};
					for (const kind of this.#deriveKinds) if (changes[kind]?.length) queued[kind] = changes[kind];
					// add(): one queue row per flush, removed by the derivation that consumes it. A big
					// one (an import's chunk, a first sync) goes in the bulk lane: the till's own small
					// flushes are derived before it. (A sale flushed together with such a batch is derived
					// with it: the receipt may then show before its tier moves, never without it moving.)
					await db.deriveQueue.add({ changes: queued, at, lane: countIds(queued) > BULK_FLUSH ? 1 : 0 });
				}
			});
		} catch (err) {
			// Nothing was written: put the work back so a retry (next flush) writes it, then report.
			for (const w of work) {
				w.entry.updates.unshift(...w.updates);
				for (const [p, ids] of w.dirty) {
					const set = w.entry.dirty.get(p) ?? new Set();
					ids.forEach((id) => set.add(id));
					w.entry.dirty.set(p, set);
				}
			}
			throw err;
		}
		const updates = work.flatMap((w) => w.updates.map(({ update }) => ({ doc: w.entry.name, update })));
		const bytes = updates.reduce((n, u) => n + u.update.byteLength, 0);
		const local = work.some((w) => w.updates.some((u) => u.local));
		if (updates.length && bytes <= TAB_COPY_LIMIT) this.#channel?.postMessage({ updates, changes, local } satisfies TabMessage);
		else if (updates.length) {
			const reload = [...new Set(updates.map((u) => u.doc))];
			this.#channel?.postMessage({ updates: [], reload, changes, local } satisfies TabMessage);
		}
		this.#emit(changes);
		if (local) for (const l of this.#outboxListeners) l();
	}

	#emit(changes: ChangeSet): void {
		for (const l of this.#listeners) {
			try {
				l(changes);
			} catch (err) {
				console.error('change listener failed', err);
			}
		}
	}

	#onTabMessage(msg: TabMessage): void {
		for (const { doc, update } of msg.updates) {
			const entry = this.#entries.get(doc);
			if (entry) Y.applyUpdate(entry.doc, update, TAB_ORIGIN);
		}
		for (const doc of msg.reload ?? []) void this.#reloadFromDb(doc);
		this.#emit(msg.changes);
		if (msg.local) for (const l of this.#outboxListeners) l();
	}
}

/**
 * The clock each Yjs client reaches in an update: what the relay must have to hold it.
 *
 * parseUpdateMeta().to, NOT encodeStateVectorFromUpdate(): the latter only counts a client whose
 * structs in the update start at clock 0, so for every local edit after a client's first one it
 * returned {} — an outbox row that covers() accepts at once. The engine then dropped the row and
 * announced the head before the relay had the change (e.g. still in flight on a socket that was
 * then cut); other tablets pulled, found the relay's state vector satisfied, marked the head seen
 * and never fetched the change when it arrived later (convergence.test.ts, terminate faults).
 * An update made only of deletions still has no clocks: deletions are not in state vectors.
 */
export function endClocks(update: Uint8Array): Record<number, number> {
	const out: Record<number, number> = {};
	for (const [client, clock] of Y.parseUpdateMeta(update).to) out[client] = clock;
	return out;
}

/** True when a state vector covers every clock of an outbox row. */
export function covers(stateVector: Map<number, number>, clocks: Record<number, number>): boolean {
	return Object.entries(clocks).every(([client, clock]) => (stateVector.get(Number(client)) ?? 0) >= clock);
}
