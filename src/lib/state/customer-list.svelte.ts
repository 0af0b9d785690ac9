// The customer list: every customer as a compact row held in memory, so that filtering, sorting and
// counting 100,000 of them is a few tens of milliseconds of plain JavaScript. The first page comes
// straight from the sortName index while the rest loads; changes from anywhere are patched in by id.
import type { Customer } from '$lib/domain/customer';
import type { CustomerStats } from '$lib/domain/sales/stats';
import {
	ListQuery,
	DESCENDING_FIRST,
	toListRow,
	withStats,
	type CustomerFilter,
	type CustomerListRow,
	type SortKey,
	type SortSpec
} from '$lib/domain/list';
import type { ChangeSet } from '$lib/store/docstore';
import { STATS_ALL_KIND, STATS_KIND } from '$lib/derive/api';
import type { GroupRecord } from '$lib/groups/api';
import type { Membership } from '$lib/domain/groups/types';
import { MEMBERSHIPS_ALL_KIND, MEMBERSHIPS_KIND } from '$lib/groups/derive';
import { shop } from './shop.svelte';
import { followGroups, keyNames, levelNames, vipKeys } from './groups.svelte';

const LOAD_CHUNK = 1000;
const FIRST_PAGE = 100;

export class CustomerListState {
	query = $state('');
	filter = $state<CustomerFilter>({});
	sort = $state<SortSpec>({ key: 'name', dir: 'asc' });

	#all = $state.raw<CustomerListRow[]>([]);
	#firstPage = $state.raw<CustomerListRow[]>([]);
	#loaded = $state(false);
	#storedCount = $state(0);
	/**
	 * The search that the rows show: the query and the ids matching it, replaced together when an
	 * answer arrives, so the rows and the count never mix one keystroke's query with another's ids.
	 */
	#applied = $state.raw<{ query: string; ids: Set<string> | null }>({ query: '', ids: null });
	/** Search results shown before the full list has loaded. */
	#early = $state.raw<CustomerListRow[]>([]);
	#searchSeq = 0;
	/** Customers whose statistics changed while the list was still loading. */
	#staleStats = new Set<string>();
	/** Filters and sorts, patching its last answer when only statistics of some rows changed. */
	#query = new ListQuery();
	/** Membership keys by customer (derived; read from the memberships table, patched on change). */
	#keys = new Map<string, string[]>();

	/** Every group with its counts: names for the group filter and its chips, VIP marks. */
	groups = $state.raw<GroupRecord[]>([]);
	/** Keys of VIP groups and VIP tier levels. */
	readonly vipKeys: ReadonlySet<string> = $derived(vipKeys(this.groups));
	/** Tier level names by membership key (the list's Level column). */
	readonly levelNames: Record<string, string> = $derived(levelNames(this.groups));
	/** Group or level name by membership key. */
	readonly groupNames: Record<string, string> = $derived(keyNames(this.groups));
	/** Customers ticked for a bulk action. */
	selected = $state.raw<ReadonlySet<string>>(new Set());

	readonly rows: CustomerListRow[] = $derived.by(() => {
		const storeNames = Object.fromEntries(shop.settings.stores.map((s) => [s.id, s.name]));
		if (!this.#loaded) return this.#applied.query ? this.#early : this.#firstPage;
		const ids = this.#applied.ids;
		const base = ids ? this.#all.filter((r) => ids.has(r.id)) : this.#all;
		return this.#query.run(base, this.filter, this.sort, shop.today, storeNames);
	});

	/** True while the rows are the answer to a search (the count then reads "N matches"). */
	readonly searching: boolean = $derived(this.#applied.query !== '');
	readonly count: number = $derived(this.#loaded || this.searching ? this.rows.length : this.#storedCount);
	readonly total: number = $derived(this.#loaded ? this.#all.length : this.#storedCount);
	readonly loading: boolean = $derived(!this.#loaded);

	/** Begins loading and following changes; returns stop. */
	start(): () => void {
		let stopped = false;
		const unsubscribe = shop.store.subscribe((changes) => void this.#onChanges(changes));
		void (async () => {
			const db = shop.db;
			const [count, first] = await Promise.all([
				db.customers.count(),
				db.customers.orderBy('sortName').limit(FIRST_PAGE).toArray()
			]);
			if (stopped) return;
			this.#storedCount = count;
			this.#firstPage = first.map(toListRow);
			// Statistics exist only for customers who bought something: read them all, joined by id.
			// Memberships likewise exist only for customers in some group.
			const stats = await allStats(() => stopped);
			this.#keys = await allKeys(() => stopped);
			if (stopped) return;
			const all: CustomerListRow[] = [];
			let last: string | null = null;
			for (;;) {
				const chunk: Customer[] = await (last === null
					? db.customers.orderBy(':id').limit(LOAD_CHUNK).toArray()
					: db.customers.where(':id').above(last).limit(LOAD_CHUNK).toArray());
				if (stopped) return;
				for (const c of chunk) all.push(this.#row(c, stats.get(c.id)));
				if (chunk.length < LOAD_CHUNK) break;
				last = chunk[chunk.length - 1].id;
				// Each record is decoded on this thread: let a tap or a scan through between reads.
				await new Promise((done) => setTimeout(done, 0));
			}
			this.#all = all;
			this.#pos = null;
			this.#loaded = true;
			if (this.#staleStats.size) void this.#patchStats([...this.#staleStats]);
			this.#staleStats.clear();
		})();
		const stopGroups = followGroups(
			() => shop.groups.list(),
			(records) => (this.groups = records),
			(message) => (shop.error = message)
		);
		const stopSearching = $effect.root(() => {
			$effect(() => {
				void this.#runSearch(this.query);
			});
		});
		return () => {
			stopped = true;
			unsubscribe();
			stopGroups();
			stopSearching();
		};
	}

	toggleSort(key: SortKey): void {
		this.sort =
			this.sort.key === key
				? { key, dir: this.sort.dir === 'asc' ? 'desc' : 'asc' }
				: { key, dir: DESCENDING_FIRST.has(key) ? 'desc' : 'asc' };
	}

	clearFilter(): void {
		this.filter = {};
	}

	toggleSelected(id: string): void {
		const next = new Set(this.selected);
		if (!next.delete(id)) next.add(id);
		this.selected = next;
	}

	/** Ticks every customer the search and filters match now. */
	selectAllMatching(): void {
		this.selected = new Set(this.rows.map((r) => r.id));
	}

	clearSelection(): void {
		this.selected = new Set();
	}

	/** Ids of the rows shown now, in their order. */
	matchingIds(): string[] {
		return this.rows.map((r) => r.id);
	}

	#row(c: Customer, stats: CustomerStats | undefined): CustomerListRow {
		const row = withStats(toListRow(c), stats);
		const keys = this.#keys.get(c.id);
		return keys ? { ...row, keys } : row;
	}

	/** Full records of the rows currently shown, in their order (for export). */
	async exportCustomers(): Promise<Customer[]> {
		const ids = this.rows.map((r) => r.id);
		const recs = await shop.db.customers.bulkGet(ids);
		return recs.filter((r): r is NonNullable<typeof r> => !!r).map(({ k: _k, sortName: _s, ...c }) => c);
	}

	async #runSearch(query: string): Promise<void> {
		const seq = ++this.#searchSeq;
		const q = query.trim();
		if (!q) {
			this.#early = [];
			this.#applied = { query: '', ids: null };
			return;
		}
		if (!this.#loaded) {
			const found = await shop.customers.search(query, FIRST_PAGE);
			if (seq === this.#searchSeq) this.#early = found.map(toListRow);
		}
		const ids = await shop.customers.searchIds(query);
		// A slower answer to an older keystroke must not replace the newer one.
		if (seq === this.#searchSeq) this.#applied = { query: q, ids };
	}

	async #onChanges(changes: ChangeSet): Promise<void> {
		// The derive worker recomputed statistics (after a sale or adjustment here or synced), or all
		// of them (a rebuild, midnight).
		if (changes[STATS_ALL_KIND] && this.#loaded) await this.#reloadStats();
		if (changes[MEMBERSHIPS_ALL_KIND] && this.#loaded) await this.#reloadKeys();
		else if (changes[MEMBERSHIPS_KIND]?.length && this.#loaded) await this.#patchKeys(changes[MEMBERSHIPS_KIND]);
		const statIds = changes[STATS_KIND] ?? [];
		if (statIds.length && this.#loaded) await this.#patchStats(statIds);
		else for (const id of statIds) this.#staleStats.add(id);
		const ids = changes.customers;
		if (!ids?.length) return;
		if (!this.#loaded) {
			this.#storedCount = await shop.db.customers.count();
			return;
		}
		// An import announces thousands of customers at a time: read them in short steps (each
		// record is decoded on this thread).
		const recs: (Customer | undefined)[] = [];
		const stats: (CustomerStats | undefined)[] = [];
		for (let i = 0; i < ids.length; i += CHANGED_CHUNK) {
			const part = ids.slice(i, i + CHANGED_CHUNK);
			const [r, st] = await Promise.all([shop.db.customers.bulkGet(part), shop.db.customerStats.bulkGet(part)]);
			recs.push(...r);
			stats.push(...st);
			if (i + CHANGED_CHUNK < ids.length) await new Promise((done) => setTimeout(done, 0));
		}
		const positions = this.#positions();
		const next = this.#all.slice();
		const removed = new Set<string>();
		recs.forEach((rec, i) => {
			const at = positions.get(ids[i]);
			if (rec && at !== undefined) next[at] = this.#row(rec, stats[i]);
			else if (rec) {
				positions.set(ids[i], next.length);
				next.push(this.#row(rec, stats[i]));
			} else if (at !== undefined) removed.add(ids[i]);
		});
		if (removed.size) this.#pos = null;
		this.#all = removed.size ? next.filter((r) => !removed.has(r.id)) : next;
		if (this.query.trim()) void this.#runSearch(this.query);
	}

	/**
	 * Index of each customer in #all. Replacing and appending rows keep it (statistics patches
	 * map rows in place); a removal or a new load drops it.
	 */
	#pos: Map<string, number> | null = null;

	#positions(): Map<string, number> {
		this.#pos ??= new Map(this.#all.map((r, i) => [r.id, i]));
		return this.#pos;
	}

	async #reloadStats(): Promise<void> {
		const stats = await allStats();
		this.#all = this.#all.map((r) => withStats(r, stats.get(r.id)));
	}

	async #reloadKeys(): Promise<void> {
		this.#keys = await allKeys();
		this.#all = this.#all.map((r) => withKeys(r, this.#keys.get(r.id)));
	}

	async #patchKeys(customerIds: string[]): Promise<void> {
		const rows = await shop.db.memberships.bulkGet(customerIds);
		const changed = new Set(customerIds);
		customerIds.forEach((id, i) => {
			const keys = rows[i]?.keys;
			if (keys?.length) this.#keys.set(id, keys);
			else this.#keys.delete(id);
		});
		this.#all = this.#all.map((r) => (changed.has(r.id) ? withKeys(r, this.#keys.get(r.id)) : r));
	}

	async #patchStats(customerIds: string[]): Promise<void> {
		const stats = await shop.db.customerStats.bulkGet(customerIds);
		const byId = new Map(customerIds.map((id, i) => [id, stats[i]]));
		let changed = false;
		const next = this.#all.map((r) => {
			if (!byId.has(r.id)) return r;
			changed = true;
			return withStats(r, byId.get(r.id));
		});
		if (changed) this.#all = next;
	}
}

/** Rows of statistics read per step: each read is a short task, so the till never stutters. */
const STATS_CHUNK = 2000;
/** Changed customers (with their statistics) read per step. */
const CHANGED_CHUNK = 200;

function withKeys(row: CustomerListRow, keys: string[] | undefined): CustomerListRow {
	const { keys: _k, ...base } = row;
	return keys?.length ? { ...base, keys } : base;
}

/** Every customer's membership keys by id, read in short steps like the statistics. */
async function allKeys(stopped: () => boolean = () => false): Promise<Map<string, string[]>> {
	const keys = new Map<string, string[]>();
	let last: string | null = null;
	for (;;) {
		const chunk: Membership[] = await (last === null
			? shop.db.memberships.orderBy(':id').limit(STATS_CHUNK).toArray()
			: shop.db.memberships.where(':id').above(last).limit(STATS_CHUNK).toArray());
		for (const m of chunk) if (m.keys.length) keys.set(m.customerId, m.keys);
		if (chunk.length < STATS_CHUNK || stopped()) return keys;
		last = chunk[chunk.length - 1].customerId;
		await new Promise((r) => setTimeout(r, 0));
	}
}

/** Every customer's statistics by id, read in short steps with a pause between them. */
async function allStats(stopped: () => boolean = () => false): Promise<Map<string, CustomerStats>> {
	const stats = new Map<string, CustomerStats>();
	let last: string | null = null;
	for (;;) {
		const chunk: CustomerStats[] = await (last === null
			? shop.db.customerStats.orderBy(':id').limit(STATS_CHUNK).toArray()
			: shop.db.customerStats.where(':id').above(last).limit(STATS_CHUNK).toArray());
		for (const st of chunk) stats.set(st.customerId, st);
		if (chunk.length < STATS_CHUNK || stopped()) return stats;
		last = chunk[chunk.length - 1].customerId;
		await new Promise((r) => setTimeout(r, 0));
	}
}
