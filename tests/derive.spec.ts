// Derived data (statistics) is computed by a worker after each flush; Settings shows when it was
// last rebuilt and rebuilds on request with a progress bar.
import { expect, test } from '@playwright/test';
import { openApp } from './support/app';
import type { AppWindow } from './support/tablet';


test('Settings: statistics were rebuilt on first start; "Rebuild statistics" shows progress and recomputes everyone', async ({ page }) => {
	await openApp(page, '/settings');
	const section = page.getByRole('region', { name: 'Statistics' });
	// A new tablet derives once on its first start (there is no derivation version yet).
	await expect(section.getByText(/^Last rebuilt:\s*\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/)).toBeVisible();

	await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
	await page.evaluate(() => (globalThis as AppWindow).shopCrm.loadDemoShop(300, undefined, { salesPerCustomer: 4 }));
	await page.evaluate(() => (globalThis as AppWindow).shopCrm.derive.idle());
	const withHistory = await page.evaluate(async () => {
		const db = (globalThis as AppWindow).shopCrm.db;
		return new Set((await db.sales.orderBy('customerId').uniqueKeys()) as string[]).size;
	});
	expect(withHistory).toBeGreaterThan(200);
	// Wrong figures planted in the derived table: a rebuild must replace them from the sales.
	const victim = await page.evaluate(async () => {
		const db = (globalThis as AppWindow).shopCrm.db;
		const s = (await db.customerStats.toCollection().first())!;
		await db.customerStats.put({ ...s, totalSpend: -1 });
		return s;
	});

	await section.getByRole('button', { name: 'Rebuild statistics' }).click();
	await expect(section.getByRole('button', { name: 'Rebuild statistics' })).toBeEnabled();
	const after = await page.evaluate(async (id) => {
		const db = (globalThis as AppWindow).shopCrm.db;
		return { count: await db.customerStats.count(), victim: await db.customerStats.get(id) };
	}, victim.customerId);
	expect(after.count).toBe(withHistory);
	expect(after.victim?.totalSpend).toBe(victim.totalSpend);
	await section.screenshot({ path: test.info().outputPath('statistics-settings.png') });
});

test('a rebuild shows its progress bar while it runs, and the till keeps working', async ({ page }) => {
	// 3,000 demo customers with 12,000 sales, then a rebuild of them all: 24 s alone on a quiet
	// machine, over 60 s with two workers at load ~12 (CI, 2026-12-02).
	test.setTimeout(180_000);
	await openApp(page, '/settings');
	await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
	await page.evaluate(() => (globalThis as AppWindow).shopCrm.loadDemoShop(3000, undefined, { salesPerCustomer: 4 }));
	await page.evaluate(() => (globalThis as AppWindow).shopCrm.derive.idle());
	const section = page.getByRole('region', { name: 'Statistics' });
	await section.getByRole('button', { name: 'Rebuild statistics' }).click();
	await expect(section.getByRole('progressbar', { name: /Rebuilding statistics: [\d,]+ of [\d,]+ customers/ })).toBeVisible();
	await expect(section.getByRole('button', { name: 'Rebuild statistics' })).toBeDisabled();
	await page.screenshot({ path: test.info().outputPath('rebuild-progress.png') });
	// Meanwhile the customer search answers.
	const found = await page.evaluate(() => (globalThis as AppWindow).shopCrm.customers.search('a', 5));
	expect(found.length).toBe(5);
	await expect(section.getByRole('button', { name: 'Rebuild statistics' })).toBeEnabled({ timeout: 60_000 });
	await expect(section.getByRole('progressbar')).toHaveCount(0);
});
