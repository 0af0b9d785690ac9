// The derive stage: everything computed over several replicated entities, recomputed after each
// flush from the ids it queued (store/docstore.ts writes the queue row in the flush's own
// transaction). Runs in a Web Worker (workers/derive.worker.ts) so nothing here can stall the
// till; tests call it directly. Each batch commits whole with the removal of the queue rows it
// consumed, and a rebuild records its progress in the same transactions as its rows: a worker
// killed at any point leaves either the old rows and the queue, or the new rows and no queue.
import { ShopDB } from '$lib/store/schema';
import type { ChangeSet } from '$lib/store/docstore';
import {
	DERIVE_STATE_KEY,
	DERIVE_VERSION,
	STATS_ALL_KIND,
	STATS_KIND,
	type DeriveApi,
	type DeriveContext,
	type DeriveProgress,
	type DeriveState,
	type RebuildReason
} from './api';
import { countIntoStats, customersWithHistory, readRange, removeStaleStats, rollStats, writeRange, STATS_TABLES, type CustomerHistory } from './stats';

/** Queue rows merged into one derivation batch (one transaction). */
const QUEUE_ROWS = 50;
/** Ids per batch: a batch stays a short transaction even when an import queued big flushes. */
const BATCH_IDS = 4000;
/** Customers per rebuild or roll transaction. */
const CHUNK = 2000;

/** Test hooks: simulate a worker killed at a given point (the transaction then aborts). */
export interface DeriveFaults {
	beforeCommit?(what: 'drain' | 'rebuild' | 'roll', n: number): void;
}

export class Deriver implements DeriveApi {
	#db: ShopDB | null = null;
	/**
	 * Batches never interleave: a drain waits for the rebuild chunk in flight, and vice versa.
	 * In this worker by a promise chain; across tabs (each has its worker) by a Web Lock.
	 */
	#lock: Promise<unknown> = Promise.resolve();
	#waiting = 0;
	#faults: DeriveFaults;
	#chunk: number;
	#count = { drain: 0, rebuild: 0, roll: 0 };

	constructor(opts: { faults?: DeriveFaults; chunk?: number } = {}) {
		this.#faults = opts.faults ?? {};
		this.#chunk = opts.chunk ?? CHUNK;
	}

	async open(dbName: string): Promise<void> {
		if (this.#db?.name === dbName) return;
		this.#db?.close();
		const db = new ShopDB(dbName);
		await db.open();
		this.#db = db;
	}

	close(): void {
		this.#db?.close();
		this.#db = null;
	}

	get #database(): ShopDB {
		if (!this.#db) throw new Error('The derive worker has no database open');
		return this.#db;
	}

	#run<T>(fn: () => Promise<T>): Promise<T> {
		this.#waiting++;
		const next = this.#lock.then(() => {
			this.#waiting--;
			const locks = webLocks();
			return locks ? (locks.request(this.#lockName, fn) as Promise<T>) : fn();
		});
		this.#lock = next.catch(() => {});
		return next;
	}

	get #lockName(): string {
		return `shop-crm-derive:${this.#database.name}`;
	}

	/** Whether a batch (here or in another tab's worker) waits for the lock a rebuild holds. */
	async #othersWaiting(): Promise<boolean> {
		if (this.#waiting > 0) return true;
		const locks = webLocks();
		if (!locks) return false;
		const { pending = [] } = await locks.query();
		return pending.some((l) => l.name === this.#lockName);
	}

	#fault(what: 'drain' | 'rebuild' | 'roll'): void {
		this.#faults.beforeCommit?.(what, ++this.#count[what]);
	}

	async state(): Promise<DeriveState | null> {
		return ((await this.#database.kv.get(DERIVE_STATE_KEY))?.value as DeriveState | undefined) ?? null;
	}

	async #putState(state: DeriveState): Promise<void> {
		// put(): one state row, replaced whole.
		await this.#database.kv.put({ key: DERIVE_STATE_KEY, value: state });
	}

	async start(ctx: DeriveContext, onProgress?: (p: DeriveProgress) => void): Promise<ChangeSet> {
		const st = await this.state();
		const changes: ChangeSet = {};
		if (st?.rebuild) merge(changes, await this.rebuild(ctx, st.rebuild.reason, onProgress));
		else if (!st || st.version !== DERIVE_VERSION) merge(changes, await this.rebuild(ctx, 'new-version', onProgress));
		else if (st.timeZone !== ctx.timeZone) merge(changes, await this.rebuild(ctx, 'time-zone', onProgress));
		else if (st.asOf !== ctx.today) merge(changes, await this.roll(ctx, onProgress));
		merge(changes, await this.drain(ctx));
		return changes;
	}

	async drain(ctx: DeriveContext): Promise<ChangeSet> {
		const changes: ChangeSet = {};
		for (;;) {
			const ids = await this.#run(() => this.#drainBatch(ctx));
			if (ids === null) return changes;
			if (ids.length) merge(changes, { [STATS_KIND]: ids });
		}
	}

	/** One batch of the queue, derived and removed in one transaction; null when the queue is empty. */
	async #drainBatch(ctx: DeriveContext): Promise<string[] | null> {
		const db = this.#database;
		return db.transaction('rw', ['deriveQueue', 'kv', ...STATS_TABLES], async () => {
			const rows = await db.deriveQueue.orderBy(':id').limit(QUEUE_ROWS).toArray();
			if (rows.length === 0) return null;
			const saleIds = new Set<string>();
			const adjustmentIds = new Set<string>();
			const seqs: number[] = [];
			for (const row of rows) {
				if (seqs.length && saleIds.size + adjustmentIds.size >= BATCH_IDS) break;
				seqs.push(row.seq!);
				row.changes.sales?.forEach((id) => saleIds.add(id));
				row.changes.points?.forEach((id) => adjustmentIds.add(id));
			}
			const st = ((await db.kv.get(DERIVE_STATE_KEY))?.value as DeriveState | undefined) ?? null;
			const cursor = st?.rebuild?.cursor;
			// Rows a pending rebuild has not reached are in an older form: compute those from scratch.
			const fromScratch = (id: string) => !st || st.version !== DERIVE_VERSION || (cursor !== undefined && id > cursor);
			const ids = await countIntoStats(db, [...saleIds], [...adjustmentIds], ctx, fromScratch);
			this.#fault('drain');
			await db.deriveQueue.bulkDelete(seqs);
			return ids;
		});
	}

	async rebuild(ctx: DeriveContext, reason: RebuildReason, onProgress?: (p: DeriveProgress) => void): Promise<ChangeSet> {
		const db = this.#database;
		const before = await this.state();
		// Resume where an interrupted rebuild stopped, unless it was for another time zone.
		const resume = before?.rebuild && before.timeZone === ctx.timeZone ? before.rebuild : null;
		const ids = await customersWithHistory(db);
		const cursor = resume?.cursor ?? '';
		const todo = ids.filter((id) => id > cursor);
		const state: DeriveState = {
			version: DERIVE_VERSION,
			timeZone: ctx.timeZone,
			asOf: ctx.today,
			rebuiltAt: before?.rebuiltAt ?? null,
			rebuild: { cursor, reason: resume?.reason ?? reason, startedAt: resume?.startedAt ?? ctx.now, done: ids.length - todo.length, total: ids.length }
		};
		await this.#putState(state);
		onProgress?.({ phase: 'rebuild', done: state.rebuild!.done, total: ids.length });
		const chunks: string[][] = [];
		for (let i = 0; i < todo.length; i += this.#chunk) chunks.push(todo.slice(i, i + this.#chunk));
		let i = 0;
		while (i < chunks.length) {
			// One stretch of chunks under the lock, each chunk's history read while the one before is
			// computed and written (different tables, so IndexedDB runs both at once). The stretch ends
			// when a drain waits: a sale at the till is never held up for the whole rebuild.
			await this.#run(async () => {
				let next: Promise<CustomerHistory> | null = readRange(db, chunks[i]);
				while (next) {
					const history: CustomerHistory = await next;
					const chunk = chunks[i];
					const more = i + 1 < chunks.length && !(await this.#othersWaiting());
					next = more ? readRange(db, chunks[i + 1]) : null;
					try {
						await db.transaction('rw', ['kv', 'customerStats'], async () => {
							await writeRange(db, chunk, history, ctx);
							state.rebuild = { ...state.rebuild!, cursor: chunk[chunk.length - 1], done: state.rebuild!.done + chunk.length };
							this.#fault('rebuild');
							await this.#putState(state);
						});
					} catch (err) {
						next?.catch(() => {});
						throw err;
					}
					i++;
					onProgress?.({ phase: 'rebuild', done: state.rebuild!.done, total: ids.length });
				}
			});
		}
		await this.#run(() =>
			db.transaction('rw', ['kv', ...STATS_TABLES], async () => {
				await removeStaleStats(db, ids);
				await this.#putState({ ...state, rebuiltAt: ctx.now, rebuild: null });
			})
		);
		return { [STATS_ALL_KIND]: ['*'] };
	}

	async roll(ctx: DeriveContext, onProgress?: (p: DeriveProgress) => void): Promise<ChangeSet> {
		const db = this.#database;
		const total = await db.customerStats.count();
		let after: string | null = null;
		let done = 0;
		let changed = 0;
		for (;;) {
			const step: { last: string | null; changed: string[] } = await this.#run(() =>
				db.transaction('rw', STATS_TABLES, async () => {
					const r = await rollStats(db, after, this.#chunk, ctx);
					this.#fault('roll');
					return r;
				})
			);
			if (step.last === null) break;
			after = step.last;
			done = Math.min(total, done + this.#chunk);
			changed += step.changed.length;
			onProgress?.({ phase: 'roll', done, total });
		}
		const st = await this.state();
		if (st) await this.#putState({ ...st, asOf: ctx.today });
		return changed ? { [STATS_ALL_KIND]: ['*'] } : {};
	}
}

function merge(into: ChangeSet, from: ChangeSet): void {
	for (const [kind, ids] of Object.entries(from)) into[kind] = into[kind] ? [...new Set([...into[kind], ...ids])] : [...ids];
}

/** The Web Locks API where there is one (browsers, workers); absent in Node. */
function webLocks(): LockManager | null {
	return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : null;
}
