// The customer list's rows as read from the database: every customer as a compact row with the few
// figures the list shows and sorts by (purchase statistics, membership keys), read in steps. It
// runs in the list worker (workers/list.worker.ts), so decoding 100,000 records never holds up the
// page; the page runs the same code itself when the worker cannot start (list-reader-client.ts).
import type { Customer } from '$lib/domain/customer';
import { toListRow, withStats, type CustomerListRow } from '$lib/domain/list';
import type { ShopDB } from '$lib/store/schema';

export interface ListPage {
	/** In id order. */
	rows: CustomerListRow[];
	/** The id to read after for the next page; null when this was the last one. */
	next: string | null;
}

/** The list worker's one typed contract (the main thread calls it through Comlink). */
export interface ListReaderApi {
	/** Opens the shop's database by name (a no-op when it is open). */
	open(dbName: string): Promise<void>;
	count(): Promise<number>;
	/** The first customers by name: the screen's first page while the rest loads. */
	firstByName(limit: number): Promise<CustomerListRow[]>;
	/** Up to `limit` customers with an id above `after` (from the first when null), in id order. */
	page(after: string | null, limit: number): Promise<ListPage>;
	/** Each customer's row, or null for one no longer stored. */
	rows(ids: string[]): Promise<(CustomerListRow | null)[]>;
}

export class ListReader implements ListReaderApi {
	#db: ShopDB | null;
	#open: (name: string) => ShopDB;

	/** With a database (the page's own), or one opened by name (in the worker). */
	constructor(db: ShopDB | null, open: (name: string) => ShopDB = () => {
		throw new Error('The list reader has no database');
	}) {
		this.#db = db;
		this.#open = open;
	}

	get #store(): ShopDB {
		if (!this.#db) throw new Error('The list reader has no database open');
		return this.#db;
	}

	async open(dbName: string): Promise<void> {
		if (this.#db?.name === dbName) return;
		this.#db?.close();
		const db = this.#open(dbName);
		await db.open();
		this.#db = db;
	}

	async count(): Promise<number> {
		return this.#store.customers.count();
	}

	async firstByName(limit: number): Promise<CustomerListRow[]> {
		return this.#join(await this.#store.customers.orderBy('sortName').limit(limit).toArray());
	}

	async page(after: string | null, limit: number): Promise<ListPage> {
		const customers = this.#store.customers;
		const chunk: Customer[] = await (after === null
			? customers.orderBy(':id').limit(limit).toArray()
			: customers.where(':id').above(after).limit(limit).toArray());
		const rows = await this.#join(chunk);
		return { rows, next: chunk.length < limit ? null : chunk[chunk.length - 1].id };
	}

	async rows(ids: string[]): Promise<(CustomerListRow | null)[]> {
		const found = await this.#store.customers.bulkGet(ids);
		const present = found.filter((c): c is NonNullable<typeof c> => !!c);
		const byId = new Map((await this.#join(present)).map((r) => [r.id, r]));
		return ids.map((id) => byId.get(id) ?? null);
	}

	/** Rows of these customers with their statistics and membership keys (absent for none). */
	async #join(customers: Customer[]): Promise<CustomerListRow[]> {
		const db = this.#store;
		const ids = customers.map((c) => c.id);
		const [stats, members] = await Promise.all([db.customerStats.bulkGet(ids), db.memberships.bulkGet(ids)]);
		return customers.map((c, i) => {
			const row = withStats(toListRow(c), stats[i]);
			const keys = members[i]?.keys;
			return keys?.length ? { ...row, keys } : row;
		});
	}
}
