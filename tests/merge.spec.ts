// Duplicate merge across two tablets (issue 11): tablet A merges two customers through the
// "Possible duplicates" view while tablet B, offline, rings up a sale at the till to the customer
// being merged away. After B reconnects, both tablets show one customer with both sales, and a link
// to the merged-away customer opens the kept one, saying so.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRelay, type Relay } from './support/relay';
import { openTablet, type AppWindow as W } from './support/tablet';
import { cuttableSockets } from './support/sockets';
import { attachCustomer, MUG_BARCODE, openSale, payCard, seedItems } from './support/till';
import { TEST_SETUP_SECRET } from './support/env';
import { waitForServiceWorkerControl } from './support/app';

function createCustomer(page: Page, first: string, registeredAt: string) {
	return page.evaluate(
		async ({ first, registeredAt }) => {
			const r = await (globalThis as W).shopCrm.customers.create({
				firstName: first, lastName: 'Smith', email: 'smith@example.com', phone: '', birthDate: '', gender: 'not-stated', addresses: [],
				defaultAddressId: null, cards: [], consents: {}, tags: [], notes: '', storeId: '', registeredAt
			});
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			return r.id;
		},
		{ first, registeredAt }
	);
}

const saleIds = (page: Page, id: string) =>
	page.evaluate(async (id) => (await (globalThis as W).shopCrm.sales.ofCustomer(id)).map((s) => s.id).sort(), id);
const customerIds = (page: Page) => page.evaluate(async () => (await (globalThis as W).shopCrm.db.customers.toCollection().primaryKeys()).sort());

test('a merge on one tablet and a sale to the merged-away customer on an offline tablet end in one customer with both sales', async ({ browser }) => {
	test.setTimeout(180_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-merge-'));
	const relay: Relay = await startRelay({ staticDir: resolve('build'), dataDir });
	try {
		const [a, b] = await Promise.all([browser.newContext({ viewport: { width: 1024, height: 768 } }), browser.newContext({ viewport: { width: 1024, height: 768 } })]);
		const bOffline = await cuttableSockets(b);
		const [pa, pb] = await Promise.all([a.newPage(), b.newPage()]);
		await openTablet(pa, relay.url);
		await pa.evaluate((setupSecret) => (globalThis as W).shopCrmSync.createShop({ shopName: 'Merge test', deviceName: 'Till A', settings: {}, setupSecret }), TEST_SETUP_SECRET);
		const code = await pa.evaluate(async () => (await (globalThis as W).shopCrmSync.createPairing()).code);
		await openTablet(pb, relay.url);
		await pb.evaluate((code) => (globalThis as W).shopCrmSync.pair({ code, deviceName: 'Till B' }), code);

		await seedItems(pa);
		// Jon registered first: the duplicates view offers to keep him.
		const kept = await createCustomer(pa, 'Jon', '2025-01-01T10:00:00.000Z');
		const other = await createCustomer(pa, 'Johnny', '2026-03-01T10:00:00.000Z');
		await expect.poll(() => customerIds(pb), { timeout: 60_000 }).toEqual([kept, other].sort());
		await expect.poll(() => pb.evaluate(async () => (await (globalThis as W).shopCrm.items.all()).length), { timeout: 60_000 }).toBe(2);

		// B loses the network, once its service worker answers for the app (it installs in the
		// background: going offline before it controls B would test nothing but the network).
		await waitForServiceWorkerControl(pb);
		await bOffline(true);

		// A: Customers → Possible duplicates → Merge… → keep Jon, take nothing else → merged.
		await pa.goto(relay.url + '/customers');
		await pa.getByRole('link', { name: 'Possible duplicates' }).click();
		// The two sides come in id order (random ids): either way round.
		const pair = pa.getByRole('listitem', { name: /^(Jon Smith and Johnny Smith|Johnny Smith and Jon Smith)$/ });
		await expect(pair).toContainText('Same email');
		await pair.getByRole('link', { name: 'Merge…' }).click();
		await expect(pa.getByRole('heading', { name: 'Merge customers' })).toBeVisible();
		await pa.getByRole('radio', { name: 'First name: Jon' }).check();
		await pa.getByRole('button', { name: 'Merge into Jon Smith' }).click();
		await expect(pa).toHaveURL(new RegExp(`/customers/${kept}$`));
		await expect(pa.getByRole('heading', { name: 'Jon Smith' })).toBeVisible();
		// The kept customer's profile names who was merged into them, when and by which tablet.
		const merged = pa.getByRole('region', { name: 'Merged into this customer' });
		await expect(merged).toContainText(/Johnny Smith on \d{1,2} \w{3} 2026, \d\d:\d\d by Till A/);
		expect(await customerIds(pa)).toEqual([kept]);
		// A rings up a sale to the kept customer.
		await openSale(pa);
		await pa.getByLabel('Add item').fill(MUG_BARCODE);
		await pa.getByLabel('Add item').press('Enter');
		await attachCustomer(pa, 'Jon', 'Jon Smith');
		const saleA = await payCard(pa);

		// B, offline, has not heard of the merge: it sells to Johnny at the till.
		await pb.goto(relay.url + '/customers');
		await openSale(pb);
		await pb.getByLabel('Add item').fill(MUG_BARCODE);
		await pb.getByLabel('Add item').press('Enter');
		await attachCustomer(pb, 'Johnny', 'Johnny Smith');
		const saleB = await payCard(pb);
		expect(await saleIds(pb, other)).toEqual([saleB]);

		// B is back: both tablets show one customer, Jon, with both sales counted once.
		await bOffline(false);
		for (const p of [pa, pb]) {
			await expect.poll(() => customerIds(p), { timeout: 60_000 }).toEqual([kept]);
			await expect.poll(() => saleIds(p, kept), { timeout: 60_000 }).toEqual([saleA, saleB].sort());
			await expect.poll(async () => (await p.evaluate((id) => (globalThis as W).shopCrm.sales.settledStats(id), kept))?.visits, { timeout: 30_000 }).toBe(2);
			expect(await saleIds(p, other)).toEqual([]);
		}

		// A link to Johnny (an old receipt, a bookmark) opens Jon's profile and says why.
		await pb.goto(`${relay.url}/customers/${other}`);
		await expect(pb).toHaveURL(new RegExp(`/customers/${kept}\\?merged=${other}$`));
		await expect(pb.getByRole('status').filter({ hasText: 'was merged into Jon Smith' })).toContainText('Johnny Smith');
		await expect(pb.getByRole('heading', { name: 'Jon Smith' })).toBeVisible();

		// Merging again with the merged-away customer is refused with a message.
		await pb.goto(`${relay.url}/customers/merge?keep=${kept}&other=${other}`);
		await expect(pb.getByRole('alert')).toContainText('Johnny Smith was already merged into Jon Smith');
		await pb.goto(`${relay.url}/customers/merge?keep=${kept}&other=${kept}`);
		await expect(pb.getByRole('alert')).toContainText('cannot be merged with themself');
		await a.close();
		await b.close();
	} finally {
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
