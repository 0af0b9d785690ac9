// A whole shop's tables, written straight into a page's IndexedDB: 100,000 customers and
// 500,000 sales in minutes rather than the ~25 minutes the replicated path takes (every sale
// through its Yjs month document, the update log and the outbox).
//
// What it leaves is what the projections leave once a tablet has synced a shop: the `customers`,
// `dupKeys`, `items` and `sales` tables (customer records with their search keys from the
// projection's own toRecord, and their duplicate-finder keys). The derive stage reads those tables
// only, never Yjs, so statistics rebuilds and group evaluation are measured on exactly the data
// they would meet. Nothing here is replicated: use it
// for derivation figures, not for sync figures (bench/sync.ts writes through the app).
import type { Page } from '@playwright/test';
import { generateCustomers, DEMO_STORES } from '../src/lib/domain/demo';
import { generateItems, generateSales } from '../src/lib/domain/sales/demo-sales';
import { toRecord } from '../src/lib/customers/projection';
import { dupKeysRow } from '../src/lib/store/schema';
import { itemKeys } from '../src/lib/sales/projections';
import { newId } from '../src/lib/domain/ids';
import type { AppWindow } from '../tests/support/tablet';

export const SEED = 20261201;
/** Rows per bulkPut (one transaction each). */
const CHUNK = 5000;
/** Customers whose sales are generated at once: bounds this process's memory. */
const SLICE = 10_000;

export interface FilledShop {
	customers: number;
	sales: number;
	ms: number;
	/** Ids of the customers, in creation order. */
	ids: string[];
}

export async function fillShopTables(
	page: Page,
	opts: { customers: number; salesPerCustomer: number; now?: Date; log?: (line: string) => void }
): Promise<FilledShop> {
	const now = opts.now ?? new Date();
	const log = opts.log ?? (() => {});
	await page.evaluate(async (stores) => {
		const shop = (globalThis as AppWindow).shopCrm;
		await shop.saveSettings({ shopName: 'Bench shop', stores });
		await shop.saveDevice({ storeId: stores[0].id });
	}, DEMO_STORES);

	const t0 = Date.now();
	const drafts = generateCustomers({ seed: SEED, count: opts.customers, now: now.toISOString(), stores: DEMO_STORES, recordedBy: 'Bench' });
	const records = drafts.map((d) => toRecord({ ...d, id: newId(), updatedAt: d.registeredAt }));
	const ids = records.map((r) => r.id);
	for (let i = 0; i < records.length; i += CHUNK) {
		await page.evaluate((rows) => (globalThis as AppWindow).shopCrm.db.customers.bulkPut(rows), records.slice(i, i + CHUNK));
		await page.evaluate((rows) => (globalThis as AppWindow).shopCrm.db.dupKeys.bulkPut(rows), records.slice(i, i + CHUNK).map(dupKeysRow));
	}
	log(`customers written: ${records.length}`);

	const items = generateItems(SEED);
	await page.evaluate((rows) => (globalThis as AppWindow).shopCrm.db.items.bulkPut(rows), items.map((i) => ({ ...i, k: itemKeys(i) })));
	let sales = 0;
	for (let s = 0; s < records.length && opts.salesPerCustomer > 0; s += SLICE) {
		const slice = records.slice(s, s + SLICE).map((c) => ({ id: c.id, registeredAt: c.registeredAt, storeId: c.storeId }));
		const batch = generateSales({
			seed: SEED + s,
			customers: slice,
			items,
			stores: DEMO_STORES,
			devices: DEMO_STORES.map((st, i) => ({ id: `bench-till-${i + 1}`, name: `${st.name} till`, storeId: st.id })),
			from: new Date(now.getTime() - 2 * 365 * 86_400_000).toISOString(),
			to: now.toISOString(),
			salesPerCustomerAvg: opts.salesPerCustomer
		});
		for (let i = 0; i < batch.length; i += CHUNK) {
			await page.evaluate((rows) => (globalThis as AppWindow).shopCrm.db.sales.bulkPut(rows), batch.slice(i, i + CHUNK));
		}
		sales += batch.length;
		log(`sales written: ${sales} (customers ${Math.min(records.length, s + SLICE)} of ${records.length})`);
	}
	return { customers: records.length, sales, ms: Date.now() - t0, ids };
}
