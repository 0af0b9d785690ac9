// The derive stage: everything computed over several replicated entities, recomputed after each
// flush from the ids it queued (store/docstore.ts writes the queue row in the flush's own
// transaction). Runs in a Web Worker (workers/derive.worker.ts) so nothing here can stall the
// till; tests call it directly. Each batch commits whole with the removal of the queue rows it
// consumed, and a rebuild records its progress in the same transactions as its rows: a worker
// killed at any point leaves either the old rows and the queue, or the new rows and no queue.
import { ShopDB, type DeriveQueueRow } from '$lib/store/schema';
import { countIds, type ChangeSet } from '$lib/store/docstore';
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
import { MEMBERSHIP_TABLES, MEMBERSHIPS_ALL_KIND, MEMBERSHIPS_KIND, Memberships, type RfmMovement, type Touched } from '$lib/groups/derive';
import { splitPair } from '$lib/groups/yjs';
import type { RulePreview } from '$lib/groups/api';
import type { Explanation, MembershipReason, StoredRule } from '$lib/domain/groups/types';
import { countIntoShopDays, readGroupReport, ShopDaysBuilder, SHOP_DAY_TABLES, SpendIndex } from './report';
import type { GroupReport } from '$lib/domain/reports/report';
import type { MembershipKey } from '$lib/domain/groups/types';
import { MERGES_KIND } from '$lib/customers/merges';
import { findDuplicates } from './duplicates';
import type { DrainLane, DuplicateScan } from './api';
import { countIntoStats, customersWithHistory, readRange, removeStaleStats, rollStats, writeRange, STATS_TABLES, type CustomerHistory } from './stats';

/** Queue rows merged into one derivation batch (one transaction). */
const QUEUE_ROWS = 50;
/** Ids per batch: a batch stays a short transaction even when an import queued big flushes. */
const BATCH_IDS = 4000;
/**
 * Ids of a bulk-lane row (an import's chunk, a first sync) derived per batch: a sale rung up
 * meanwhile waits for one such slice at most, then goes first.
 */
const BULK_SLICE = 2000;
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
	/** Every customer's spend by brand and category in memory, for the group report. */
	#spend = new SpendIndex();
	/** Group memberships: every customer's facts in memory, evaluated in this worker's transactions. */
	#members = new Memberships(this.#spend);

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
		this.#members.invalidate();
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
		// Memberships never evaluated (first start of this version) or not yet for today.
		const groups = await this.#members.state(this.#database);
		if (!groups || groups.day !== ctx.today) merge(changes, await this.#evaluateAll(ctx, groups ? 'date' : 'rebuild'));
		// Every customer's facts in memory before the first sale needs them (drain loads them too,
		// but a till opened a moment ago should not wait for 100,000 customers to be read).
		await this.#run(() => this.#guard(() => this.#members.ensure(this.#database)));
		// The small lane; the caller then derives the bulk lane a slice at a time.
		merge(changes, await this.drain(ctx, 'urgent'));
		return changes;
	}

	async drain(ctx: DeriveContext, lane: DrainLane = 'all'): Promise<ChangeSet> {
		const changes: ChangeSet = {};
		for (;;) {
			const batch = await this.#lockedBatch(ctx, lane);
			if (batch === null) return changes;
			merge(changes, batch);
		}
	}

	async drainSlice(ctx: DeriveContext): Promise<{ changes: ChangeSet; more: boolean }> {
		const batch = await this.#lockedBatch(ctx, 'all');
		return { changes: batch ?? {}, more: batch !== null };
	}

	#lockedBatch(ctx: DeriveContext, lane: DrainLane): Promise<ChangeSet | null> {
		return this.#run(async () => {
			// The facts are loaded (first batch after a start, or another tab's worker wrote since)
			// before the batch's transaction, which holds the sales table: a load of 100,000
			// customers inside it would hold up the till's next sale for as long.
			// Only when nothing is loaded: checking that what is loaded is current reads kv, which
			// would wait for the till's own kv write (receipt counter) after each sale; the batch
			// checks that inside its transaction anyway.
			if (!this.#members.loaded) await this.#guard(() => this.#members.ensure(this.#database));
			return this.#drainBatch(ctx, lane);
		});
	}

	/**
	 * The rows of the next batch: small-lane rows first, in order; else bulk-lane rows in order up
	 * to BULK_SLICE ids (`rest`: what stays queued of the last one, when it was cut). Null when
	 * the lane asked for is empty.
	 */
	async #nextRows(db: ShopDB, lane: DrainLane): Promise<{ rows: DeriveQueueRow[]; rest: DeriveQueueRow | null } | null> {
		const small = await db.deriveQueue.where('lane').equals(0).limit(QUEUE_ROWS).toArray();
		if (small.length) return { rows: small, rest: null };
		if (lane === 'urgent') return null;
		// Bulk rows in order up to BULK_SLICE ids; the last one taken may be cut.
		const rows: DeriveQueueRow[] = [];
		let taken = 0;
		for (const seq of await db.deriveQueue.where('lane').equals(1).limit(QUEUE_ROWS).primaryKeys()) {
			if (taken >= BULK_SLICE) break;
			const row = await db.deriveQueue.get(seq);
			if (!row) continue;
			const size = countIds(row.changes);
			if (taken + size <= BULK_SLICE) {
				rows.push(row);
				taken += size;
				continue;
			}
			const { head, rest } = sliceChanges(row.changes, BULK_SLICE - taken);
			rows.push({ ...row, changes: head });
			return { rows, rest: rest ? { ...row, changes: rest } : null };
		}
		return rows.length ? { rows, rest: null } : null;
	}

	/**
	 * Every customer against every group, in one transaction (after the statistics they depend on
	 * were rebuilt or rolled: the facts are read again first when `reload`).
	 */
	async #evaluateAll(ctx: DeriveContext, why: MembershipReason, reload = false, also?: () => Promise<void>): Promise<ChangeSet> {
		const db = this.#database;
		const changed = await this.#run(() =>
			this.#guard(async () => {
				// Facts are read before the write transaction, which then holds no sales table: a sale
				// finalised meanwhile is flushed at once (and derived by the next batch).
				if (reload) await this.#members.reload(db);
				else await this.#members.ensure(db);
				return db.transaction('rw', [...MEMBERSHIP_TABLES], async () => {
					await also?.();
					return this.#members.evaluateAll(db, ctx, why);
				});
			})
		);
		return changed.length ? { [MEMBERSHIPS_ALL_KIND]: ['*'], [MEMBERSHIPS_KIND]: changed } : {};
	}

	/** The memberships held in memory follow the tables: a failed transaction drops them. */
	async #guard<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (err) {
			this.#members.invalidate();
			throw err;
		}
	}

	/** One batch of the queue, derived and removed in one transaction; null when the queue is empty. */
	async #drainBatch(ctx: DeriveContext, lane: DrainLane): Promise<ChangeSet | null> {
		const db = this.#database;
		return this.#guard(() => db.transaction('rw', [...new Set(['deriveQueue', 'kv', ...STATS_TABLES, ...SHOP_DAY_TABLES, ...MEMBERSHIP_TABLES])], async () => {
			const next = await this.#nextRows(db, lane);
			if (next === null) return null;
			const { rows, rest } = next;
			const saleIds = new Set<string>();
			const adjustmentIds = new Set<string>();
			const openingIds = new Set<string>();
			const touched: Touched = { customers: new Set(), stats: new Set(), manual: new Set(), groups: false };
			const seqs: number[] = [];
			const mergedAway = new Set<string>();
			const size = () => saleIds.size + adjustmentIds.size + openingIds.size + touched.customers.size + touched.manual.size;
			for (const row of rows) {
				if (seqs.length && size() >= BATCH_IDS) break;
				seqs.push(row.seq!);
				row.changes.sales?.forEach((id) => saleIds.add(id));
				row.changes.points?.forEach((id) => adjustmentIds.add(id));
				// An opening balance comes with a customer import: memberships it moves say "profile", not "sale".
				row.changes.openings?.forEach((id) => {
					openingIds.add(id);
					touched.customers.add(id);
				});
				row.changes.customers?.forEach((id) => touched.customers.add(id));
				row.changes[MERGES_KIND]?.forEach((id) => mergedAway.add(id));
				row.changes.manualMembers?.forEach((pair) => touched.manual.add(splitPair(pair).customerId));
				if (row.changes.groups?.length) touched.groups = true;
			}
			const st = ((await db.kv.get(DERIVE_STATE_KEY))?.value as DeriveState | undefined) ?? null;
			const cursor = st?.rebuild?.cursor;
			// Rows a pending rebuild has not reached are in an older form: compute those from scratch.
			const fromScratch = (id: string) => !st || st.version !== DERIVE_VERSION || (cursor !== undefined && id > cursor);
			const sales = await db.sales.bulkGet([...saleIds]);
			const ids = await countIntoStats(db, sales, [...adjustmentIds], ctx, fromScratch, [...openingIds]);
			// The shop's day totals (group reports), with every sale of the batch, a customer's or not.
			await countIntoShopDays(db, sales, ctx);
			ids.forEach((id) => touched.stats.add(id));
			// Customers merged away: their sales and points now count for the survivor (re-pointed by
			// the projection and counted above), so their own statistics go.
			if (mergedAway.size) {
				await db.customerStats.bulkDelete([...mergedAway]);
				mergedAway.forEach((id) => {
					touched.stats.add(id);
					ids.push(id);
				});
			}
			// Memberships of the customers this batch touched (everyone's when a definition changed),
			// committed with the statistics they follow and the removal of the queue rows.
			const members = await this.#members.apply(db, touched, ctx);
			this.#fault('drain');
			// put(): the rest of a sliced bulk row replaces it whole, under its own seq (only when its
			// head was derived here: a batch cut short by BATCH_IDS leaves later rows queued whole).
			const cut = rest && seqs.includes(rest.seq!) ? rest : null;
			if (cut) await db.deriveQueue.put(cut);
			await db.deriveQueue.bulkDelete(cut ? seqs.filter((s) => s !== cut.seq) : seqs);
			const out: ChangeSet = {};
			if (ids.length) out[STATS_KIND] = ids;
			if (members.changed.length) out[MEMBERSHIPS_KIND] = members.changed;
			if (members.all && members.changed.length) out[MEMBERSHIPS_ALL_KIND] = ['*'];
			return out;
		}));
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
		const shopDays = new ShopDaysBuilder(ctx.timeZone);
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
					shopDays.add(history.sales);
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
		// The shop's day totals: what the chunks read, plus every sale they did not hold (anonymous
		// ones, and any drained meanwhile), under the lock so no batch counts a sale in between.
		await this.#run(() => shopDays.finish(db));
		// Memberships from the rebuilt statistics, committed with the end of the rebuild.
		const members = await this.#evaluateAll(ctx, 'rebuild', true, async () => {
			await removeStaleStats(db, ids);
			await this.#putState({ ...state, rebuiltAt: ctx.now, rebuild: null });
		});
		return { [STATS_ALL_KIND]: ['*'], ...members };
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
		// A new day: date-dependent groups, rolling windows and RFM quintiles, for everyone.
		const members = await this.#evaluateAll(ctx, 'date', changed > 0, async () => {
			const st = await this.state();
			if (st) await this.#putState({ ...st, asOf: ctx.today });
		});
		return { ...(changed ? { [STATS_ALL_KIND]: ['*'] } : {}), ...members };
	}

	preview(rule: StoredRule, excludeGroupId: string | null, ctx: DeriveContext): Promise<RulePreview> {
		return this.#run(() => this.#members.preview(this.#database, rule, excludeGroupId, ctx));
	}

	explain(customerId: string, groupId: string, ctx: DeriveContext): Promise<Explanation> {
		return this.#run(() => this.#members.explain(this.#database, customerId, groupId, ctx));
	}

	report(key: MembershipKey, from: string, to: string, ctx: DeriveContext): Promise<GroupReport> {
		const db = this.#database;
		return this.#run(() =>
			this.#guard(async () => {
				await this.#members.ensure(db);
				const members = this.#members.membersOf(key);
				return readGroupReport(db, key, from, to, ctx, {
					members,
					member: (id) => ({ days: this.#members.daysOf(id), spendBy: this.#spend.spendOf(id) }),
					nameOf: (id) => this.#members.nameOf(id)
				});
			})
		);
	}

	/**
	 * Possible duplicates over every customer of this tablet. Brings the queued customers' keys up
	 * to date (short transactions on the keys and their queue), then reads the keys and dismissed
	 * pairs in one read transaction: it does not wait for the derivation lock nor hold it.
	 */
	duplicates(): Promise<DuplicateScan> {
		return findDuplicates(this.#database);
	}

	rfmMovement(): Promise<RfmMovement | null> {
		return this.#run(() => this.#members.rfmMovement(this.#database));
	}
}

function merge(into: ChangeSet, from: ChangeSet): void {
	for (const [kind, ids] of Object.entries(from)) into[kind] = into[kind] ? [...new Set([...into[kind], ...ids])] : [...ids];
}

/** The Web Locks API where there is one (browsers, workers); absent in Node. */
function webLocks(): LockManager | null {
	return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : null;
}

/** The first `n` ids of a queue row's changes (kinds in order), and what is left (null: nothing). */
export function sliceChanges(changes: Record<string, string[]>, n: number): { head: Record<string, string[]>; rest: Record<string, string[]> | null } {
	const head: Record<string, string[]> = {};
	const rest: Record<string, string[]> = {};
	let left = n;
	let more = false;
	for (const [kind, ids] of Object.entries(changes)) {
		const take = Math.max(0, Math.min(left, ids.length));
		if (take) head[kind] = ids.slice(0, take);
		if (take < ids.length) {
			rest[kind] = ids.slice(take);
			more = true;
		}
		left -= take;
	}
	return { head, rest: more ? rest : null };
}
