// The relay's Content-Security-Policy against the real build: every main page, the till, the
// camera scanner, sync and the service worker must run without a single violation.
import type { BrowserContext, Page } from '@playwright/test';
import { expect, expectShell, test, waitForServiceWorkerControl } from './support/fixtures';
import { TEST_SETUP_SECRET } from './support/env';
import type { AppWindow } from './support/tablet';
import { barcodeVideo, cameraBrowser, videoDir } from './support/fake-camera';
import { emptyDraft } from '../src/lib/domain/customer';

type W = AppWindow & { __csp: string[] };

/** Records every CSP violation the page (or its workers, through the console) reports. */
async function watchViolations(context: BrowserContext, page: Page): Promise<() => Promise<string[]>> {
	await context.addInitScript(() => {
		(globalThis as unknown as W).__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			(globalThis as unknown as W).__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
		});
	});
	const fromConsole: string[] = [];
	page.on('console', (msg) => {
		if (/Content.Security.Policy/i.test(msg.text())) fromConsole.push(msg.text());
	});
	return async () => [...(await page.evaluate(() => (globalThis as unknown as W).__csp)), ...fromConsole];
}

const PAGES = [
	'/customers',
	'/customers/new',
	'/customers/import',
	'/groups',
	'/groups/new',
	'/items',
	'/items/new',
	'/items/import',
	'/sale',
	'/sales',
	'/sales/import',
	'/coupons',
	'/settings',
	'/settings/devices'
];

test('the app’s pages carry a strict CSP and cause no violation', async ({ page, context }) => {
	const violations = await watchViolations(context, page);
	const response = await page.goto('/customers');
	const csp = (await response!.headerValue('content-security-policy')) ?? '';
	expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
	expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
	expect(csp).toContain("frame-ancestors 'none'");
	expect(await response!.headerValue('referrer-policy')).toBe('no-referrer');
	await expectShell(page);
	await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
	await waitForServiceWorkerControl(page);

	// Sync (websocket to the relay) and a customer profile with data in it.
	await page.evaluate(
		(setupSecret) => (globalThis as AppWindow).shopCrmSync.createShop({ shopName: 'CSP shop', deviceName: 'Till', settings: {}, setupSecret }),
		TEST_SETUP_SECRET
	);
	await page.waitForFunction(() => (globalThis as AppWindow).shopCrmSync.status.state === 'online');
	const draft = { ...emptyDraft(new Date().toISOString(), 'main'), firstName: 'Ada', lastName: 'Lovelace' };
	const created = await page.evaluate((d) => (globalThis as AppWindow).shopCrm.customers.create(d), draft);
	if (!created.ok) throw new Error('customer not created');

	for (const path of [...PAGES, `/customers/${created.id}`, `/customers/${created.id}/edit`]) {
		await page.goto(path);
		await expectShell(page);
		await page.waitForLoadState('networkidle');
	}
	expect(await violations()).toEqual([]);

	// The watcher does see a violation when there is one: an injected inline script is blocked.
	const ran = await page.evaluate(() => {
		const s = document.createElement('script');
		s.textContent = '(globalThis).__injected = true';
		document.head.append(s);
		return (globalThis as unknown as { __injected?: boolean }).__injected === true;
	});
	expect(ran).toBe(false);
	await expect.poll(async () => (await violations()).some((v) => v.startsWith('script-src-elem'))).toBe(true);
});

test('scanning with the camera at the till causes no CSP violation', async ({ baseURL }) => {
	const tmp = videoDir();
	const browser = await cameraBrowser(await barcodeVideo(tmp.dir, 'ean13', '2000000000015'));
	try {
		const context = await browser.newContext({ baseURL });
		await context.grantPermissions(['camera'], { origin: new URL(baseURL!).origin });
		const page = await context.newPage();
		const violations = await watchViolations(context, page);
		await page.goto('/sale');
		await expectShell(page);
		await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
		await page.getByRole('button', { name: 'Scan card' }).click();
		await expect(page.locator('video')).toHaveCount(1);
		// Long enough for the decoder to run over a few frames.
		await page.waitForTimeout(2000);
		expect(await violations()).toEqual([]);
	} finally {
		await browser.close();
		tmp.remove();
	}
});
