// The customer list's reader as the page uses it: in the list worker (workers/list.worker.ts)
// behind Comlink, or on the page itself when the worker cannot start or dies. On the page each
// step decodes ~1,000 records on the main thread (tens of milliseconds); in the worker the page
// only receives the compact rows.
import { comlinkWorker } from '$lib/comlink-worker';
import type { ShopDB } from '$lib/store/schema';
import { ListReader, type ListPage, type ListReaderApi } from './list-reader';
import type { CustomerListRow } from '$lib/domain/list';

export class ListWorkerFailed extends Error {
	constructor(reason: string) {
		super(`The customer list worker stopped: ${reason}`);
	}
}

export interface ListWorkerConnection {
	api: ListReaderApi;
	/** Rejects (with ListWorkerFailed) when the worker fails to load or dies. Never resolves. */
	failed: Promise<never>;
	terminate(): void;
}

/** The list worker as the browser runs it. */
export function listWorker(): ListWorkerConnection {
	const worker = new Worker(new URL('../workers/list.worker.ts', import.meta.url), { type: 'module', name: 'customer-list' });
	const w = comlinkWorker<ListReaderApi>(worker, (reason) => new ListWorkerFailed(reason));
	return { api: w.api as unknown as ListReaderApi, failed: w.failed, terminate: w.terminate };
}

/**
 * Reads through the worker while it works and on the page from the moment it does not (a call in
 * flight when it dies is made again on the page): the list loads either way.
 */
export class ListReaderClient {
	#db: ShopDB;
	#start: (() => ListWorkerConnection) | null;
	#conn: Promise<ListWorkerConnection | null> | null = null;
	#local: ListReader | null = null;
	/** Why the worker is not used (for tests and diagnostics); null while it is. */
	fallbackReason: string | null = null;

	/** `start` null: read on the page from the start (no Worker here). */
	constructor(db: ShopDB, start: (() => ListWorkerConnection) | null = typeof Worker === 'undefined' ? null : listWorker) {
		this.#db = db;
		this.#start = start;
	}

	count(): Promise<number> {
		return this.#call((api) => api.count());
	}
	firstByName(limit: number): Promise<CustomerListRow[]> {
		return this.#call((api) => api.firstByName(limit));
	}
	page(after: string | null, limit: number): Promise<ListPage> {
		return this.#call((api) => api.page(after, limit));
	}
	rows(ids: string[]): Promise<(CustomerListRow | null)[]> {
		return this.#call((api) => api.rows(ids));
	}

	close(): void {
		const conn = this.#conn;
		this.#conn = Promise.resolve(null);
		void conn?.then((c) => c?.terminate());
	}

	async #call<T>(op: (api: ListReaderApi) => Promise<T>): Promise<T> {
		const conn = await (this.#conn ??= this.#connect());
		if (conn) {
			try {
				return await Promise.race([op(conn.api), conn.failed]);
			} catch (err) {
				if (!(err instanceof ListWorkerFailed)) throw err;
				this.#fallBack(conn, err);
			}
		}
		return op((this.#local ??= new ListReader(this.#db)));
	}

	async #connect(): Promise<ListWorkerConnection | null> {
		if (!this.#start) {
			this.fallbackReason = 'no Worker';
			return null;
		}
		let conn: ListWorkerConnection | null = null;
		try {
			conn = this.#start();
			await Promise.race([conn.api.open(this.#db.name), conn.failed]);
			return conn;
		} catch (err) {
			if (conn) this.#fallBack(conn, err);
			else this.fallbackReason = String(err);
			return null;
		}
	}

	#fallBack(conn: ListWorkerConnection, err: unknown): void {
		this.fallbackReason = err instanceof Error ? err.message : String(err);
		this.#conn = Promise.resolve(null);
		try {
			conn.terminate();
		} catch {
			// Already gone.
		}
	}
}
