// Sales, items and loyalty points: every write goes through the DocStore (validate → one Yjs
// transaction → persisted + projected in one IndexedDB transaction), like customers.
import type { DocStore } from '$lib/store/docstore';
import { ITEMS_DOC, POINTS_DOC, salesDocName, unshardedSalesDocName } from '$lib/store/docnames';
import { adjustmentsMap, itemsMap, salesMap, trackSale, writeSale } from '$lib/sales/yjs';
import type { Item, PointAdjustment, Sale } from '$lib/domain/sales/types';
import type { CustomerStats } from '$lib/domain/sales/stats';
import { InvalidWriteError, type FieldError } from '$lib/domain/errors';
import { validateItem } from '$lib/domain/sales/items';
import { validateSale } from '$lib/domain/sales/totals';
import { fold } from '$lib/domain/text';
import { newId } from '$lib/domain/ids';
import type { ItemService, SaleResult, SalesService } from './api';
import { deviceCode, parseReceiptNumber, receiptNumber, storeCode } from '$lib/domain/sales/receipt';

export interface SalesContext {
	now(): string;
	today(): string;
	timeZone(): string;
	/** Who is recording (device name or cashier). */
	by(): string;
	/** Where receipt numbers are issued: the store's id and this installation's random id. */
	receiptIssuer(): { storeId: string; installId: string };
	/**
	 * Resolves when statistics include every change flushed so far (they are derived after the
	 * flush, by the derive worker): a balance check must not read one that lags a sale.
	 */
	settled?(): Promise<void>;
}

const RECEIPT_SEQ_KEY = 'sales.receiptSeq';

export class DexieSalesService implements SalesService {
	#store: DocStore;
	#ctx: SalesContext;

	constructor(store: DocStore, ctx: SalesContext) {
		this.#store = store;
		this.#ctx = ctx;
	}

	get #db() {
		return this.#store.db;
	}

	async nextReceiptNo(): Promise<string> {
		const seq = (((await this.#db.kv.get(RECEIPT_SEQ_KEY))?.value as number) ?? 0) + 1;
		const { storeId, installId } = this.#ctx.receiptIssuer();
		return receiptNumber(storeCode(storeId), deviceCode(installId), seq);
	}

	async record(sale: Sale): Promise<SaleResult> {
		const errors = validateSale(sale);
		const existing = await this.#db.sales.where('receiptNo').equals(sale.receiptNo).first();
		if (existing && existing.id !== sale.id) {
			errors.push({ field: 'receiptNo', code: 'receipt-duplicate', params: { receiptNo: sale.receiptNo } });
		}
		if (sale.customerId && sale.pointsRedeemed > 0) {
			const balance = (await this.settledStats(sale.customerId))?.pointsBalance ?? 0;
			if (sale.pointsRedeemed > balance) {
				errors.push({ field: 'points', code: 'points-exceed-balance', params: { available: String(Math.max(0, balance)) } });
			}
		}
		if (errors.length) return { ok: false, errors };
		const name = salesDocName(sale);
		await this.#store.transact([name], (docs) => writeSale(salesMap(docs.get(name)!), sale));
		await this.#bumpReceiptSeq(sale.receiptNo);
		return { ok: true, sale };
	}

	async #bumpReceiptSeq(receiptNo: string): Promise<void> {
		const seq = parseReceiptNumber(receiptNo)?.seq;
		if (seq === undefined) return;
		await this.#db.transaction('rw', this.#db.kv, async () => {
			const current = ((await this.#db.kv.get(RECEIPT_SEQ_KEY))?.value as number) ?? 0;
			// put(): one counter, never lowered.
			if (seq > current) await this.#db.kv.put({ key: RECEIPT_SEQ_KEY, value: seq });
		});
	}

	/** Historical sales from another till: written by month, in chunks; a cancel stops between chunks. */
	async importMany(
		sales: Sale[],
		opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {}
	): Promise<{ imported: number; cancelled: boolean }> {
		// Already checked row by row by the import: an invalid sale here is a bug, and nothing is written.
		for (const sale of sales) {
			const errors = validateSale(sale);
			if (errors.length) throw new InvalidWriteError(`Receipt ${sale.receiptNo}`, errors);
		}
		const CHUNK = 2000;
		let imported = 0;
		opts.onProgress?.({ done: 0, total: sales.length });
		for (let i = 0; i < sales.length; i += CHUNK) {
			if (opts.signal?.aborted) return { imported, cancelled: true };
			const chunk = sales.slice(i, i + CHUNK);
			const byDoc = new Map<string, Sale[]>();
			for (const sale of chunk) {
				const name = salesDocName(sale);
				(byDoc.get(name) ?? byDoc.set(name, []).get(name)!).push(sale);
			}
			await this.#store.transact([...byDoc.keys()], (docs) => {
				for (const [name, list] of byDoc) for (const sale of list) writeSale(salesMap(docs.get(name)!), sale);
			});
			imported += chunk.length;
			opts.onProgress?.({ done: imported, total: sales.length });
			await new Promise((r) => setTimeout(r, 0));
		}
		return { imported, cancelled: false };
	}

	/** Every receipt number on this tablet (an import must not bring one in twice). */
	async receiptNumbers(): Promise<Set<string>> {
		return new Set((await this.#db.sales.orderBy('receiptNo').uniqueKeys()) as string[]);
	}

	get(id: string): Promise<Sale | undefined> {
		return this.#db.sales.get(id);
	}

	byReceiptNo(receiptNo: string): Promise<Sale | undefined> {
		return this.#db.sales.where('receiptNo').equals(receiptNo.trim().toUpperCase()).first();
	}

	recent(limit = 50): Promise<Sale[]> {
		return this.#db.sales.orderBy('at').reverse().limit(limit).toArray();
	}

	async ofCustomer(customerId: string): Promise<Sale[]> {
		const sales = await this.#db.sales.where('customerId').equals(customerId).toArray();
		return sales.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
	}

	refundsOf(saleId: string): Promise<Sale[]> {
		return this.#db.sales.where('refundOf').equals(saleId).toArray();
	}

	async track(saleId: string, customerId: string): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
		const sale = await this.get(saleId);
		if (!sale) return { ok: false, errors: [{ field: 'sale', code: 'sale-not-found' }] };
		if (sale.customerId) return { ok: false, errors: [{ field: 'customerId', code: 'sale-already-tracked' }] };
		if (!(await this.#db.customers.get(customerId))) {
			return { ok: false, errors: [{ field: 'customerId', code: 'customer-gone' }] };
		}
		// The sale's own document: its shard, or its month's one document from before sharding.
		const names = [salesDocName(sale), unshardedSalesDocName(sale.at)];
		let done = false;
		await this.#store.transact(names, (docs) => {
			const name = names.find((n) => salesMap(docs.get(n)!).has(saleId));
			if (name) done = trackSale(salesMap(docs.get(name)!), saleId, { customerId, at: this.#ctx.now(), by: this.#ctx.by() });
		});
		return done ? { ok: true } : { ok: false, errors: [{ field: 'customerId', code: 'sale-already-tracked' }] };
	}

	async adjustPoints(customerId: string, points: number, reason: string): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
		const errors: FieldError[] = [];
		if (!Number.isInteger(points) || points === 0) errors.push({ field: 'points', code: 'points-invalid' });
		if (!reason.trim()) errors.push({ field: 'reason', code: 'reason-required' });
		if (!(await this.#db.customers.get(customerId))) errors.push({ field: 'customerId', code: 'customer-gone' });
		if (errors.length) return { ok: false, errors };
		const adj: PointAdjustment = { id: newId(), customerId, points, reason: reason.trim(), at: this.#ctx.now(), by: this.#ctx.by() };
		await this.#store.transact([POINTS_DOC], (docs) => adjustmentsMap(docs.get(POINTS_DOC)!).set(adj.id, adj));
		return { ok: true };
	}

	async adjustmentsOf(customerId: string): Promise<PointAdjustment[]> {
		const rows = await this.#db.adjustments.where('customerId').equals(customerId).toArray();
		return rows.sort((a, b) => (a.at < b.at ? 1 : -1));
	}

	/** As derived so far (a live view updates when the derive worker writes them). */
	stats(customerId: string): Promise<CustomerStats | undefined> {
		return this.#db.customerStats.get(customerId);
	}

	/** The customer's statistics once every change flushed so far is counted in them. */
	async settledStats(customerId: string): Promise<CustomerStats | undefined> {
		await this.#ctx.settled?.();
		return this.#db.customerStats.get(customerId);
	}
}

export class DexieItemService implements ItemService {
	#store: DocStore;

	constructor(store: DocStore) {
		this.#store = store;
	}

	get #db() {
		return this.#store.db;
	}

	get(id: string): Promise<Item | undefined> {
		return this.#db.items.get(id);
	}

	async search(query: string, limit = 30): Promise<Item[]> {
		const q = fold(query);
		if (!q) return [];
		const words = q.split(' ');
		const [first, ...rest] = words;
		const candidates = await Promise.all([
			this.#db.items.where('k').startsWith('w:' + first).limit(500).toArray(),
			this.#db.items.where('k').startsWith('s:' + query.trim().toLowerCase()).limit(limit).toArray(),
			this.#db.items.where('k').startsWith('b:' + query.trim().toLowerCase()).limit(limit).toArray()
		]);
		const seen = new Set<string>();
		const out: Item[] = [];
		for (const item of candidates.flat()) {
			if (seen.has(item.id)) continue;
			seen.add(item.id);
			// Every further word must prefix some word of the item too: "blue mug" finds "Mug, blue".
			if (rest.length && !rest.every((w) => item.k.some((k) => k.startsWith('w:' + w)))) continue;
			out.push(item);
			if (out.length === limit) break;
		}
		return out;
	}

	async findByCode(code: string): Promise<Item | undefined> {
		const c = code.trim().toLowerCase();
		if (!c) return undefined;
		return (
			(await this.#db.items.where('k').equals('b:' + c).first()) ?? (await this.#db.items.where('k').equals('s:' + c).first())
		);
	}

	all(): Promise<Item[]> {
		return this.#db.items.orderBy('sku').toArray();
	}

	async save(draft: Item): Promise<{ ok: true; id: string } | { ok: false; errors: FieldError[] }> {
		const { item, errors } = validateItem(draft);
		const clash = item.sku && (await this.#db.items.where('sku').equals(item.sku).first());
		if (clash && clash.id !== item.id) {
			errors.push({ field: 'sku', code: 'sku-duplicate', params: { sku: item.sku, ownerName: clash.name } });
		}
		const holder = item.barcode && (await this.findByCode(item.barcode));
		if (holder && holder.id !== item.id && holder.barcode.toLowerCase() === item.barcode.toLowerCase()) {
			errors.push({ field: 'barcode', code: 'barcode-duplicate', params: { barcode: item.barcode, ownerName: holder.name } });
		}
		if (errors.length) return { ok: false, errors };
		await this.#store.transact([ITEMS_DOC], (docs) => itemsMap(docs.get(ITEMS_DOC)!).set(item.id, item));
		return { ok: true, id: item.id };
	}

	async importMany(
		items: Item[],
		opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {}
	): Promise<{ imported: number; cancelled: boolean }> {
		// The import checked every row already: an invalid one here is a bug, and nothing is written.
		const checked = items.map((draft) => validateItem(draft));
		const bad = checked.find((c) => c.errors.length);
		if (bad) throw new InvalidWriteError(`Item ${bad.item.sku || bad.item.id}`, bad.errors);
		items = checked.map((c) => c.item);
		let imported = 0;
		const CHUNK = 1000;
		for (let i = 0; i < items.length; i += CHUNK) {
			if (opts.signal?.aborted) return { imported, cancelled: true };
			const chunk = items.slice(i, i + CHUNK);
			await this.#store.transact([ITEMS_DOC], (docs) => {
				const map = itemsMap(docs.get(ITEMS_DOC)!);
				for (const item of chunk) map.set(item.id, item);
			});
			imported += chunk.length;
			opts.onProgress?.({ done: imported, total: items.length });
		}
		return { imported, cancelled: false };
	}
}
