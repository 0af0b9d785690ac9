// The main thread's side of the derive stage: tells the worker when a flush queued work, announces
// what it derived, restarts it when it dies and lets it finish (the queue and a rebuild's cursor
// are in IndexedDB, so a new worker resumes where the old one stopped).
import type { MembershipKey } from '$lib/domain/groups/types';
import type { GroupReport } from '$lib/domain/reports/report';
import type { ChangeSet } from '$lib/store/docstore';
import type { DeriveApi, DeriveContext, DeriveProgress, DeriveState, DuplicateScan, RebuildReason } from './api';
import type { Explanation, StoredRule } from '$lib/domain/groups/types';
import type { RulePreview } from '$lib/groups/api';
import type { GroupDerivation } from '$lib/groups/service';
import type { RfmMovement } from '$lib/groups/derive';

/** A running worker (or, in tests, an in-process Deriver). */
export interface DeriveConnection {
	api: DeriveApi;
	/** Wraps a callback so it can cross to the worker (Comlink.proxy; identity in process). */
	callback<F extends (...args: never[]) => void>(fn: F): F;
	/** Rejects when the worker dies (an uncaught error, or terminated). Never resolves. */
	crashed: Promise<never>;
	terminate(): void;
}

export class WorkerCrashed extends Error {
	constructor(cause?: unknown) {
		super('The background worker stopped unexpectedly', { cause });
		this.name = 'WorkerCrashed';
	}
}

export interface DeriveStatus {
	state: DeriveState | null;
	/** What runs now. */
	running: 'start' | 'rebuild' | 'roll' | null;
	progress: DeriveProgress | null;
	/** Changes waiting to be derived or being derived. */
	pending: boolean;
	/** The last failure, until the next success. */
	error: unknown;
}

export interface DeriveClientOptions {
	connect(): DeriveConnection;
	dbName: string;
	context(): DeriveContext;
	/** Where derived changes go (DocStore.announce: the list and live views update). */
	announce(changes: ChangeSet): void;
	onStatus?(status: DeriveStatus): void;
	/** Restarts of a dead worker in a row before giving up (and reporting the error). */
	maxRestarts?: number;
}

export class DeriveClient implements GroupDerivation {
	#opts: DeriveClientOptions;
	#conn: DeriveConnection | null = null;
	#opening: Promise<DeriveConnection> | null = null;
	#started: Promise<void> | null = null;
	#long: Promise<void> = Promise.resolve();
	#draining: Promise<void> | null = null;
	#dirty = false;
	/** The bulk lane (imports, a first sync), derived a slice at a time behind the small lane. */
	#bulking: Promise<void> | null = null;
	#bulkDirty = false;
	#closed = false;
	/** Connections started so far (1 + restarts): for diagnostics and tests. */
	connections = 0;
	status: DeriveStatus = { state: null, running: null, progress: null, pending: false, error: null };

	constructor(opts: DeriveClientOptions) {
		this.#opts = opts;
	}

	/** Opens the worker and brings derived data up to date (resumed rebuild, new version, midnight). */
	start(): Promise<void> {
		this.#started ??= this.#longOp('start', (api, cb) => api.start(this.#opts.context(), cb)).then(() => {
			if (!this.#closed) this.#bulk();
		});
		return this.#started;
	}

	/**
	 * The date or the shop's time zone changed: roll the windows forward, or rebuild when the zone
	 * changed (day buckets are days in the shop's zone).
	 */
	refresh(): Promise<void> {
		return this.#longOp('start', (api, cb) => api.start(this.#opts.context(), cb));
	}

	/** A flush queued work: derive it soon. Calls made meanwhile are coalesced. */
	notify(): void {
		if (this.#closed) return;
		this.#dirty = true;
		this.#update({ pending: true });
		this.#draining ??= this.#drainLoop().finally(() => {
			this.#draining = null;
			this.#update({ pending: this.#busy });
		});
	}

	get #busy(): boolean {
		return this.#dirty || this.#bulkDirty || !!this.#draining || !!this.#bulking;
	}

	/**
	 * Resolves once every small flush so far (the till's sales, edits, a group changed) is counted
	 * in the statistics and group memberships: what a balance check at the till, and the receipt
	 * after "Paid", wait for. A rebuild going on meanwhile does not hold it up (drains go between
	 * its chunks, and count customers it has not reached from scratch), nor does the bulk lane of
	 * an import or a first sync (derived behind, a slice at a time; `idle` waits for it).
	 */
	async settled(): Promise<void> {
		for (;;) {
			if (this.#draining) await this.#draining;
			else if (this.#dirty && !this.#closed) this.notify();
			else return;
		}
	}

	/** Resolves once everything queued so far is derived (and any rebuild or roll finished). */
	async idle(): Promise<void> {
		for (;;) {
			await this.start();
			await this.#long;
			const running = this.#draining ?? this.#bulking;
			if (running) await running;
			else if (this.#closed) return;
			else if (this.#dirty) this.notify();
			else if (this.#bulkDirty) this.#bulk();
			else return;
		}
	}

	/** Recomputes every derived row (Settings, "Rebuild statistics"). */
	rebuild(onProgress?: (p: DeriveProgress) => void, reason: RebuildReason = 'requested'): Promise<void> {
		return this.#longOp('rebuild', (api, cb) => api.rebuild(this.#opts.context(), reason, cb), onProgress);
	}

	/** The date changed (midnight in the shop's zone): roll the rolling windows forward. */
	roll(): Promise<void> {
		return this.#longOp('roll', (api, cb) => api.roll(this.#opts.context(), cb));
	}

	/** Live count of a rule being edited (the worker holds every customer's facts). */
	preview(rule: StoredRule, excludeGroupId?: string): Promise<RulePreview> {
		return this.#call((api) => api.preview(rule, excludeGroupId ?? null, this.#opts.context()));
	}

	/** "Why?" once the changes flushed so far are derived (a sale just rung up counts). */
	async explain(customerId: string, groupId: string): Promise<Explanation> {
		await this.settled();
		return this.#call((api) => api.explain(customerId, groupId, this.#opts.context()));
	}

	rfmMovement(): Promise<RfmMovement | null> {
		return this.#call((api) => api.rfmMovement());
	}

	/** Possible duplicate customers, found off the main thread over this tablet's customers. */
	duplicates(): Promise<DuplicateScan> {
		return this.#call((api) => api.duplicates());
	}

	/** The group report, once the changes flushed so far are derived (a sale just rung up counts). */
	async report(key: MembershipKey, from: string, to: string): Promise<GroupReport> {
		await this.settled();
		return this.#call((api) => api.report(key, from, to, this.#opts.context()));
	}

	close(): void {
		this.#closed = true;
		this.#conn?.terminate();
		this.#conn = null;
	}

	async #drainLoop(): Promise<void> {
		while (this.#dirty && !this.#closed) {
			this.#dirty = false;
			try {
				this.#announce(await this.#call((api) => api.drain(this.#opts.context(), 'urgent')));
				if (this.status.error) this.#update({ error: null });
			} catch (err) {
				// The queue is still in IndexedDB: the next notify (or start) derives it.
				this.#update({ error: err });
				return;
			}
		}
		if (!this.#closed) this.#bulk();
	}

	/** Derives the bulk lane a slice at a time, announcing each (the list fills in as it goes). */
	#bulk(): void {
		this.#bulkDirty = true;
		if (this.#bulking || this.#closed) return;
		this.#bulking = (async () => {
			while (this.#bulkDirty && !this.#closed) {
				this.#bulkDirty = false;
				for (;;) {
					const { changes, more } = await this.#call((api) => api.drainSlice(this.#opts.context()));
					this.#announce(changes);
					if (!more || this.#closed) break;
				}
			}
		})()
			.catch((err) => {
				// The queue is still in IndexedDB: the next notify (or start) takes it up again.
				this.#bulkDirty = false;
				this.#update({ error: err });
			})
			.finally(() => {
				this.#bulking = null;
				// Asked again between the loop's last check and here: go on.
				if (this.#bulkDirty && !this.#closed) this.#bulk();
				else this.#update({ pending: this.#busy });
			});
	}

	/** Rebuilds and rolls run one at a time; drains go on beside them (the worker interleaves batches). */
	#longOp(
		running: 'start' | 'rebuild' | 'roll',
		op: (api: DeriveApi, cb: (p: DeriveProgress) => void) => Promise<ChangeSet>,
		onProgress?: (p: DeriveProgress) => void
	): Promise<void> {
		const run = async () => {
			this.#update({ running, progress: null });
			try {
				const changes = await this.#call((api, conn) =>
					op(api, conn.callback((p: DeriveProgress) => {
						this.#update({ progress: p });
						onProgress?.(p);
					}))
				);
				this.#announce(changes);
				this.#update({ error: null });
			} catch (err) {
				this.#update({ error: err });
				throw err;
			} finally {
				this.#update({ running: null, progress: null, state: await this.#state() });
			}
		};
		const next = this.#long.then(run, run);
		this.#long = next.catch(() => {});
		return next;
	}

	async #state(): Promise<DeriveState | null> {
		try {
			return await this.#call((api) => api.state());
		} catch {
			return this.status.state;
		}
	}

	/** Runs `op` on the worker; a dead worker is replaced and the call made again (it resumes). */
	async #call<T>(op: (api: DeriveApi, conn: DeriveConnection) => Promise<T>): Promise<T> {
		const max = this.#opts.maxRestarts ?? 5;
		for (let attempt = 0; ; attempt++) {
			const conn = await this.#connection();
			try {
				return await Promise.race([op(conn.api, conn), conn.crashed]);
			} catch (err) {
				if (!(err instanceof WorkerCrashed) || attempt >= max || this.#closed) throw err;
				if (this.#conn === conn) {
					conn.terminate();
					this.#conn = null;
				}
			}
		}
	}

	#connection(): Promise<DeriveConnection> {
		if (this.#conn) return Promise.resolve(this.#conn);
		this.#opening ??= (async () => {
			const conn = this.#opts.connect();
			this.connections++;
			try {
				await Promise.race([conn.api.open(this.#opts.dbName), conn.crashed]);
			} catch (err) {
				conn.terminate();
				throw err;
			}
			this.#conn = conn;
			return conn;
		})().finally(() => (this.#opening = null));
		return this.#opening;
	}

	#announce(changes: ChangeSet): void {
		if (Object.keys(changes).length) this.#opts.announce(changes);
	}

	#update(patch: Partial<DeriveStatus>): void {
		this.status = { ...this.status, ...patch };
		this.#opts.onStatus?.(this.status);
	}
}

/** An in-process connection (tests, and browsers without module workers). */
export function inProcessConnection(api: DeriveApi & { close?(): void }): DeriveConnection {
	return {
		api,
		callback: (fn) => fn,
		crashed: new Promise<never>(() => {}),
		terminate: () => api.close?.()
	};
}
