import type { Page } from '@playwright/test';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	controllerVersion,
	expect,
	expectShell,
	getAppManifest,
	getInstallabilityErrors,
	openApp,
	pngSize,
	test,
	waitForServiceWorkerControl
} from './support/fixtures';

interface ManifestIcon {
	src: string;
	sizes: string;
	type: string;
	purpose?: string;
}

test.describe('installability', () => {
	test('the manifest is served as a web app manifest with the app identity', async ({ request }) => {
		const response = await request.get('/manifest.webmanifest');
		expect(response.status()).toBe(200);
		expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
		const manifest = await response.json();
		expect(manifest).toMatchObject({
			name: 'Shop CRM',
			short_name: 'Shop CRM',
			start_url: '/',
			scope: '/',
			display: 'standalone',
			orientation: 'any',
			theme_color: '#0f5f5c',
			background_color: '#f6f8f7'
		});
		expect(manifest.description).toEqual(expect.any(String));

		const icons = manifest.icons as ManifestIcon[];
		const summary = icons.map((icon) => `${icon.purpose ?? 'any'} ${icon.sizes}`).sort();
		expect(summary).toEqual(['any 192x192', 'any 512x512', 'maskable 192x192', 'maskable 512x512']);
	});

	test('every manifest icon is a PNG of the size it claims', async ({ request }) => {
		const manifest = await (await request.get('/manifest.webmanifest')).json();
		for (const icon of manifest.icons as ManifestIcon[]) {
			const response = await request.get(icon.src);
			expect(response.status(), icon.src).toBe(200);
			expect(response.headers()['content-type'], icon.src).toBe('image/png');
			const [width, height] = icon.sizes.split('x').map(Number);
			expect(pngSize(await response.body()), icon.src).toEqual({ width, height });
		}
		expect(pngSize(await (await request.get('/favicon.png')).body())).toEqual({ width: 64, height: 64 });
	});

	test('Chromium considers the app installable', async ({ profilePage: page }) => {
		await page.goto('/');
		await waitForServiceWorkerControl(page);
		const manifest = await getAppManifest(page);
		expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
		expect(manifest.errors).toEqual([]);
		// The check fetches the manifest and icons itself, so give it a moment rather than one shot.
		await expect.poll(() => getInstallabilityErrors(page), { timeout: 15_000 }).toEqual([]);
	});
});

test.describe('offline', () => {
	test('the app shell opens offline once the service worker controls the page', async ({ page, context }) => {
		await openApp(page);
		await waitForServiceWorkerControl(page);

		await context.setOffline(true);
		await page.reload();
		await expectShell(page);

		// A deep link works too: every navigation is answered with the cached shell.
		await page.goto('/settings');
		await expectShell(page);
		await expect(page.getByRole('link', { name: 'Customers', exact: true }).first()).toBeVisible();
	});

	test('what the workers load on first use is precached with the app (offline, a worker finds it)', async ({ page }) => {
		// The derive worker loads the old schema's search keys and its error table with import();
		// those chunks are built beside the workers, outside the pages' build list.
		const dir = join('build', '_app', 'immutable', 'workers', 'chunks');
		const chunks = readdirSync(dir)
			.filter((f) => f.endsWith('.js'))
			.map((f) => `/_app/immutable/workers/chunks/${f}`);
		expect(chunks.length).toBeGreaterThan(0);
		await openApp(page);
		await waitForServiceWorkerControl(page);
		const cached = await page.evaluate(async (paths) => {
			const out: Record<string, boolean> = {};
			for (const p of paths) out[p] = !!(await caches.match(p));
			return out;
		}, chunks);
		expect(cached).toEqual(Object.fromEntries(chunks.map((p) => [p, true])));
	});

	test('customers saved on this tablet are listed after an offline reload', async ({ page, context }) => {
		await openApp(page);
		await waitForServiceWorkerControl(page);

		await createCustomer(page, 'Odile', 'Tillsworth');
		await context.setOffline(true);
		await page.reload();
		await expectShell(page);
		await expectCustomerListed(page, 'Tillsworth', 'Odile');

		// Local-first: saving needs no network either, and survives another reload.
		await createCustomer(page, 'Otto', 'Tillsworth');
		await page.reload();
		await expectShell(page);
		await expectCustomerListed(page, 'Tillsworth', 'Odile');
		await expectCustomerListed(page, 'Tillsworth', 'Otto');
	});
});

test.describe('updates', () => {
	test('a new version waits until the person chooses to reload', async ({ page, spareRelay }) => {
		const relay = await spareRelay();
		await openApp(page, relay.url);
		await waitForServiceWorkerControl(page);
		const oldVersion = await controllerVersion(page);
		expect(oldVersion).toBeTruthy();

		// Publish a "new build": a different version (so a new cache) and different bytes.
		const newVersion = `${oldVersion}-next`;
		const workerPath = join(relay.staticDir, 'service-worker.js');
		const source = readFileSync(workerPath, 'utf8');
		expect(source).toContain(oldVersion!);
		writeFileSync(workerPath, `${source.replaceAll(oldVersion!, newVersion)}\n// ${newVersion}\n`);

		await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			await registration?.update();
		});

		await expect(page.getByText('Update available')).toBeVisible();
		// Not taken over behind the person's back: the old worker still controls the page.
		expect(await controllerVersion(page)).toBe(oldVersion);

		const reloaded = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
		await page.getByRole('button', { name: 'Reload' }).click();
		await reloaded;
		await expectShell(page);
		await expect.poll(() => controllerVersion(page)).toBe(newVersion);
		await expect(page.getByText('Update available')).toBeHidden();
		const state = await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			return {
				scriptURL: navigator.serviceWorker.controller?.scriptURL,
				waiting: !!registration?.waiting,
				caches: await caches.keys()
			};
		});
		expect(state.scriptURL).toBe(`${relay.url}/service-worker.js`);
		expect(state.waiting).toBe(false);
		// The old version's precache is gone; only the new one is left.
		expect(state.caches.filter((name) => name.startsWith('shop-crm-'))).toEqual([`shop-crm-${newVersion}`]);
	});
});

test.describe('persistent storage', () => {
	for (const granted of [false, true]) {
		const title = granted ? 'granted by the browser' : 'browser default';
		test(`the app asks once and Settings shows the answer (${title})`, async ({ profilePage: page, baseURL }) => {
			// Record what the app asks for and what the browser answers, without changing either.
			await page.addInitScript(() => {
				const calls: boolean[] = [];
				Object.assign(window, { __persistCalls: calls });
				const persist = StorageManager.prototype.persist;
				StorageManager.prototype.persist = async function () {
					const answer = await persist.call(this);
					calls.push(answer);
					return answer;
				};
			});
			if (granted) {
				// Permission overrides last only while this DevTools session stays attached: no detach().
				const cdp = await page.context().newCDPSession(page);
				await cdp.send('Browser.grantPermissions', { origin: baseURL, permissions: ['durableStorage'] });
			}

			await openApp(page);
			const calls = () => page.evaluate(() => (window as unknown as { __persistCalls: boolean[] }).__persistCalls);
			const persisted = await page.evaluate(() => navigator.storage.persisted());
			if (granted) {
				// Granted before the first visit, so storage is persistent already and asking is pointless.
				expect(persisted).toBe(true);
				await page.waitForTimeout(500);
				expect(await calls()).toEqual([]);
			} else {
				// A fresh profile is not persisted, so the app asks exactly once and keeps the answer.
				await expect.poll(calls).toHaveLength(1);
				expect(await calls()).toEqual([await page.evaluate(() => navigator.storage.persisted())]);
			}

			await page.getByRole('link', { name: 'Settings', exact: true }).first().click();
			const label = page.getByText(/persistent storage/i).first();
			await expect(label).toBeVisible();
			// The answer sits in the label's own element or beside it ("Persistent storage: Granted", dt/dd).
			const row = label.locator('xpath=..');
			await expect(row).toContainText(persisted ? /granted/i : /not granted/i);
			if (persisted) await expect(row).not.toContainText(/not granted/i);
			expect(await calls()).toHaveLength(granted ? 0 : 1);
		});
	}
});

async function createCustomer(page: Page, firstName: string, lastName: string) {
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('button', { name: 'New customer' }).or(page.getByRole('link', { name: 'New customer' })).first().click();
	const firstNameField = page.getByLabel('First name', { exact: true });
	await firstNameField.fill(firstName);
	await page.getByLabel('Last name', { exact: true }).fill(lastName);
	await page.getByRole('button', { name: 'Save' }).click();
	// Saved once the form has closed or the new customer's own page is showing.
	const heading = page.getByRole('heading', { name: firstName });
	await expect
		.poll(async () => (await firstNameField.count()) === 0 || (await heading.count()) > 0, { message: 'customer saved' })
		.toBe(true);
}

async function expectCustomerListed(page: Page, lastName: string, firstName: string) {
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill(lastName);
	const name = new RegExp(`${firstName}\\s+${lastName}|${lastName},?\\s+${firstName}`);
	await expect(page.getByText(name).first()).toBeVisible();
}
