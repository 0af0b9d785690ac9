// "Erase personal data" reaches every copy: after it, a byte search of the relay's data directory
// (after its compaction) and of every IndexedDB object store finds none of the erased values, on
// the erasing tablet and on a second tablet that was offline during the erasure and reconnects
// carrying an edit it made offline.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRelay } from './support/relay';
import { openTablet, type AppWindow as W } from './support/tablet';
import { TEST_SETUP_SECRET } from './support/env';

const NAME = ['Wilhelmina', 'Quenby'];
const EMAIL = 'wq.secret@example.org';
const NOTE = 'Allergic to walnuts';
const OFFLINE_NOTE = 'Allergic to walnuts and pecans';
const SECRETS = [...NAME, EMAIL, NOTE, 'pecans'];

/** Every file under dir, as bytes. */
function bytesUnder(dir: string): Buffer {
	return Buffer.concat(
		readdirSync(dir).map((name) => {
			const path = join(dir, name);
			return statSync(path).isDirectory() ? bytesUnder(path) : readFileSync(path);
		})
	);
}

/** Every row of every object store of every IndexedDB database of the page, binary values as bytes. */
function dumpIndexedDb(page: Page): Promise<string> {
	return page.evaluate(async () => {
		const parts: string[] = [];
		for (const info of await indexedDB.databases()) {
			const db = await new Promise<IDBDatabase>((ok, fail) => {
				const r = indexedDB.open(info.name!);
				r.onsuccess = () => ok(r.result);
				r.onerror = () => fail(r.error);
			});
			for (const store of Array.from(db.objectStoreNames)) {
				const rows = await new Promise<unknown[]>((ok, fail) => {
					const r = db.transaction(store).objectStore(store).getAll();
					r.onsuccess = () => ok(r.result);
					r.onerror = () => fail(r.error);
				});
				parts.push(
					`${store}:` +
						JSON.stringify(rows, (_k, v) =>
							v instanceof Uint8Array || v instanceof ArrayBuffer ? Array.from(new Uint8Array(v as ArrayBuffer), (b) => String.fromCharCode(b)).join('') : v
						)
				);
			}
			db.close();
		}
		return parts.join('\n');
	});
}

function found(haystack: string | Buffer): string[] {
	return SECRETS.filter((s) => haystack.includes(s));
}

/** Nothing left to push and no compaction left to ask the relay for. */
async function settled(page: Page) {
	await expect
		.poll(
			() =>
				page.evaluate(async () => {
					const shop = (globalThis as W).shopCrm;
					const compactions = ((await shop.db.kv.get('sync.compactRelay'))?.value as string[] | undefined) ?? [];
					return (await shop.db.outbox.count()) + compactions.length + (await shop.db.erasures.where('pending').equals(1).count());
				}),
			{ timeout: 30_000 }
		)
		.toBe(0);
}

test('erasure leaves no trace on the relay, on the erasing tablet, and on a tablet that was offline', async ({ browser }) => {
	test.setTimeout(150_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-erasure-'));
	const relay = await startRelay({ staticDir: resolve('build'), dataDir });
	try {
		const [a, b] = await Promise.all([browser.newContext(), browser.newContext()]);
		const pa = await a.newPage();
		const pb = await b.newPage();
		await openTablet(pa, relay.url);
		await pa.evaluate((setupSecret) => (globalThis as W).shopCrmSync.createShop({ shopName: 'Erasure test', deviceName: 'Owner tablet', settings: {}, setupSecret }), TEST_SETUP_SECRET);
		const code = await pa.evaluate(async () => (await (globalThis as W).shopCrmSync.createPairing()).code);
		await openTablet(pb, relay.url);
		await pb.evaluate((code) => (globalThis as W).shopCrmSync.pair({ code, deviceName: 'Till B' }), code);

		const created = await pa.evaluate(
			({ NAME, EMAIL, NOTE }) =>
				(globalThis as W).shopCrm.customers.create({
					firstName: NAME[0], lastName: NAME[1], email: EMAIL, phone: '07700 900555', birthDate: '', gender: 'female', addresses: [],
					defaultAddressId: null, cards: ['2000099887766'], consents: {}, tags: [], notes: NOTE, storeId: '', registeredAt: new Date().toISOString()
				}),
			{ NAME, EMAIL, NOTE }
		);
		if (!created.ok) throw new Error(JSON.stringify(created.errors));
		const id = created.id;
		await expect.poll(() => pb.evaluate((id) => (globalThis as W).shopCrm.customers.get(id).then((c) => c?.email), id), { timeout: 30_000 }).toBe(EMAIL);
		await settled(pa);
		// The searches do see the values while they are there.
		expect(found(bytesUnder(dataDir))).toContain(EMAIL);
		expect(found(await dumpIndexedDb(pa))).toEqual(expect.arrayContaining([...NAME, EMAIL, NOTE]));
		expect(found(await dumpIndexedDb(pb))).toEqual(expect.arrayContaining([...NAME, EMAIL, NOTE]));

		// Tablet B goes offline and edits the notes there; then it is switched off (tab closed).
		await b.setOffline(true);
		await pb.evaluate(
			async ({ id, OFFLINE_NOTE }) => {
				const shop = (globalThis as W).shopCrm;
				const c = (await shop.customers.get(id))!;
				const { id: _i, updatedAt: _u, ...draft } = c;
				const r = await shop.customers.update(id, { ...draft, notes: OFFLINE_NOTE });
				if (!r.ok) throw new Error('offline edit refused');
			},
			{ id, OFFLINE_NOTE }
		);
		await pb.close();

		// The owner erases on the profile, with the typed confirmation.
		await pa.goto(`${relay.url}/customers/${id}`);
		await pa.getByRole('button', { name: 'Erase personal data' }).click();
		const dialog = pa.getByRole('dialog', { name: 'Erase personal data' });
		await dialog.getByLabel(/Type .* or ERASE to confirm/).fill('Wilhelmina');
		await dialog.getByRole('button', { name: 'Erase personal data' }).click();
		await expect(dialog.getByText(/Type the customer’s name \(Wilhelmina Quenby\) or ERASE/)).toBeVisible();
		await dialog.getByLabel(/Type .* or ERASE to confirm/).fill('wilhelmina quenby');
		await dialog.getByRole('button', { name: 'Erase personal data' }).click();
		await expect(pa.getByTestId('erased-notice')).toHaveText(/^Erased on \d{1,2} \w{3} \d{4}, \d\d:\d\d by Owner tablet\.$/);
		await settled(pa);

		expect(found(await dumpIndexedDb(pa)), 'erasing tablet IndexedDB').toEqual([]);
		expect(found(bytesUnder(dataDir)), 'relay data directory').toEqual([]);

		// B comes back with its offline edit: it receives the erasure, and its edit is erased too.
		await b.setOffline(false);
		const pb2 = await b.newPage();
		await openTablet(pb2, relay.url);
		await expect
			.poll(() => pb2.evaluate((id) => (globalThis as W).shopCrm.erasures.erasureOf(id).then((e) => e?.by ?? null), id), { timeout: 30_000 })
			.toBe('Owner tablet');
		await settled(pb2);
		expect(await pb2.evaluate((id) => (globalThis as W).shopCrm.customers.get(id), id)).toBeUndefined();
		// B's offline edit reached the relay and A (as raw updates) before the erasure removed it
		// again there: each cleans up as it arrives, so wait for the copies to settle, then none may hold it.
		const clean = { timeout: 30_000 };
		await expect.poll(async () => found(await dumpIndexedDb(pb2)), clean).toEqual([]);
		await expect.poll(async () => found(await dumpIndexedDb(pa)), clean).toEqual([]);
		await expect.poll(() => found(bytesUnder(dataDir)), clean).toEqual([]);
		await settled(pa);
		await settled(pb2);
		await pb2.goto(`${relay.url}/customers/${id}`);
		await expect(pb2.getByTestId('erased-notice')).toContainText('by Owner tablet');
		await a.close();
		await b.close();
	} finally {
		await relay.stop().catch(() => {});
		rmSync(dataDir, { recursive: true, force: true });
	}
});
