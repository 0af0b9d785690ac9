// What each import does at each step (ImportSteps for the shared ImportFlow), over the import
// worker: the file is read and checked there, customers are written there too; items and sales
// are written by the page's services (a few thousand rows, each sale needing its statistics).
import { autoMap, type ImportContext, type ImportField } from '$lib/domain/customer-csv';
import { autoMapItems, type ItemImportContext, type ItemImportField } from '$lib/domain/sales/items-csv';
import { autoMapSales, type SalesImportField } from '$lib/domain/sales/sales-csv';
import type { Item, Sale } from '$lib/domain/sales/types';
import type { MatchOptions } from '$lib/domain/customer-match';
import type { CustomerCheck, CustomerImportOutcome, ItemCheck, OnProgress, SalesCheck, SalesCheckContext } from '$lib/imports/api';
import { importWorker, remoteProgress, type ImportWorker } from '$lib/imports/client';
import { ImportFlow, type ImportSteps, type WriteOptions } from './import-flow';

/** Settings and mappings are reactive proxies, which cannot be posted to a worker: send plain copies. */
function plain<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

function common(worker: ImportWorker, noun: string) {
	return {
		scan: (file: File, onProgress: OnProgress) => worker.scan(file, noun, remoteProgress(onProgress)),
		cancelRead: () => void worker.cancel()
	};
}

export type CustomerImportFlow = ImportFlow<ImportField, CustomerCheck, CustomerImportOutcome>;

export function customerImportFlow(worker: ImportWorker, dbName: string, context: () => ImportContext): CustomerImportFlow {
	const steps: ImportSteps<ImportField, CustomerCheck, CustomerImportOutcome> = {
		...common(worker, 'customers'),
		autoMap,
		check: (file, info, mapping, onProgress) =>
			worker.checkCustomers(file, info, plain(mapping), plain(context()), { dbName }, remoteProgress(onProgress)),
		ready: (c) => c.ready,
		write: (_checked, { signal, onProgress }) => {
			signal.addEventListener('abort', () => void worker.cancel());
			return worker.writeCustomers(dbName, remoteProgress(onProgress));
		},
		stopped: (done, cancelled) => ({ imported: done, updated: 0, unchanged: 0, refused: [], cancelled })
	};
	return new ImportFlow(steps);
}

/** The checked customers matched again with other options (the preview's choices). */
export function rematchCustomers(flow: CustomerImportFlow, worker: ImportWorker, match: MatchOptions): Promise<void> {
	return flow.revise(() => worker.rematchCustomers(plain(match)));
}

export interface WriteOutcome {
	imported: number;
	cancelled: boolean;
}

type ImportMany<T> = (rows: T[], opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void }) => Promise<WriteOutcome>;

const writing = (opts: WriteOptions) => ({
	signal: opts.signal,
	onProgress: (p: { done: number; total: number }) => opts.onProgress({ phase: 'writing', ...p })
});

export function itemImportFlow(
	worker: ImportWorker,
	context: () => Promise<ItemImportContext>,
	importMany: ImportMany<Item>
): ImportFlow<ItemImportField, ItemCheck, WriteOutcome> {
	return new ImportFlow<ItemImportField, ItemCheck, WriteOutcome>({
		...common(worker, 'items'),
		autoMap: autoMapItems,
		check: async (file, info, mapping, onProgress) =>
			worker.checkItems(file, info, plain(mapping), await context(), remoteProgress(onProgress)),
		ready: (c) => c.valid.length,
		write: (c, opts) => importMany(c.valid.map((v) => v.item), writing(opts)),
		stopped: (done, cancelled) => ({ imported: done, cancelled })
	});
}

export interface CheckedSales {
	prepared: SalesCheck;
	/** customerId → name for the sales the preview lists. */
	names: Record<string, string>;
}

export interface SalesOutcome extends WriteOutcome {
	/** Receipts another tablet synced between the preview and the import: not written twice. */
	arrivedMeanwhile: number;
	withoutCustomer: number;
}

export interface SalesImportDeps {
	dbName: string;
	/** Plain values only (maps and sets are fine): it is posted to the worker. */
	context: () => Promise<SalesCheckContext>;
	/** Names of the customers matched by the first sales (the preview lists them). */
	customerNames: (sales: Sale[]) => Promise<Record<string, string>>;
	receiptNumbers: () => Promise<Set<string>>;
	importMany: ImportMany<Sale>;
}

export function salesImportFlow(worker: ImportWorker, deps: SalesImportDeps): ImportFlow<SalesImportField, CheckedSales, SalesOutcome> {
	return new ImportFlow<SalesImportField, CheckedSales, SalesOutcome>({
		...common(worker, 'sale lines'),
		autoMap: autoMapSales,
		check: async (file, info, mapping, onProgress) => {
			const ctx = await deps.context();
			const prepared = await worker.checkSales(file, info, plain(mapping), ctx, deps.dbName, remoteProgress(onProgress));
			return { prepared, names: await deps.customerNames(prepared.sales) };
		},
		ready: (c) => c.prepared.sales.length,
		write: async ({ prepared }, opts) => {
			// Another tablet may have synced some of these receipts since the preview: never write one twice.
			const existing = await deps.receiptNumbers();
			const sales = prepared.sales.filter((s) => !existing.has(s.receiptNo));
			const unmatched = new Set(prepared.unmatched.map((u) => u.receiptNo));
			const outcome = await deps.importMany(sales, writing(opts));
			return {
				...outcome,
				arrivedMeanwhile: prepared.sales.length - sales.length,
				withoutCustomer: sales.filter((s) => unmatched.has(s.receiptNo)).length
			};
		},
		stopped: (done, cancelled) => ({ imported: done, cancelled, arrivedMeanwhile: 0, withoutCustomer: 0 })
	});
}

export type CustomerCsvResult =
	| { ok: false; message: string }
	| {
			ok: true;
			/** Non-empty rows after the header. */
			rows: number;
			ready: number;
			invalidRowCount: number;
			outcome: CustomerImportOutcome;
			/** What the check found: new, to update, unchanged, problems. */
			counts: CustomerCheck['counts'];
			/** Milliseconds per phase, for the benchmark. */
			ms: { read: number; check: number; write: number };
	  };

/** The shop's imports without the wizard: for the console, the benchmarks and the tests. */
export class ShopImports {
	#shop: ShopLike;

	constructor(shop: ShopLike) {
		this.#shop = shop;
	}

	/** What the customer check needs from the settings, as plain values the worker can receive. */
	customerContext(): ImportContext {
		const { settings, today, device } = this.#shop;
		return plain({
			defaultCountry: settings.defaultCountry,
			today,
			now: new Date().toISOString(),
			stores: settings.stores,
			recordedBy: device.name,
			currency: settings.currency
		});
	}

	/**
	 * Reads, checks and writes a customer CSV like the wizard does (columns auto-mapped), all in
	 * the import worker. A cancel (signal) stops between two slices or chunks.
	 */
	async importCustomersCsv(
		file: File,
		opts: { onProgress?: OnProgress; signal?: AbortSignal } = {}
	): Promise<CustomerCsvResult> {
		const worker = importWorker();
		const onProgress = remoteProgress((p) => opts.onProgress?.(p));
		const cancel = () => void worker.cancel();
		opts.signal?.addEventListener('abort', cancel);
		try {
			let t = performance.now();
			const scan = await worker.scan(file, 'customers', onProgress);
			if (!scan.ok) return { ok: false, message: scan.message };
			const read = performance.now() - t;
			t = performance.now();
			const check = await worker.checkCustomers(
				file,
				scan.info,
				autoMap(scan.info.headers),
				this.customerContext(),
				{ dbName: this.#shop.db.name },
				onProgress
			);
			const checkMs = performance.now() - t;
			t = performance.now();
			const outcome = await worker.writeCustomers(this.#shop.db.name, onProgress);
			return {
				ok: true,
				rows: scan.info.rowCount,
				ready: check.ready,
				invalidRowCount: check.invalidRowCount,
				counts: check.counts,
				outcome,
				ms: { read, check: checkMs, write: performance.now() - t }
			};
		} finally {
			opts.signal?.removeEventListener('abort', cancel);
		}
	}
}

/** What ShopImports reads of the shop (ShopState; a type of its own to keep the import one way). */
export interface ShopLike {
	settings: { defaultCountry: string; currency: string; stores: { id: string; name: string }[] };
	today: string;
	device: { name: string };
	db: { name: string };
}
