// The customer list: every customer as a compact row held in memory, so that filtering, sorting and
// counting 100,000 of them is plain JavaScript. The rows are read by the list worker
// (customers/list-reader.ts; on the page if the worker cannot start) in steps of ~1,000, and merged
// into the answer on screen every ~5,000, each merge a patch of the sorted answer (ListQuery), so
// no step is a long task. The first page comes from the sortName index while the rest loads;
// changes from anywhere are read again by id and patched in the same way.
//
// The rows are kept while the app runs (CustomerRows, one for the open shop): at 100,000 customers
// the first load takes a while, and going back to the list from the till must not start it again.
// Reading is done only while a list is on screen (a load left half-way goes on at the next visit;
// changes made meanwhile are read then), so the till never shares its main thread with it. Each
// visit keeps its own search, filters, sort and selection (CustomerListState).
import type { Customer } from '$lib/domain/customer';
import {
	ListQuery,
	DESCENDING_FIRST,
	sameListRow,
	toListRow,
	type CustomerFilter,
	type CustomerListRow,
	type SortKey,
	type SortSpec
} from '$lib/domain/list';
import type { ChangeSet } from '$lib/store/docstore';
import type { ShopDB } from '$lib/store/schema';
import { STATS_ALL_KIND, STATS_KIND } from '$lib/derive/api';
import type { GroupRecord } from '$lib/groups/api';
import { MEMBERSHIPS_ALL_KIND, MEMBERSHIPS_KIND } from '$lib/groups/derive';
import { ListReaderClient } from '$lib/customers/list-reader-client';
import { shop } from './shop.svelte';
import { describeError } from './errors';
import { followGroups, keyNames, levelNames, vipKeys } from './groups.svelte';

/** Rows read per step: in the worker, the page only receives them (a few ms each step). */
const READ_STEP = 1000;
/** Rows merged into the answer on screen at a time: each merge is one patch of the sorted answer. */
const MERGE_EVERY = 5000;
const FIRST_PAGE = 100;

const pause = () => new Promise<void>((done) => setTimeout(done, 0));

/**
 * Every customer of the open shop as a list row, loaded by the first list that asks and then kept
 * current (changes from anywhere are read again by id) until the shop's database changes.
 */
class CustomerRows {
	/** Every customer read so far, by id. Not reactive itself: `version` counts its changes. */
	readonly byId = new Map<string, CustomerListRow>();
	version = $state(0);
	loaded = $state(false);
	/** The stored count, shown while loading. */
	storedCount = $state(0);
	/** Filters and sorts, patching its last answer with the rows changed since. */
	readonly query = new ListQuery();
	#reader: ListReaderClient | null = null;
	#db: ShopDB | null = null;
	/** Bumped when the shop changes: a load or drain of the one before stops. */
	#gen = 0;
	#unsubscribe: (() => void) | null = null;
	/** Customers to read again (changed here, synced, or their statistics or groups derived). */
	#dirty = new Set<string>();
	/** Every row to read again (statistics or memberships rebuilt). */
	#dirtyAll = false;
	#draining = false;
	/** Lists on screen now: reading waits while there is none (the till is not held up by it). */
	#views = 0;
	#onShown: (() => void)[] = [];

	/**
	 * A list on screen: loads (or goes on loading) and reads changed rows while it is shown; returns
	 * its detach. Hidden, the rows only collect which customers changed, read on the next attach.
	 */
	attach(): () => void {
		const started = this.#ensure();
		this.#views++;
		for (const go of this.#onShown.splice(0)) go();
		// What a hidden list did not follow: the stored count while loading, the changed rows after.
		if (!started && !this.loaded) this.#recount();
		void this.#drain();
		let attached = true;
		return () => {
			if (attached) this.#views--;
			attached = false;
		};
	}

	/** Resolves once a list is on screen. */
	async #shown(): Promise<void> {
		while (this.#views === 0) await new Promise<void>((go) => this.#onShown.push(go));
	}

	/** Loads the open shop's customers and follows their changes (once per shop); true when it starts. */
	#ensure(): boolean {
		const db = shop.db;
		if (this.#db === db) return false;
		this.#reset();
		this.#db = db;
		const gen = this.#gen;
		const reader = (this.#reader = new ListReaderClient(db));
		this.#unsubscribe = shop.store.subscribe((changes) => this.#onChanges(changes));
		void this.#load(reader, gen).catch((e) => {
			if (gen !== this.#gen) return;
			shop.error = `The customer list could not be read. ${describeError(e)}`;
			// The next list opened tries again.
			this.#reset();
		});
		return true;
	}

	#reset(): void {
		this.#gen++;
		this.#unsubscribe?.();
		this.#unsubscribe = null;
		this.#reader?.close();
		this.#reader = null;
		this.#db = null;
		this.byId.clear();
		this.query.reset();
		this.#dirty.clear();
		this.#dirtyAll = false;
		this.loaded = false;
		this.storedCount = 0;
		this.version++;
	}

	async #load(reader: ListReaderClient, gen: number): Promise<void> {
		const [count, first] = await Promise.all([reader.count(), reader.firstByName(FIRST_PAGE)]);
		if (gen !== this.#gen) return;
		this.storedCount = count;
		this.#apply(first, []);
		// Changes announced from here on are read again once the list has loaded.
		let pending: CustomerListRow[] = [];
		const seen = new Set<string>();
		for (let after: string | null = null; ; ) {
			await this.#shown();
			if (gen !== this.#gen) return;
			const page = await reader.page(after, READ_STEP);
			if (gen !== this.#gen) return;
			for (const row of page.rows) seen.add(row.id);
			pending.push(...page.rows);
			if (pending.length >= MERGE_EVERY || page.next === null) {
				this.#apply(pending, []);
				pending = [];
			}
			if (page.next === null) break;
			after = page.next;
			await pause();
		}
		// A first-page customer removed before their page was read.
		this.#apply(
			[],
			first.filter((r) => !seen.has(r.id)).map((r) => r.id)
		);
		this.loaded = true;
		void this.#drain();
	}

	/** The stored count again, shown while loading. */
	#recount(): void {
		const gen = this.#gen;
		void this.#reader?.count().then((n) => {
			if (gen === this.#gen) this.storedCount = n;
		});
	}

	/** Puts changed rows in (and removed ones out), and tells the query which. */
	#apply(rows: CustomerListRow[], removed: string[]): void {
		if (!rows.length && !removed.length) return;
		for (const r of rows) this.byId.set(r.id, r);
		for (const id of removed) this.byId.delete(id);
		this.query.note(rows, removed);
		this.version++;
	}

	#onChanges(changes: ChangeSet): void {
		// The derive worker recomputed statistics or memberships of some customers (after a sale, an
		// adjustment, a group change, here or synced), or all of them (a rebuild, midnight).
		if (changes[STATS_ALL_KIND] || changes[MEMBERSHIPS_ALL_KIND]) this.#dirtyAll = true;
		for (const kind of ['customers', STATS_KIND, MEMBERSHIPS_KIND]) for (const id of changes[kind] ?? []) this.#dirty.add(id);
		if (!this.loaded) {
			// The count shown while loading follows imports and new customers (on screen only).
			if (changes.customers?.length && this.#views > 0) this.#recount();
			return;
		}
		void this.#drain();
	}

	/**
	 * Reads the dirty rows again, one step at a time, and patches in those that changed. One drain
	 * at a time: changes arriving meanwhile (an import announces a batch every few hundred
	 * milliseconds) join the next round.
	 */
	async #drain(): Promise<void> {
		if (this.#draining || !this.loaded) return;
		this.#draining = true;
		const gen = this.#gen;
		try {
			while (gen === this.#gen && this.#views > 0 && (this.#dirtyAll || this.#dirty.size)) {
				if (this.#dirtyAll) {
					this.#dirtyAll = false;
					this.#dirty.clear();
					await this.#reloadAll(gen);
				} else await this.#reloadSome(gen);
			}
		} catch (e) {
			if (gen === this.#gen) shop.error = `The customer list could not be updated. ${describeError(e)}`;
		} finally {
			this.#draining = false;
			// Changes that came for the next shop while this one's drain wound down.
			if (gen !== this.#gen) void this.#drain();
		}
	}

	/** Up to MERGE_EVERY dirty customers read again, in steps; merged in at once. */
	async #reloadSome(gen: number): Promise<void> {
		const reader = this.#reader!;
		const ids: string[] = [];
		for (const id of this.#dirty) {
			ids.push(id);
			if (ids.length === MERGE_EVERY) break;
		}
		for (const id of ids) this.#dirty.delete(id);
		const changed: CustomerListRow[] = [];
		const removed: string[] = [];
		for (let i = 0; i < ids.length; i += READ_STEP) {
			const part = ids.slice(i, i + READ_STEP);
			const rows = await reader.rows(part);
			if (gen !== this.#gen) return;
			rows.forEach((row, k) => {
				const held = this.byId.get(part[k]);
				if (row && !(held && sameListRow(held, row))) changed.push(row);
				else if (!row && held) removed.push(part[k]);
			});
			if (i + READ_STEP < ids.length) await pause();
		}
		this.#apply(changed, removed);
	}

	/**
	 * Every row read again (after a rebuild of statistics or memberships), replacing only those
	 * that differ: a rebuild that changed nothing changes nothing on screen.
	 */
	async #reloadAll(gen: number): Promise<void> {
		const reader = this.#reader!;
		const seen = new Set<string>();
		let changed: CustomerListRow[] = [];
		for (let after: string | null = null; ; ) {
			await this.#shown();
			if (gen !== this.#gen) return;
			const page = await reader.page(after, READ_STEP);
			if (gen !== this.#gen) return;
			for (const row of page.rows) {
				seen.add(row.id);
				const held = this.byId.get(row.id);
				if (!(held && sameListRow(held, row))) changed.push(row);
			}
			if (changed.length >= MERGE_EVERY) {
				this.#apply(changed, []);
				changed = [];
			}
			if (page.next === null) break;
			after = page.next;
			await pause();
		}
		const removed: string[] = [];
		for (const id of this.byId.keys()) if (!seen.has(id)) removed.push(id);
		this.#apply(changed, removed);
	}
}

const customerRows = new CustomerRows();

/** One visit of the customer list: its search, filters, sort and selection over the shop's rows. */
export class CustomerListState {
	query = $state('');
	filter = $state<CustomerFilter>({});
	sort = $state<SortSpec>({ key: 'name', dir: 'asc' });

	#data = customerRows;
	/**
	 * The search that the rows show: the query and the ids matching it, replaced together when an
	 * answer arrives, so the rows and the count never mix one keystroke's query with another's ids.
	 */
	#applied = $state.raw<{ query: string; ids: Set<string> | null }>({ query: '', ids: null });
	/** Search results shown before the full list has loaded. */
	#early = $state.raw<CustomerListRow[]>([]);
	#searchSeq = 0;

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
		const data = this.#data;
		void data.version;
		const storeNames = Object.fromEntries(shop.settings.stores.map((s) => [s.id, s.name]));
		// While loading, a search shows the index's first answers; the list, what has been read so far.
		if (!data.loaded && this.#applied.query) return this.#early;
		return data.query.run(data.byId.values(), this.filter, this.sort, shop.today, storeNames, this.#applied.ids);
	});

	/** True while the rows are the answer to a search (the count then reads "N matches"). */
	readonly searching: boolean = $derived(this.#applied.query !== '');
	readonly count: number = $derived(this.#data.loaded || this.searching ? this.rows.length : this.#data.storedCount);
	readonly total: number = $derived(this.#data.loaded ? (void this.#data.version, this.#data.byId.size) : this.#data.storedCount);
	readonly loading: boolean = $derived(!this.#data.loaded);

	/** Begins loading (or reuses the rows already loaded) and following changes; returns stop. */
	start(): () => void {
		const detach = this.#data.attach();
		// A customer added or edited changes what the search finds.
		const unsubscribe = shop.store.subscribe((changes) => {
			if (changes.customers?.length && this.#applied.query) void this.#runSearch(this.query);
		});
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
			detach();
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
		if (!this.#data.loaded) {
			const found = await shop.customers.search(query, FIRST_PAGE);
			if (seq === this.#searchSeq) this.#early = found.map(toListRow);
		}
		const ids = await shop.customers.searchIds(query);
		// A slower answer to an older keystroke must not replace the newer one.
		if (seq === this.#searchSeq) this.#applied = { query: q, ids };
	}
}
