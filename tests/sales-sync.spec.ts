// Two tablets sell to the same customer while the relay is unreachable; once it is back, both
// tablets show both sales, the summed spend and points, and no sale twice.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_SETUP_SECRET } from './support/env';
import { startRelay, type Relay } from './support/relay';
import { openTablet, type AppWindow as W } from './support/tablet';



/** Rings up a one-line sale for the customer through the data layer the Sale screen uses. */
function sell(page: Page, customerId: string, price: number) {
	return page.evaluate(
		async ({ customerId, price }) => {
			const shop = (globalThis as W).shopCrm;
			const receiptNo = await shop.sales.nextReceiptNo();
			return shop.sales.record({
				id: crypto.randomUUID().replace(/-/g, '').slice(0, 16),
				receiptNo,
				at: new Date().toISOString(),
				storeId: 'main',
				deviceId: 'test',
				deviceName: 'Test till',
				cashier: 'Test',
				customerId,
				lines: [
					{ itemId: 'i1', sku: 'MUG', name: 'Mug', brand: 'Potter', category: 'Home', variant: '', qty: 1, unitPrice: price, unitCost: 100, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0 }
				],
				payments: [{ method: 'card', amount: price }],
				subtotal: price,
				discountTotal: 0,
				pointsValue: 0,
				total: price,
				change: 0,
				pointsRedeemed: 0,
				pointsEarned: Math.floor(price / 100),
				refundOf: null,
				currency: 'GBP'
			});
		},
		{ customerId, price }
	);
}

const stats = (page: Page, id: string) => page.evaluate((id) => (globalThis as W).shopCrm.sales.settledStats(id), id);
const saleIds = (page: Page, id: string) =>
	page.evaluate(async (id) => (await (globalThis as W).shopCrm.sales.ofCustomer(id)).map((s) => s.id).sort(), id);

test('two offline tablets sell to one customer: after reconnecting, both sales, summed spend and points, none twice', async ({ browser }) => {
	test.setTimeout(120_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-sales-'));
	let relay: Relay = await startRelay({ staticDir: resolve('build'), dataDir });
	const port = Number(new URL(relay.url).port);
	try {
		const [a, b] = await Promise.all([browser.newContext(), browser.newContext()]);
		const [pa, pb] = await Promise.all([a.newPage(), b.newPage()]);
		await openTablet(pa, relay.url);
		await pa.evaluate((setupSecret) => (globalThis as W).shopCrmSync.createShop({ shopName: 'Sales test', deviceName: 'Till A', settings: {}, setupSecret }), TEST_SETUP_SECRET);
		const code = await pa.evaluate(async () => (await (globalThis as W).shopCrmSync.createPairing()).code);
		await openTablet(pb, relay.url);
		await pb.evaluate((code) => (globalThis as W).shopCrmSync.pair({ code, deviceName: 'Till B' }), code);

		const created = await pa.evaluate(() =>
			(globalThis as W).shopCrm.customers.create({
				firstName: 'Jane', lastName: 'Smith', email: '', phone: '', birthDate: '', gender: 'female', addresses: [],
				defaultAddressId: null, cards: [], consents: {}, tags: [], notes: '', storeId: '', registeredAt: new Date().toISOString()
			})
		);
		if (!created.ok) throw new Error(JSON.stringify(created.errors));
		const id = created.id;
		await expect.poll(() => pb.evaluate((id) => (globalThis as W).shopCrm.customers.get(id).then(Boolean), id)).toBe(true);

		// The relay goes away: both tablets are offline.
		await relay.stop();
		expect((await sell(pa, id, 1250)).ok).toBe(true);
		expect((await sell(pb, id, 2000)).ok).toBe(true);
		expect((await stats(pa, id))?.totalSpend).toBe(1250);
		expect((await stats(pb, id))?.totalSpend).toBe(2000);

		relay = await startRelay({ staticDir: resolve('build'), dataDir, port });
		for (const p of [pa, pb]) {
			await expect.poll(async () => (await saleIds(p, id)).length, { timeout: 60_000 }).toBe(2);
			await expect.poll(async () => (await stats(p, id))?.totalSpend, { timeout: 30_000 }).toBe(3250);
			const s = await stats(p, id);
			expect(s?.visits).toBe(2);
			expect(s?.pointsBalance).toBe(12 + 20);
		}
		expect(await saleIds(pa, id)).toEqual(await saleIds(pb, id));
		for (const p of [pa, pb]) await expect.poll(() => p.evaluate(() => (globalThis as W).shopCrmSync.status.pending)).toBe(0);
		await a.close();
		await b.close();
	} finally {
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
