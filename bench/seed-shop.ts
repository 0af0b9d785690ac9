// Seeds a relay's LevelDB with the demo shop's replicated documents, built in Node with the app's
// own code: what tablet A would have sent after `shopCrm.loadDemoShop(N)`, without A spending half an
// hour pushing ~400,000 sales through its DocStore and the relay's per-device rate limit.
//
// The shop itself (its record, the first device and its token, the settings document, the index)
// is made by a real tablet beforehand (`createShop`); this adds, with the relay stopped:
//   - customers-<b>: generateCustomers(DEMO_SEED, …) written with writeNewCustomer under fresh
//     random ids (newId), bucketed by customerDocName: as CustomerService.importMany does;
//   - items: generateItems(DEMO_SEED) through validateItem, one key per item: as ItemService.importMany;
//   - sales-YYYY-MM: demoShopSales(…) over the customers sorted by id, each through validateSale and
//     writeSale into salesDocName(sale): as loadDemoShop and SalesService.importMany;
//   - index: a head slot '<doc>/<deviceId of tablet A>' for each of those documents, as A's sync
//     engine writes once the relay confirmed the document (SyncEngine #announce);
//   - docsize/<shopId>/<doc> metadata, as the relay's StorageUsage records after storing.
// Each document is stored as one entry (its whole state as one Yjs update), which is what the
// relay's own compaction leaves after 500 appended updates; the values and keys are those of the
// chunked writes the UI path makes, only grouped into fewer Yjs transactions.
import * as Y from 'yjs';
import { join } from 'node:path';
import { LevelStorage } from '../sync-server/src/storage/level';
import { DEMO_SEED, generateCustomers } from '../src/lib/domain/demo';
import { newId } from '../src/lib/domain/ids';
import type { Store } from '../src/lib/domain/settings';
import { demoShopSales, generateItems } from '../src/lib/domain/sales/demo-sales';
import { validateItem } from '../src/lib/domain/sales/items';
import { validateSale } from '../src/lib/domain/sales/totals';
import type { Sale } from '../src/lib/domain/sales/types';
import { customerDocName, ITEMS_DOC, salesDocName } from '../src/lib/store/docnames';
import { customersMap, writeNewCustomer } from '../src/lib/customers/yjs';
import { itemsMap, salesMap, writeSale } from '../src/lib/sales/yjs';
import { INDEX_DOC } from '../src/lib/sync/engine';

/** The relay's default cap on one document's stored bytes (sync-server/src/server.ts maxDocBytes). */
export const DEFAULT_MAX_DOC_BYTES = 16 * 1024 * 1024;

export interface SeededShop {
	customers: number;
	sales: number;
	items: number;
	/** Customers with at least one sale: the customerStats rows a tablet derives. */
	withSales: number;
	docs: number;
	bytes: number;
	largestDoc: { name: string; bytes: number };
	/** Documents a relay with the default limits would refuse (from a tablet as from here). */
	overDefaultDocLimit: string[];
}

/**
 * Writes the demo shop of `count` customers into the relay storage under `dataDir` (the relay must
 * be stopped: LevelDB allows one process). `deviceId`/`deviceName` are tablet A's, whose shop it is.
 */
export async function seedDemoShop(
	dataDir: string,
	shop: { shopId: string; deviceId: string; deviceName: string; stores: Store[] },
	count: number,
	opts: { salesPerCustomer?: number; maxDocBytes?: number } = {}
): Promise<SeededShop> {
	const salesPerCustomer = opts.salesPerCustomer ?? 4;
	const maxDocBytes = opts.maxDocBytes ?? DEFAULT_MAX_DOC_BYTES;
	const storage = await LevelStorage.open(join(dataDir, 'relay.leveldb'));
	try {
		const key = (doc: string) => `${shop.shopId}/${doc}`;
		const written: { name: string; bytes: number }[] = [];
		const store = async (name: string, doc: Y.Doc) => {
			const update = Y.encodeStateAsUpdate(doc);
			// The relay would refuse such a document from a tablet too: say so instead of seeding it.
			if (update.length > maxDocBytes) throw new Error(`seeded ${name} is ${update.length} bytes, over the relay's limit of ${maxDocBytes}`);
			await storage.appendUpdate(key(name), update);
			await storage.putMeta(`docsize/${key(name)}`, { bytes: update.length });
			written.push({ name, bytes: update.length });
			doc.destroy();
		};

		// Customers, as loadDemoShop → CustomerService.importMany.
		const now = new Date().toISOString();
		const drafts = generateCustomers({ seed: DEMO_SEED, count, now, stores: shop.stores, recordedBy: shop.deviceName });
		// importMany refuses a row whose card is taken; the demo's cards are unique, so none is.
		const cards = new Set<string>();
		for (const d of drafts) for (const c of d.cards) {
			if (cards.has(c.toLowerCase())) throw new Error(`demo card ${c} twice: importMany would refuse a row`);
			cards.add(c.toLowerCase());
		}
		const buckets = new Map<string, Y.Doc>();
		const customers: { id: string; registeredAt: string; storeId?: string }[] = [];
		for (const draft of drafts) {
			const id = newId();
			const name = customerDocName(id);
			let doc = buckets.get(name);
			if (!doc) buckets.set(name, (doc = new Y.Doc({ gc: true })));
			writeNewCustomer(customersMap(doc), id, draft, now);
			customers.push({ id, registeredAt: draft.registeredAt, storeId: draft.storeId });
		}
		for (const [name, doc] of buckets) await store(name, doc);

		// Items, as ItemService.importMany.
		const items = generateItems(DEMO_SEED).map((draft) => {
			const { item, errors } = validateItem(draft);
			if (errors.length) throw new Error(`demo item ${item.sku}: ${JSON.stringify(errors)}`);
			return item;
		});
		const itemsDoc = new Y.Doc({ gc: true });
		const imap = itemsMap(itemsDoc);
		for (const item of items) imap.set(item.id, item);
		await store(ITEMS_DOC, itemsDoc);

		// Sales, as loadDemoShop (customers read back from the table, i.e. sorted by id) → SalesService.importMany.
		customers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
		const sales = salesPerCustomer > 0 ? demoShopSales({ seed: DEMO_SEED, customers, items, stores: shop.stores, now: new Date(), salesPerCustomer }) : [];
		const byMonth = new Map<string, Sale[]>();
		const withSales = new Set<string>();
		for (const sale of sales) {
			const errors = validateSale(sale);
			if (errors.length) throw new Error(`demo receipt ${sale.receiptNo}: ${JSON.stringify(errors)}`);
			const name = salesDocName(sale);
			(byMonth.get(name) ?? byMonth.set(name, []).get(name)!).push(sale);
			if (sale.customerId) withSales.add(sale.customerId);
		}
		for (const [name, list] of byMonth) {
			const doc = new Y.Doc({ gc: true });
			const map = salesMap(doc);
			doc.transact(() => {
				for (const sale of list) writeSale(map, sale);
			});
			await store(name, doc);
		}

		// The heads tablet A would have announced, appended to the index it already stored.
		const index = new Y.Doc({ gc: true });
		const stored = await storage.readUpdates(key(INDEX_DOC));
		for (const u of stored) Y.applyUpdate(index, u);
		const before = Y.encodeStateVector(index);
		const heads = index.getMap<{ n: string; at: number; by: string }>('heads');
		index.transact(() => {
			for (const { name } of written) heads.set(`${name}/${shop.deviceId}`, { n: Math.random().toString(36).slice(2, 12), at: Date.now(), by: shop.deviceId });
		});
		const headsUpdate = Y.encodeStateAsUpdate(index, before);
		await storage.appendUpdate(key(INDEX_DOC), headsUpdate);
		const indexBytes = stored.reduce((n, u) => n + u.length, 0) + headsUpdate.length;
		await storage.putMeta(`docsize/${key(INDEX_DOC)}`, { bytes: indexBytes });
		index.destroy();

		const largestDoc = written.reduce((a, b) => (b.bytes > a.bytes ? b : a));
		return {
			customers: customers.length,
			sales: sales.length,
			items: items.length,
			withSales: withSales.size,
			docs: written.length,
			bytes: written.reduce((n, w) => n + w.bytes, 0),
			largestDoc,
			overDefaultDocLimit: written.filter((w) => w.bytes > DEFAULT_MAX_DOC_BYTES).map((w) => w.name)
		};
	} finally {
		await storage.close();
	}
}
