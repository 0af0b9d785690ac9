// The customer list with the demo shop: counts, filters, sorting, and that it is virtualised.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import type { AppWindow } from './support/tablet';
import { emptyDraft } from '../src/lib/domain/customer';

async function count(page: Page): Promise<number> {
	const text = await page.getByRole('status').filter({ hasText: /\d+ (customers?|match(es)?)$/ }).first().innerText();
	return Number(text.replace(/[^\d]/g, ''));
}

async function loadDemo(page: Page) {
	await openApp(page, '/');
	await page.getByRole('button', { name: 'Load demo shop' }).first().click();
	await page.waitForURL(/\/customers/, { timeout: 60_000 });
	await expect(page.getByText('3,000 customers')).toBeVisible({ timeout: 60_000 });
	await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
}

test('filters narrow the list and the count follows; clearing brings everyone back', async ({ page }) => {
	await loadDemo(page);
	await page.getByRole('button', { name: /^Filters/ }).click();

	const byGender: Record<string, number> = {};
	for (const g of ['Female', 'Male', 'Other', 'Not stated']) {
		await page.getByRole('checkbox', { name: g, exact: true }).check();
		byGender[g] = await count(page);
		await page.getByRole('checkbox', { name: g, exact: true }).uncheck();
	}
	// Every customer has exactly one gender.
	expect(Object.values(byGender).reduce((a, b) => a + b, 0)).toBe(3000);
	expect(byGender.Female).toBeGreaterThan(500);

	// Age 30–40 and female: fewer than either alone, and every row shown is in range.
	await page.getByRole('checkbox', { name: 'Female', exact: true }).check();
	await page.getByLabel('Minimum age').fill('30');
	await page.getByLabel('Maximum age').fill('40');
	await expect.poll(() => count(page)).toBeLessThan(byGender.Female);
	const narrowed = await count(page);
	expect(narrowed).toBeGreaterThan(0);
	const ages = (await page.locator('[role="cell"].c-age').allInnerTexts()).map(Number);
	expect(ages.length).toBeGreaterThan(5);
	for (const a of ages) {
		expect(a).toBeGreaterThanOrEqual(30);
		expect(a).toBeLessThanOrEqual(40);
	}

	// A birthday month narrows further; the search box combines with the filters.
	await page.getByRole('button', { name: 'March', exact: true }).click();
	await expect.poll(() => count(page)).toBeLessThan(narrowed);

	await page.getByRole('button', { name: 'Clear filters' }).first().click();
	await expect(page.getByText('3,000 customers')).toBeVisible();
});

test('the list is virtualised, sorts by its columns, and scrolls to the last customer', async ({ page }) => {
	await loadDemo(page);
	// The records were decoded in the list worker, which is still running: had it failed to start
	// or died, the list would have fallen back to reading on the page and terminated it.
	expect(page.workers().map((w) => w.url()).filter((url) => /list\.worker/.test(url))).toHaveLength(1);
	// The customers' links inside the table (the header's links to other customer pages are not rows).
	const rowLinks = page.getByRole('table', { name: 'Customers' }).locator('a[href^="/customers/"]');
	// 3,000 customers but only a screenful (plus overscan) of rows in the page.
	expect(await rowLinks.count()).toBeLessThan(80);

	const nameHeader = page.getByRole('columnheader', { name: /Name/ });
	await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
	const firstAsc = await rowLinks.first().innerText();
	await nameHeader.getByRole('button').click();
	await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
	await expect(rowLinks.first()).not.toHaveText(firstAsc);
	const firstDesc = await rowLinks.first().innerText();

	// Back to ascending, then scroll to the very end: the last row is the first of the descending order.
	await nameHeader.getByRole('button').click();
	await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
	await page.evaluate(() => {
		for (const el of document.querySelectorAll<HTMLElement>('*')) {
			if (el.scrollHeight > el.clientHeight + 1000 && getComputedStyle(el).overflowY !== 'visible') el.scrollTop = el.scrollHeight;
		}
	});
	await expect(rowLinks.filter({ hasText: firstDesc.split('\n')[0] }).first()).toBeVisible();
	expect(await rowLinks.count()).toBeLessThan(80);
});

test('going to the till and back reuses the loaded list, kept current meanwhile', async ({ page }) => {
	const started: string[] = [];
	page.on('worker', (w) => {
		if (/list\.worker/.test(w.url())) started.push(w.url());
	});
	await loadDemo(page);
	expect(started).toHaveLength(1);
	await expect(page.getByRole('status').filter({ hasText: '3,000 customers' })).toBeVisible();

	// At the till, a customer is added (as a sync or another tab could) while the list is not shown.
	await page.getByRole('link', { name: 'Sale', exact: true }).first().click();
	await expect(page.getByLabel('Add item')).toBeVisible();
	const draft = { ...emptyDraft(new Date().toISOString(), 'camden'), firstName: 'Zebedee', lastName: 'Zwart' };
	const made = await page.evaluate((d) => (globalThis as AppWindow).shopCrm.customers.create(d), draft);
	expect(made).toMatchObject({ ok: true });

	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	// No second load: the rows read on the first visit are there, with the one added meanwhile.
	await expect(page.getByRole('status').filter({ hasText: '3,001 customers' })).toBeVisible();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill('zebedee');
	await expect(page.getByRole('link', { name: /Zebedee Zwart/ })).toBeVisible();
	expect(started).toHaveLength(1);
});
