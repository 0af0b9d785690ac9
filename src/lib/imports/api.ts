// The import worker's one typed API (STYLE 2): read and check a CSV file off the main thread, and
// write customers from here too. The worker (src/lib/workers/import.worker.ts) only exposes
// createImportApi(); tests call the same object directly, without a Worker.
//
// The customer rows never cross to the main thread: the check keeps them here and answers with
// counts, problems and a preview, and the write goes through this worker's own DocStore on the
// same IndexedDB database, exactly the write path of the page (DexieCustomerService.importMany:
// card checks, chunks of one transaction each). The page's DocStore hears of every chunk over
// the cross-tab channel, like a change made in another tab.
import type { CsvRows } from '$lib/domain/csv';
import {
	customerImport,
	type ColumnMapping,
	type ImportContext,
	type PreparedImport,
	type PreparedRow,
	type RowProblem
} from '$lib/domain/customer-csv';
import {
	DEFAULT_MATCH,
	mappedFields,
	matchRows,
	nameOf,
	planRow,
	type ExistingCustomer,
	type MatchIndex,
	type MatchKey,
	type MatchOptions,
	type RowPlan
} from '$lib/domain/customer-match';
import type { CustomerField } from '$lib/domain/customer';
import { importSource, openingDay } from '$lib/domain/opening';
import { saleDay } from '$lib/domain/sales/stats';
import { itemImport, type ItemColumnMapping, type ItemImportContext, type PreparedItemImport } from '$lib/domain/sales/items-csv';
import {
	salesImport,
	type PreparedSalesImport,
	type SalesColumnMapping,
	type SalesImportContext
} from '$lib/domain/sales/sales-csv';
import type { RowSink } from '$lib/domain/csv';
import { problemsCsv } from '$lib/domain/import-problems';
import { DocStore } from '$lib/store/docstore';
import { ShopDB } from '$lib/store/schema';
import { customersProjection, openingsProjection } from '$lib/customers/projection';
import { DexieCustomerService } from '$lib/customers/service';
import type { ImportOutcome } from '$lib/customers/api';
import { readRows, scanCsv, type CsvFileInfo, type ScanResult } from './read';

export type ImportPhase = 'reading' | 'checking' | 'writing';

export interface PhaseProgress {
	phase: ImportPhase;
	done: number;
	total: number;
}

export type OnProgress = (p: PhaseProgress) => void;

/** Rows of the checked customer file shown in the preview; the rest stay in the worker. */
export const PREVIEW_ROWS = 50;

/**
 * Problems sent to the page at most: posting 100,000 of them costs the page's thread a long task
 * to receive (~0.5 s); the download (problemsCsv) has them all.
 */
export const PROBLEMS_SHOWN = 1000;

/** A row of the customer preview: what it becomes, and the customer it matched. */
export interface CustomerPreviewRow extends PreparedRow {
	status: 'new' | 'update';
	match?: { id: string; name: string; by: MatchKey };
	/** Labels of what an update changes ('Email', 'Opening balance'). */
	changes?: string[];
}

/** The customer check as the page sees it: counts, the first problems and the first rows. */
export interface CustomerCheck extends ShownProblems {
	/** Rows to write: new customers plus customers to update. */
	ready: number;
	counts: { new: number; update: number; unchanged: number; problems: number };
	preview: CustomerPreviewRow[];
	/** Rows left out for problems: the file's own, and those matching found (in-file duplicates, two customers). */
	invalidRowCount: number;
	match: MatchOptions;
}

export interface CustomerImportOutcome extends ImportOutcome {
	/** Existing customers updated (`imported` counts the new ones). */
	updated: number;
	/** Matched rows that changed nothing when written (another tablet got there first). */
	unchanged: number;
}

/** A check's problems as sent to the page: the first PROBLEMS_SHOWN, and how many there are. */
export interface ShownProblems {
	problems: RowProblem[];
	problemCount: number;
}

export type ItemCheck = PreparedItemImport & ShownProblems;

export interface SalesCheck extends PreparedSalesImport, ShownProblems {
	/** Non-empty rows of the file (sale lines). */
	rows: number;
}

/** Everything the sales check needs but the customer matcher, which the worker reads itself. */
export type SalesCheckContext = Omit<SalesImportContext, 'findCustomer' | 'newId' | 'coveredUntil'>;

export interface ImportApi {
	/** Is it a CSV file we can import? Encoding, format, headers, row count, examples. */
	scan(file: Blob, noun: string, onProgress?: OnProgress): Promise<ScanResult>;
	/**
	 * Checks every row and matches it to the customers of database `dbName` (card, email, phone →
	 * id, read here from IndexedDB: at 100,000 customers that index never touches the page's
	 * thread); the rows wait in the worker for writeCustomers.
	 */
	checkCustomers(
		file: Blob,
		info: CsvFileInfo,
		mapping: ColumnMapping,
		ctx: ImportContext,
		target: { dbName: string; match?: MatchOptions },
		onProgress?: OnProgress
	): Promise<CustomerCheck>;
	/** The last check matched again with other options (order, what matched rows do), without reading the file. */
	rematchCustomers(match: MatchOptions): Promise<CustomerCheck>;
	/** Every problem of the last check, as CSV to download. */
	problemsCsv(): Promise<string>;
	/** Creates the new customers and updates the matched ones in database `dbName`, a chunk per transaction. */
	writeCustomers(dbName: string, onProgress?: OnProgress): Promise<CustomerImportOutcome>;
	checkItems(
		file: Blob,
		info: CsvFileInfo,
		mapping: ItemColumnMapping,
		ctx: ItemImportContext,
		onProgress?: OnProgress
	): Promise<ItemCheck>;
	/** Matches customers by card, email or phone from database `dbName`. */
	checkSales(
		file: Blob,
		info: CsvFileInfo,
		mapping: SalesColumnMapping,
		ctx: SalesCheckContext,
		dbName: string,
		onProgress?: OnProgress
	): Promise<SalesCheck>;
	/** Stops the running read or write between two slices or chunks. */
	cancel(): void;
	/** Closes the database connection (tests; a worker is simply terminated). */
	close(): Promise<void>;
}

interface PendingCustomers {
	ctx: ImportContext;
	result: PreparedImport;
	index: MatchIndex;
	/** Matched customers read so far (by id), with their opening balances. */
	existing: Map<string, ExistingCustomer | null>;
	db: ShopDB;
	mapped: Set<CustomerField>;
	headerOf: (kind: MatchKey) => string;
	source: string;
	/** One plan per valid row (undefined for rows matching found a problem in). */
	plans: (RowPlan | undefined)[];
	match: MatchOptions;
}

/**
 * card, email and phone search keys → customer ids, from one key-only scan of the search index
 * per kind (no customer record is read).
 */
async function readMatchIndex(db: ShopDB): Promise<Map<string, string[]>> {
	const index = new Map<string, string[]>();
	for (const prefix of ['c:', 'e:', 'p:']) {
		await db.customers
			.where('k')
			.startsWith(prefix)
			.eachKey((k, cursor) => {
				const key = k as string;
				const id = cursor.primaryKey as string;
				const list = index.get(key);
				if (!list) index.set(key, [id]);
				else if (!list.includes(id)) list.push(id);
			});
	}
	return index;
}

const FIELD_LABELS: Partial<Record<CustomerField, string>> = {
	firstName: 'First name', lastName: 'Last name', email: 'Email', phone: 'Phone', birthDate: 'Date of birth',
	gender: 'Gender', addresses: 'Address', cards: 'Cards', consents: 'Consents', tags: 'Tags', notes: 'Notes',
	storeId: 'Store', registeredAt: 'Registered at'
};

/** Matches the checked rows with `match`, reads the matched customers not read yet, and counts. */
async function classify(p: PendingCustomers, match: MatchOptions): Promise<Omit<CustomerCheck, keyof ShownProblems> & { all: RowProblem[] }> {
	const rows = p.result.valid;
	const named = new Set<string>();
	const nameOfId = (id: string) => {
		named.add(id);
		const e = p.existing.get(id);
		return e ? nameOf(e.draft) : 'a customer';
	};
	let matched = matchRows(rows, p.index, match, nameOfId, p.headerOf);
	const wanted = new Set([...named].filter((id) => !p.existing.has(id)));
	matched.matches.forEach((m) => m?.id && !p.existing.has(m.id) && wanted.add(m.id));
	await readExisting(p, [...wanted]);
	// Matched again when a message named a customer not read before (two customers for one row).
	if ([...named].some((id) => wanted.has(id))) matched = matchRows(rows, p.index, match, nameOfId, p.headerOf);
	const counts = { new: 0, update: 0, unchanged: 0, problems: p.result.invalidRowCount + matched.problemRows };
	const preview: CustomerPreviewRow[] = [];
	p.plans = rows.map((row, i) => {
		const m = matched.matches[i];
		if (!m) return undefined;
		const existing = m.id ? (p.existing.get(m.id) ?? undefined) : undefined;
		const plan = planRow(row, m, existing, p.mapped, match.mode);
		counts[plan.kind]++;
		if (plan.kind !== 'unchanged' && preview.length < PREVIEW_ROWS) {
			const r: CustomerPreviewRow = { ...row, status: plan.kind };
			if (plan.kind === 'update') {
				r.match = { id: plan.id, name: nameOfId(plan.id), by: m.by! };
				r.changes = [
					...Object.keys(plan.changes).filter((f) => f !== 'defaultAddressId').map((f) => FIELD_LABELS[f as CustomerField] ?? f),
					...(plan.opening ? ['Opening balance'] : [])
				];
			}
			preview.push(r);
		}
		return plan;
	});
	p.match = match;
	const all = [...p.result.problems, ...matched.problems].sort((a, b) => a.rowNumber - b.rowNumber);
	return { ready: counts.new + counts.update, counts, preview, invalidRowCount: counts.problems, match, all };
}

async function readExisting(p: PendingCustomers, ids: string[]): Promise<void> {
	const CHUNK = 5000;
	for (let i = 0; i < ids.length; i += CHUNK) {
		const part = ids.slice(i, i + CHUNK);
		const [records, openings] = await Promise.all([p.db.customers.bulkGet(part), p.db.openingBalances.bulkGet(part)]);
		part.forEach((id, j) => {
			const rec = records[j];
			const o = openings[j];
			p.existing.set(id, rec ? { draft: rec, opening: o ? { spend: o.spend, orders: o.orders, points: o.points, lastOrderDate: o.lastOrderDate } : null } : null);
		});
	}
}

/** Thrown (as an AbortError) when cancel() stopped a read. */
function cancelled(): Error {
	return Object.assign(new Error('The import was cancelled'), { name: 'AbortError' });
}

/** `chunk`: rows per write transaction (tests use small ones; the default is the service's). */
export function createImportApi(opts: { channel?: string | null; chunk?: number } = {}): ImportApi {
	let controller = new AbortController();
	let pending: PendingCustomers | null = null;
	let problems: RowProblem[] = [];
	const stores = new Map<string, DocStore>();

	const storeFor = (dbName: string): DocStore => {
		let store = stores.get(dbName);
		if (!store) {
			// Only the customers' projections: the worker writes customers (and their opening balances)
			// and nothing else. An opening balance is queued for the derive stage in the flush, like a
			// sale (a chunk is a big flush: the bulk lane, derived behind the till's own sales). The
			// customers themselves are not queued (yet): 100,000 of them evaluated for automatic
			// groups as they arrive held the customers table in the derive worker's transactions for
			// minutes, and the list and the import waited on it; see issue 8's note.
			store = new DocStore(new ShopDB(dbName), {
				projections: [customersProjection, openingsProjection],
				deriveKinds: ['openings'],
				channel: opts.channel
			});
			stores.set(dbName, store);
		}
		return store;
	};

	/** Keeps every problem for the download and sends the page the first ones. */
	const shown = (all: RowProblem[]): ShownProblems => {
		problems = all;
		return { problems: all.slice(0, PROBLEMS_SHOWN), problemCount: all.length };
	};

	const fresh = () => {
		controller = new AbortController();
		return controller.signal;
	};

	async function check<R>(file: Blob, info: CsvFileInfo, sink: RowSink<R>, onProgress?: OnProgress): Promise<{ result: R; rows: number }> {
		const signal = fresh();
		problems = [];
		let rows = 0;
		const take = (r: CsvRows) => {
			for (let i = 0; i < r.rows.length; i++) {
				if (r.rows[i].some((c) => c.trim() !== '')) rows++;
				sink.add(r.rows[i], r.rowNumbers[i]);
			}
		};
		onProgress?.({ phase: 'checking', done: 0, total: file.size });
		await readRows(file, info, take, {
			stop: () => signal.aborted,
			onBytes: (done, total) => onProgress?.({ phase: 'checking', done, total })
		});
		if (signal.aborted) throw cancelled();
		return { result: sink.result(), rows };
	}

	return {
		async scan(file, noun, onProgress) {
			const signal = fresh();
			onProgress?.({ phase: 'reading', done: 0, total: file.size });
			const result = await scanCsv(file, noun, {
				stop: () => signal.aborted,
				onBytes: (done, total) => onProgress?.({ phase: 'reading', done, total })
			});
			if (signal.aborted) throw cancelled();
			return result;
		},

		async checkCustomers(file, info, mapping, ctx, { dbName, match = DEFAULT_MATCH }, onProgress) {
			pending = null;
			const { result } = await check(file, info, customerImport(info.headers, mapping, ctx), onProgress);
			const db = storeFor(dbName).db;
			const index = await readMatchIndex(db);
			const headerOf = (kind: MatchKey): string => {
				const field = kind === 'card' ? 'cards' : kind;
				const i = mapping.indexOf(field);
				return i === -1 ? field : info.headers[i];
			};
			pending = {
				ctx,
				result,
				index,
				existing: new Map(),
				db,
				mapped: mappedFields(mapping),
				headerOf,
				source: importSource((file as File).name ?? ''),
				plans: [],
				match
			};
			const { all, ...c } = await classify(pending, match);
			return { ...c, ...shown(all) };
		},

		async rematchCustomers(match) {
			if (!pending) throw new Error('Nothing checked to import: check the file first');
			const { all, ...c } = await classify(pending, match);
			return { ...c, ...shown(all) };
		},

		async problemsCsv() {
			return problemsCsv(problems);
		},

		async writeCustomers(dbName, onProgress) {
			if (!pending) throw new Error('Nothing checked to import: check the file first');
			const { ctx, result, plans, mapped, source, match } = pending;
			pending = null;
			const signal = fresh();
			const store = storeFor(dbName);
			const service = new DexieCustomerService(store, {
				validation: () => ({ defaultCountry: ctx.defaultCountry, today: ctx.today, storeIds: ctx.stores.map((s) => s.id) }),
				now: () => new Date().toISOString(),
				// Who imported: the consent history says who recorded each consent the file gave.
				actor: () => ({ by: ctx.recordedBy })
			});
			const created: PreparedRow[] = [];
			const updated: (PreparedRow & { id: string })[] = [];
			result.valid.forEach((row, i) => {
				const plan = plans[i];
				if (plan?.kind === 'new') created.push(row);
				else if (plan?.kind === 'update') updated.push({ ...row, id: plan.id });
			});
			const total = created.length + updated.length;
			try {
				const made = await service.importMany(created, {
					signal,
					chunk: opts.chunk,
					source,
					onProgress: (p) => onProgress?.({ phase: 'writing', done: p.done, total })
				});
				const outcome: CustomerImportOutcome = { ...made, updated: 0, unchanged: 0 };
				if (made.cancelled) return outcome;
				const changed = await service.updateMany(updated, {
					mode: match.mode,
					mapped,
					signal,
					chunk: opts.chunk,
					source,
					onProgress: (p) => onProgress?.({ phase: 'writing', done: created.length + p.done, total })
				});
				outcome.updated = changed.imported;
				outcome.unchanged = changed.unchanged;
				outcome.refused.push(...changed.refused);
				outcome.cancelled = changed.cancelled;
				return outcome;
			} finally {
				// The written documents hold every imported customer: drop them until the next import
				// (-1: also those used in this very millisecond).
				store.evictIdle(-1);
			}
		},

		async checkItems(file, info, mapping, ctx, onProgress) {
			const { result } = await check(file, info, itemImport(info.headers, mapping, ctx), onProgress);
			return { ...result, ...shown(result.problems) };
		},

		async checkSales(file, info, mapping, ctx, dbName, onProgress) {
			const customers = new DexieCustomerService(storeFor(dbName), {
				validation: () => ({ defaultCountry: ctx.defaultCountry, today: '', storeIds: [] }),
				now: () => new Date().toISOString()
			});
			const findCustomer = await customers.matcher();
			// Customers whose history up to a day an opening balance already counts (read here, off the page).
			const until = new Map<string, string>();
			for (const o of await storeFor(dbName).db.openingBalances.toArray()) {
				const importDay = saleDay(o.at, ctx.timeZone);
				if (importDay) until.set(o.customerId, openingDay(o, importDay));
			}
			const coveredUntil = (id: string) => until.get(id) ?? null;
			const { result, rows } = await check(file, info, salesImport(info.headers, mapping, { ...ctx, findCustomer, coveredUntil }), onProgress);
			return { ...result, ...shown(result.problems), rows };
		},

		cancel() {
			controller.abort();
		},

		async close() {
			for (const store of stores.values()) {
				await store.close();
				store.db.close();
			}
			stores.clear();
		}
	};
}
