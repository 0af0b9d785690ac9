// The contract between the UI and the sales data layer (items, sales, loyalty points, statistics).
import type { Item, PointAdjustment, Sale } from '$lib/domain/sales/types';
import type { CustomerStats } from '$lib/domain/sales/stats';
import type { FieldError } from '$lib/domain/errors';

export type SaleResult = { ok: true; sale: Sale } | { ok: false; errors: FieldError[] };

export interface ItemService {
	get(id: string): Promise<Item | undefined>;
	/** By name/brand word prefix, SKU or barcode, as the cashier types. */
	search(query: string, limit?: number): Promise<Item[]>;
	/** Exact barcode or SKU (a scanner's input). */
	findByCode(code: string): Promise<Item | undefined>;
	all(): Promise<Item[]>;
	/** Validates (validateItem; SKU and barcode not taken by another item) and writes the validated item. */
	save(item: Item): Promise<{ ok: true; id: string } | { ok: false; errors: FieldError[] }>;
	/** Items the import already checked; one that does not validate throws InvalidWriteError and nothing is written. */
	importMany(items: Item[], opts?: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void }): Promise<{ imported: number; cancelled: boolean }>;
}

export interface SalesService {
	/**
	 * Writes a finalised sale: durably (IndexedDB strict durability), once (keyed by its random id),
	 * with a receipt number unique across tablets and stores (store code + device code + sequence),
	 * after validateSale (lines, totals) and the balance check for points redeemed.
	 */
	record(sale: Sale): Promise<SaleResult>;
	/**
	 * Historical sales (already checked by domain/sales/sales-csv.ts), written in chunks; a sale
	 * whose totals do not add up (validateSale) throws InvalidWriteError and nothing is written.
	 */
	importMany(
		sales: Sale[],
		opts?: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void }
	): Promise<{ imported: number; cancelled: boolean }>;
	receiptNumbers(): Promise<Set<string>>;
	/** The next receipt number of this tablet (consumed only when a sale is recorded). */
	nextReceiptNo(): Promise<string>;
	get(id: string): Promise<Sale | undefined>;
	byReceiptNo(receiptNo: string): Promise<Sale | undefined>;
	/** Newest first. */
	recent(limit?: number): Promise<Sale[]>;
	/** A customer's sales, newest first. */
	ofCustomer(customerId: string): Promise<Sale[]>;
	/** Refunds already made against a sale. */
	refundsOf(saleId: string): Promise<Sale[]>;
	/** "Track a sale": attach a customer to a finalised sale that had none. Set once. */
	track(saleId: string, customerId: string): Promise<{ ok: true } | { ok: false; errors: FieldError[] }>;
	adjustPoints(customerId: string, points: number, reason: string): Promise<{ ok: true } | { ok: false; errors: FieldError[] }>;
	adjustmentsOf(customerId: string): Promise<PointAdjustment[]>;
	/**
	 * Derived on this tablet from every sale and adjustment it holds, by the derive worker after
	 * each flush: as derived so far (for live views, which update when it writes them).
	 */
	stats(customerId: string): Promise<CustomerStats | undefined>;
	/** The same, once every change flushed so far is counted (balance checks). */
	settledStats(customerId: string): Promise<CustomerStats | undefined>;
}
