// Projections of the sales side: items, sales (with "track a sale") and point adjustments, copied
// from their documents into tables. The per-customer statistics over them are derived after the
// flush by the derive worker (src/lib/derive), from the ids these projections report.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { ItemRecord, ShopDB } from '$lib/store/schema';
import { ITEMS_DOC, POINTS_DOC } from '$lib/store/docnames';
import { adjustmentsMap, itemsMap, readSale, saleIdOfKey, salesMap } from '$lib/sales/yjs';
import type { Item, PointAdjustment, Sale } from '$lib/domain/sales/types';
import { fold } from '$lib/domain/text';
import { redirectCustomers } from '$lib/customers/merges';

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

export const salesProjection: Projection = {
	kind: 'sales',
	tables: ['sales', 'merges'],
	matches: (name) => name.startsWith('sales-'),
	observe(doc, dirty) {
		salesMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(saleIdOfKey(key), event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = salesMap(doc);
		const read = [...ids].map((id) => readSale(map, id)).filter((s): s is Sale => !!s);
		// A sale of a customer merged away (perhaps rung up offline before the merge) counts for the survivor.
		const rows = await redirectCustomers(db, read);
		// put(): the row is the sale as replicated, plus the customer it was tracked to (or its survivor).
		if (rows.length) await db.sales.bulkPut(rows);
	}
};

export const pointsProjection: Projection = {
	kind: 'points',
	tables: ['adjustments', 'merges'],
	matches: (name) => name === POINTS_DOC,
	observe(doc, dirty) {
		adjustmentsMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(key, event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = adjustmentsMap(doc);
		const read = [...ids].map((id) => map.get(id)).filter((a): a is PointAdjustment => !!a);
		const rows = await redirectCustomers(db, read);
		// put(): adjustments are immutable; re-putting the same one is a no-op in effect (the
		// customer of a merged-away one is its survivor).
		if (rows.length) await db.adjustments.bulkPut(rows);
	}
};
