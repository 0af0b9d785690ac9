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
	type RowProblem
} from '$lib/domain/customer-csv';
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
import { customersProjection } from '$lib/customers/projection';
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

/** The customer check as the page sees it: counts, the first problems and the first rows. */
export interface CustomerCheck extends ShownProblems {
	ready: number;
	preview: PreparedImport['valid'];
	invalidRowCount: number;
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
export type SalesCheckContext = Omit<SalesImportContext, 'findCustomer' | 'newId'>;

export interface ImportApi {
	/** Is it a CSV file we can import? Encoding, format, headers, row count, examples. */
	scan(file: Blob, noun: string, onProgress?: OnProgress): Promise<ScanResult>;
	/** Checks every row; the valid ones wait in the worker for writeCustomers. */
	checkCustomers(
		file: Blob,
		info: CsvFileInfo,
		mapping: ColumnMapping,
		ctx: ImportContext,
		onProgress?: OnProgress
	): Promise<CustomerCheck>;
	/** Every problem of the last check, as CSV to download. */
	problemsCsv(): Promise<string>;
	/** Writes the checked customers into database `dbName`, a chunk per transaction. */
	writeCustomers(dbName: string, onProgress?: OnProgress): Promise<ImportOutcome>;
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

/** Thrown (as an AbortError) when cancel() stopped a read. */
function cancelled(): Error {
	return Object.assign(new Error('The import was cancelled'), { name: 'AbortError' });
}

/** `chunk`: rows per write transaction (tests use small ones; the default is the service's). */
export function createImportApi(opts: { channel?: string | null; chunk?: number } = {}): ImportApi {
	let controller = new AbortController();
	let pending: { ctx: ImportContext; rows: PreparedImport['valid'] } | null = null;
	let problems: RowProblem[] = [];
	const stores = new Map<string, DocStore>();

	const storeFor = (dbName: string): DocStore => {
		let store = stores.get(dbName);
		if (!store) {
			// Only the customers projection: the worker writes customers and nothing else.
			store = new DocStore(new ShopDB(dbName), { projections: [customersProjection], channel: opts.channel });
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

		async checkCustomers(file, info, mapping, ctx, onProgress) {
			pending = null;
			const { result } = await check(file, info, customerImport(info.headers, mapping, ctx), onProgress);
			pending = { ctx, rows: result.valid };
			return {
				ready: result.valid.length,
				preview: result.valid.slice(0, PREVIEW_ROWS),
				...shown(result.problems),
				invalidRowCount: result.invalidRowCount
			};
		},

		async problemsCsv() {
			return problemsCsv(problems);
		},

		async writeCustomers(dbName, onProgress) {
			if (!pending) throw new Error('Nothing checked to import: check the file first');
			const { ctx, rows } = pending;
			pending = null;
			const signal = fresh();
			const store = storeFor(dbName);
			const service = new DexieCustomerService(store, {
				validation: () => ({ defaultCountry: ctx.defaultCountry, today: ctx.today, storeIds: ctx.stores.map((s) => s.id) }),
				now: () => new Date().toISOString()
			});
			try {
				return await service.importMany(rows, {
					signal,
					chunk: opts.chunk,
					onProgress: (p) => onProgress?.({ phase: 'writing', done: p.done, total: p.total })
				});
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
			const { result, rows } = await check(file, info, salesImport(info.headers, mapping, { ...ctx, findCustomer }), onProgress);
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
