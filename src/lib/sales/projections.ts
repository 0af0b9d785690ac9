// Projections of the sales side: items, sales (with "track a sale"), point adjustments, and the
// per-customer statistics derived from them. Statistics are recomputed from scratch for every
// customer a flush touched, once per flush, from the sales and adjustments tables: the result
// cannot depend on the order in which tablets' sales arrived, and a sale re-sent by an offline
// tablet is the same row (keyed by its id), so it is never counted twice.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { ItemRecord, ShopDB } from '$lib/store/schema';
import { ITEMS_DOC, POINTS_DOC } from '$lib/store/docnames';
import { adjustmentsMap, itemsMap, readSale, saleIdOfKey, salesMap } from '$lib/sales/yjs';
import type { Item } from '$lib/domain/sales/types';
import { computeStats } from '$lib/domain/sales/stats';
import { fold } from '$lib/domain/text';

export interface StatsContext {
	today(): string;
	timeZone(): string;
}

export function itemKeys(item: Item): string[] {
	const words = fold([item.name, item.brand, item.variant, item.category].join(' ')).split(' ').filter(Boolean);
	const keys = new Set<string>(words.map((w) => 'w:' + w));
	keys.add('n:' + fold(item.name));
	if (item.sku) keys.add('s:' + item.sku.toLowerCase());
	if (item.barcode) keys.add('b:' + item.barcode.toLowerCase());
	return [...keys];
}

export const itemsProjection: Projection = {
	kind: 'items',
	tables: ['items'],
	matches: (name) => name === ITEMS_DOC,
	observe(doc, dirty) {
		itemsMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(key, event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = itemsMap(doc);
		const puts: ItemRecord[] = [];
		const deletes: string[] = [];
		for (const id of ids) {
			const item = map.get(id);
			if (item) puts.push({ ...item, k: itemKeys(item) });
			else deletes.push(id);
		}
		// put(): an item row is replaced whole from its replicated value.
		if (puts.length) await db.items.bulkPut(puts);
		if (deletes.length) await db.items.bulkDelete(deletes);
	}
};

/** Customers whose statistics must be recomputed at the end of the flush. */
class StatsDeriver {
	#pending = new Set<string>();
	constructor(private ctx: StatsContext) {}

	touch(customerId: string | null | undefined): void {
		if (customerId) this.#pending.add(customerId);
	}

	async flush(db: ShopDB): Promise<string[]> {
		const ids = [...this.#pending];
		this.#pending.clear();
		await recomputeStats(db, ids, this.ctx.today(), this.ctx.timeZone());
		return ids;
	}
}

export async function recomputeStats(db: ShopDB, customerIds: string[], today: string, timeZone: string): Promise<void> {
	if (customerIds.length === 0) return;
	// One equals() query per customer, all in flight at once: anyOf() walks a cursor key by key,
	// which at thousands of customers per flush was most of the time of an import of sales.
	const [sales, adjustments] = await Promise.all([
		Promise.all(customerIds.map((id) => db.sales.where('customerId').equals(id).toArray())),
		Promise.all(customerIds.map((id) => db.adjustments.where('customerId').equals(id).toArray()))
	]);
	const stats = customerIds.map((id, i) => computeStats(id, sales[i], adjustments[i], today, timeZone));
	// put(): statistics are derived, replaced whole.
	await db.customerStats.bulkPut(stats);
}

export function createSalesProjections(ctx: StatsContext): Projection[] {
	const deriver = new StatsDeriver(ctx);
	const tables = ['sales', 'adjustments', 'customerStats'];
	const sales: Projection = {
		kind: 'sales',
		tables,
		matches: (name) => name.startsWith('sales-'),
		observe(doc, dirty) {
			salesMap(doc).observe((event) => {
				for (const key of event.keysChanged) dirty(saleIdOfKey(key), event.transaction.origin);
			});
		},
		async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
			const map = salesMap(doc);
			const rows = [...ids].map((id) => readSale(map, id)).filter((s) => !!s);
			const before = await db.sales.bulkGet(rows.map((s) => s!.id));
			for (const b of before) deriver.touch(b?.customerId);
			for (const s of rows) deriver.touch(s!.customerId);
			// put(): the row is the sale as replicated, plus the customer it was tracked to.
			if (rows.length) await db.sales.bulkPut(rows as NonNullable<(typeof rows)[number]>[]);
		},
		finish: (db) => deriver.flush(db)
	};
	const points: Projection = {
		kind: 'points',
		tables,
		matches: (name) => name === POINTS_DOC,
		observe(doc, dirty) {
			adjustmentsMap(doc).observe((event) => {
				for (const key of event.keysChanged) dirty(key, event.transaction.origin);
			});
		},
		async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
			const map = adjustmentsMap(doc);
			const rows = [...ids].map((id) => map.get(id)).filter((a) => !!a);
			for (const a of rows) deriver.touch(a!.customerId);
			// put(): adjustments are immutable; re-putting the same one is a no-op in effect.
			if (rows.length) await db.adjustments.bulkPut(rows as NonNullable<(typeof rows)[number]>[]);
		},
		finish: (db) => deriver.flush(db)
	};
	return [sales, points, itemsProjection];
}
