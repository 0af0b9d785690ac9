// Two tablets in one shop, through the real relay and the real UI: set up, pair (typed and by
// camera), live edits both ways, offline edits on both that converge, and revoking a tablet.
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'uqr';
import { CHROMIUM_ARGS, CHROMIUM_PATH, TEST_SETUP_SECRET } from './support/env';
import { expect, expectShell, test } from './support/fixtures';
import { cuttableSockets } from './support/sockets';

test.describe.configure({ timeout: 120_000 });

interface Tablet {
	context: BrowserContext;
	page: Page;
	/** Cuts the tablet off (HTTP and websockets) or reconnects it. */
	setOffline(offline: boolean): Promise<void>;
}

async function openTablet(browser: Browser, baseURL: string | undefined): Promise<Tablet> {
	const context = await browser.newContext({ baseURL, viewport: { width: 1024, height: 768 } });
	const setOffline = await cuttableSockets(context);
	const page = await context.newPage();
	await page.goto('/settings/devices');
	await expectShell(page);
	await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
	return { context, page, setOffline };
}


/**
 * In-app navigation to the devices page, so the running sync engine is kept (and it works
 * offline). Through a link the router handles, because the nav has no Devices link of its own yet.
 */
async function showDevices(page: Page): Promise<void> {
	await page.evaluate(() => {
		const a = document.createElement('a');
		a.href = '/settings/devices';
		document.querySelector('main')!.append(a);
		a.click();
		a.remove();
	});
	await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
}

async function createShop(page: Page, shopName: string): Promise<void> {
	await page.getByLabel('Shop name').fill(shopName);
	await page.getByLabel('This tablet’s name').fill('Till 1');
	await page.getByLabel('Setup code').fill(TEST_SETUP_SECRET);
	await page.getByRole('button', { name: 'Create shop' }).click();
	await expectOnline(page);
}

async function showPairingCode(page: Page): Promise<string> {
	await page.getByRole('button', { name: 'Add tablet' }).click();
	const code = (await page.getByTestId('pairing-code').textContent())!.trim();
	expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
	return code;
}

async function joinShop(page: Page, code: string, deviceName = 'Till 2'): Promise<void> {
	// Typed in lower case and without the dash, the way people type codes.
	await page.getByLabel('Pairing code').fill(code.replace('-', '').toLowerCase());
	await page.getByLabel('Device name').fill(deviceName);
	await page.getByRole('button', { name: 'Join shop' }).click();
	await expectOnline(page);
}

async function expectOnline(page: Page): Promise<void> {
	await expect(page.getByTestId('sync-state')).toHaveText('Online', { timeout: 20_000 });
}

async function expectAllSent(page: Page): Promise<void> {
	await expect(page.getByTestId('sync-state')).toHaveText('Online', { timeout: 30_000 });
	await expect(page.getByTestId('sync-pending')).toHaveText('All changes sent', { timeout: 30_000 });
}

async function newCustomer(page: Page, first: string, last: string): Promise<void> {
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('button', { name: 'New customer' }).click();
	await page.getByLabel('First name', { exact: true }).fill(first);
	await page.getByLabel('Last name', { exact: true }).fill(last);
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('heading', { name: `${first} ${last}` })).toBeVisible();
}

async function search(page: Page, query: string): Promise<void> {
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill(query);
}

async function openCustomer(page: Page, name: string): Promise<void> {
	await search(page, name);
	await page.getByRole('link', { name: new RegExp(name) }).first().click({ timeout: 30_000 });
	await expect(page.getByRole('heading', { name })).toBeVisible();
}

async function editCustomer(page: Page, name: string, label: string, value: string): Promise<void> {
	await openCustomer(page, name);
	await page.getByRole('link', { name: 'Edit' }).or(page.getByRole('button', { name: 'Edit' })).first().click();
	// By role: the profile also has a section named "Notes", and the form may still be on its way.
	await page.getByRole('textbox', { name: label, exact: true }).fill(value);
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('heading', { name })).toBeVisible();
}

/** Two paired tablets of a new shop, A the owner, both on the devices page. */
async function pairedTablets(browser: Browser, baseURL: string | undefined, shopName: string) {
	const a = await openTablet(browser, baseURL);
	const b = await openTablet(browser, baseURL);
	await createShop(a.page, shopName);
	const code = await showPairingCode(a.page);
	await joinShop(b.page, code);
	return { a, b };
}

test('a shop is set up on one tablet, a second joins with the code, and edits flow both ways', async ({ browser, baseURL }) => {
	const a = await openTablet(browser, baseURL);
	const b = await openTablet(browser, baseURL);
	await expect(a.page.getByRole('heading', { name: 'Set up a new shop' })).toBeVisible();
	await expect(a.page.getByRole('heading', { name: 'Join a shop' })).toBeVisible();

	// Without the setup code the form says what is missing; with a wrong one, the relay does.
	await a.page.getByLabel('Shop name').fill('Corner Shop');
	await a.page.getByRole('button', { name: 'Create shop' }).click();
	await expect(a.page.getByText('Enter the setup code the shop server printed when it started')).toBeVisible();
	await a.page.getByLabel('Setup code').fill('ABCD-EFGH');
	await a.page.getByRole('button', { name: 'Create shop' }).click();
	await expect(a.page.getByRole('alert')).toContainText('That setup code is not right');

	await createShop(a.page, 'Corner Shop');
	await expect(a.page.getByText('Owner', { exact: true }).first()).toBeVisible();
	const code = await showPairingCode(a.page);
	await expect(a.page.getByRole('img', { name: `QR code for pairing code ${code}` })).toBeVisible();
	await expect(a.page.getByText(/expires in \d+:\d\d/)).toBeVisible();

	await joinShop(b.page, code);
	// The shop's settings came with it; both tablets list both devices.
	await expect(b.page.getByText('Corner Shop').first()).toBeVisible();
	await expect(b.page.getByText('Staff', { exact: true }).first()).toBeVisible();
	await expect(a.page.getByText('Till 2')).toBeVisible({ timeout: 20_000 });
	await expect(b.page.getByText('Till 1')).toBeVisible();
	// Staff cannot add or revoke tablets.
	await expect(b.page.getByRole('button', { name: 'Add tablet' })).toHaveCount(0);
	await expect(b.page.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
	// The owner can revoke the other tablet, but is never offered its own.
	await expect(a.page.getByRole('button', { name: 'Revoke Till 2' })).toBeVisible();
	await expect(a.page.getByRole('button', { name: 'Revoke Till 1' })).toHaveCount(0);

	// A used code cannot be used again.
	const c = await openTablet(browser, baseURL);
	await c.page.getByLabel('Pairing code').fill(code);
	await c.page.getByLabel('Device name').fill('Till 3');
	await c.page.getByRole('button', { name: 'Join shop' }).click();
	await expect(c.page.getByRole('alert')).toContainText('pairing code is not right');
	await c.context.close();

	await newCustomer(a.page, 'Alice', 'Archer');
	await openCustomer(b.page, 'Alice Archer');

	await editCustomer(b.page, 'Alice Archer', 'Email', 'alice@example.com');
	await openCustomer(a.page, 'Alice Archer');
	// The open profile updates live.
	await expect(a.page.getByText('alice@example.com')).toBeVisible({ timeout: 30_000 });

	await showDevices(a.page);
	await showDevices(b.page);
	await expectAllSent(a.page);
	await expectAllSent(b.page);
	await a.context.close();
	await b.context.close();
});

test('edits made on two offline tablets converge when they reconnect', async ({ browser, baseURL }) => {
	const { a, b } = await pairedTablets(browser, baseURL, 'Offline Shop');
	await newCustomer(a.page, 'Olga', 'Owens');
	await openCustomer(b.page, 'Olga Owens');

	await a.setOffline(true);
	await b.setOffline(true);
	await editCustomer(a.page, 'Olga Owens', 'Email', 'olga@example.com');
	await editCustomer(b.page, 'Olga Owens', 'Notes', 'Prefers the blue bags');
	await newCustomer(a.page, 'Anna', 'Offline');
	await newCustomer(b.page, 'Ben', 'Offline');
	for (const t of [a, b]) {
		await showDevices(t.page);
		// Not 'Online': the socket reports each retry as connecting, so both words are right here.
		await expect(t.page.getByTestId('sync-state')).toHaveText(/^(Offline|Connecting…)$/);
		await expect(t.page.getByTestId('sync-pending')).toHaveText(/^\d+ changes? not sent$/);
	}

	// Cut off, B has not heard of A's new customer.
	await search(b.page, 'Anna Offline');
	await expect(b.page.getByRole('link', { name: /Anna Offline/ })).toHaveCount(0);
	await showDevices(b.page);

	await a.setOffline(false);
	await b.setOffline(false);
	await expectAllSent(a.page);
	await expectAllSent(b.page);

	for (const t of [a, b]) {
		await openCustomer(t.page, 'Olga Owens');
		await expect(t.page.getByText('olga@example.com')).toBeVisible({ timeout: 30_000 });
		await expect(t.page.getByText('Prefers the blue bags')).toBeVisible({ timeout: 30_000 });
		await openCustomer(t.page, 'Anna Offline');
		await openCustomer(t.page, 'Ben Offline');
		await showDevices(t.page);
		await expectAllSent(t.page);
	}
	await a.context.close();
	await b.context.close();
});

test('a revoked tablet is told so and receives nothing afterwards', async ({ browser, baseURL }) => {
	const { a, b } = await pairedTablets(browser, baseURL, 'Revoke Shop');
	await newCustomer(a.page, 'Before', 'Revoke');
	await openCustomer(b.page, 'Before Revoke');
	await showDevices(b.page);

	await showDevices(a.page);
	await a.page.getByRole('button', { name: 'Revoke Till 2' }).click();
	const dialog = a.page.getByRole('dialog');
	await expect(dialog).toContainText('Revoke Till 2?');
	await expect(dialog).toContainText('It will stop syncing at once and must be paired again to rejoin.');
	await dialog.getByRole('button', { name: 'Revoke' }).click();
	await expect(dialog).toBeHidden();
	await expect(a.page.getByText(/Revoked/)).toBeVisible();

	await expect(b.page.getByTestId('sync-state')).toHaveText('Removed from shop', { timeout: 30_000 });
	await expect(b.page.getByRole('alert')).toContainText(
		'This tablet was removed from the shop or its access is no longer valid. Ask the owner to pair it again.'
	);

	await newCustomer(a.page, 'After', 'Revoke');
	await showDevices(a.page);
	await expectAllSent(a.page);
	// Give a (wrongly) still-connected tablet ample time to receive it.
	await b.page.waitForTimeout(3_000);
	await search(b.page, 'After Revoke');
	await expect(b.page.getByRole('link', { name: /After Revoke/ })).toHaveCount(0);
	await search(b.page, 'Before Revoke');
	await expect(b.page.getByRole('link', { name: /Before Revoke/ })).toBeVisible();
	await a.context.close();
	await b.context.close();
});

test('rotating tokens: this tablet carries on with its new one, another tablet is signed out', async ({ browser, baseURL }) => {
	const { a, b } = await pairedTablets(browser, baseURL, 'Rotate Shop');
	await showDevices(a.page);
	await a.page.getByRole('button', { name: 'Rotate token of Till 1' }).click();
	const dialog = a.page.getByRole('dialog');
	await expect(dialog).toContainText('Syncing carries on by itself.');
	await dialog.getByRole('button', { name: 'Rotate token' }).click();
	await expect(dialog).toBeHidden();
	await expect(a.page.getByText('This tablet has a new token')).toBeVisible();
	await expectOnline(a.page);
	// The new token syncs: B hears of a customer made after the rotation.
	await newCustomer(a.page, 'After', 'Rotation');
	await openCustomer(b.page, 'After Rotation');
	await showDevices(b.page);

	await showDevices(a.page);
	await a.page.getByRole('button', { name: 'Rotate token of Till 2' }).click();
	await expect(dialog).toContainText('Till 2 is signed out and must be paired again.');
	await dialog.getByRole('button', { name: 'Rotate token' }).click();
	await expect(dialog).toBeHidden();
	await expect(b.page.getByTestId('sync-state')).toHaveText('Removed from shop', { timeout: 30_000 });
	await expect(b.page.getByRole('alert')).toContainText(
		'This tablet’s access token was changed on another tablet, so it was signed out. Pair it again.'
	);
	await expectAllSent(a.page);
	await a.context.close();
	await b.context.close();
});

test('a tablet joins by scanning the owner’s QR code with its camera', async ({ browser, baseURL }) => {
	const a = await openTablet(browser, baseURL);
	await createShop(a.page, 'Camera Shop');
	const code = await showPairingCode(a.page);
	// What the owner's QR holds: the devices page with the code, so a phone camera opens it too.
	const qrText = `${new URL(baseURL!).origin}/settings/devices?pair=${code}`;

	const dir = mkdtempSync(join(tmpdir(), 'shop-crm-camera-'));
	const video = join(dir, 'qr.y4m');
	writeFileSync(video, qrVideo(qrText));
	// A browser of its own: the fake camera is chosen at launch.
	const camBrowser = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: [
			...CHROMIUM_ARGS,
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
			`--use-file-for-fake-video-capture=${video}`
		]
	});
	try {
		const context = await camBrowser.newContext({ baseURL, viewport: { width: 768, height: 1024 } });
		await context.grantPermissions(['camera'], { origin: new URL(baseURL!).origin });
		const page = await context.newPage();
		await page.goto('/settings/devices');
		await expectShell(page);
		await page.getByLabel('Device name').fill('Till 3');
		await page.getByRole('button', { name: 'Scan code' }).click();
		await expectOnline(page);
		await expect(page.getByText('Camera Shop').first()).toBeVisible();
		// The camera was let go of once the code was read.
		expect(await page.evaluate(() => document.querySelectorAll('video').length)).toBe(0);
		await expect(a.page.getByText('Till 3')).toBeVisible({ timeout: 20_000 });
	} finally {
		await camBrowser.close();
		rmSync(dir, { recursive: true, force: true });
		await a.context.close();
	}
});

test('a pairing link opened on a new tablet fills in the code', async ({ browser, baseURL }) => {
	const t = await openTablet(browser, baseURL);
	await t.page.goto('/settings/devices?pair=wxyz2345');
	await expect(t.page.getByLabel('Pairing code')).toHaveValue('WXYZ-2345');
	await t.context.close();
});

/**
 * A Y4M video (a text header, then raw YUV 4:2:0 frames) of the QR code for `text`, black on
 * white: what Chromium's fake camera plays in a loop. Written by hand, so no ffmpeg is needed.
 */
function qrVideo(text: string): Buffer {
	const width = 640;
	const height = 480;
	const qr = encode(text, { border: 4 });
	const scale = Math.floor(400 / qr.size);
	const left = Math.floor((width - qr.size * scale) / 2);
	const top = Math.floor((height - qr.size * scale) / 2);
	const luma = Buffer.alloc(width * height, 235);
	for (let y = 0; y < qr.size * scale; y++) {
		for (let x = 0; x < qr.size * scale; x++) {
			if (qr.data[Math.floor(y / scale)][Math.floor(x / scale)]) luma[(top + y) * width + left + x] = 16;
		}
	}
	const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
	const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
	return Buffer.concat([header, frame, frame, frame, frame, frame]);
}
