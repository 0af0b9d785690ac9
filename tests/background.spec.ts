// Background work never holds up the till: while a 100,000-row customer import is read, checked
// and written (in the import worker) and the derive worker rebuilds statistics over and over, a
// cashier rings up a sale and searches for a customer. Then, with every customer in, the customer
// list is opened and scrolled while the derive worker rebuilds statistics for all of them. The
// longest main-thread task of each stretch is read from the browser's Long Tasks API and reported
// (figures, not thresholds: timings belong to the benchmark).
import { expect, test } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { openApp } from './support/app';
import { longTasks, observeLongTasks, pageNow, formatLongTasks } from './support/longtask';
import { attachCustomer, MUG_BARCODE, newCustomer, openSale, payCard, seedItems } from './support/till';
import type { AppWindow } from './support/tablet';

const ROWS = Number(process.env.BACKGROUND_IMPORT_ROWS ?? 100_000);

interface Background {
	importDone: boolean;
	rebuilds: number;
	result?: Promise<unknown>;
	derive?: Promise<void>;
}
interface Rebuilding {
	stop: boolean;
	started: number;
	done: number;
	loop?: Promise<void>;
}
type W = AppWindow & { __bg: Background; __rebuilding: Rebuilding };

test('a sale is rung up and a customer found while a 100,000-row import and statistics rebuilds run', async ({ browser }, testInfo) => {
	test.setTimeout(600_000);
	// A context of its own, without the runner's tracing: its DOM snapshots run on the page's main
	// thread and would be measured as the app's tasks.
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	page.setDefaultTimeout(60_000);
	await observeLongTasks(page);
	await openApp(page, '/settings');
	await seedItems(page);
	// A shop with a sales history, so the derive worker has real work, and a known customer.
	await page.evaluate(() => (globalThis as W).shopCrm.loadDemoShop(3000, undefined, { salesPerCustomer: 4 }));
	const zelda = await newCustomer(page, 'Zelda', 'Quist');
	await page.evaluate(() => (globalThis as W).shopCrm.derive.idle());

	// The file goes in by path, through a file input: a buffer would be decoded by script in the page.
	const lines = ['First name,Last name,Email,Loyalty card,Postcode'];
	for (let i = 0; i < ROWS; i++) lines.push(`Ann${i},Archer${i},ann${i}@example.org,40000${String(i).padStart(8, '0')},NW1 8AB`);
	const path = testInfo.outputPath('background.csv');
	await writeFile(path, lines.join('\r\n'));
	await page.evaluate(() => {
		const input = document.createElement('input');
		input.type = 'file';
		input.setAttribute('aria-label', 'Background file');
		input.hidden = true;
		document.body.append(input);
	});
	await page.getByLabel('Background file').setInputFiles(path);

	const from = await pageNow(page);
	await page.evaluate(() => {
		const w = globalThis as W;
		const input = document.querySelector<HTMLInputElement>('input[aria-label="Background file"]')!;
		const bg: Background = (w.__bg = { importDone: false, rebuilds: 0 });
		bg.result = w.shopCrm
			.loadImports()
			.then((imports) => imports.importCustomersCsv(input.files![0]))
			.finally(() => (bg.importDone = true));
		bg.derive = (async () => {
			while (!bg.importDone) {
				await w.shopCrm.derive.rebuild();
				bg.rebuilds++;
			}
		})();
	});

	// The cashier, meanwhile: a scanned mug for Zelda, paid by card.
	await openSale(page);
	const entry = page.getByLabel('Add item');
	await entry.fill(MUG_BARCODE);
	await entry.press('Enter');
	await expect(page.getByRole('listitem', { name: 'Stoneware mug' })).toBeVisible();
	await attachCustomer(page, 'Quist', 'Zelda Quist');
	const saleId = await payCard(page);
	// And a customer looked up by name on the Customers screen.
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill('zelda qu');
	await expect(page.getByRole('link', { name: /Zelda Quist/ }).first()).toBeVisible();
	const to = await pageNow(page);
	const during = await page.evaluate(() => ({ importDone: (globalThis as W).__bg.importDone, rebuilds: (globalThis as W).__bg.rebuilds }));
	// Both happened while the import was still running (else this test would prove nothing).
	expect(during.importDone).toBe(false);

	const result = (await page.evaluate(async () => {
		const bg = (globalThis as W).__bg;
		const r = await bg.result;
		await bg.derive;
		return r;
	})) as { ok: boolean; outcome?: { imported: number } };
	expect(result.ok).toBe(true);
	expect(result.outcome?.imported).toBe(ROWS);
	const sale = await page.evaluate((id) => (globalThis as W).shopCrm.sales.get(id), saleId);
	expect(sale?.customerId).toBe(zelda);
	await expect
		.poll(() => page.evaluate((id) => (globalThis as W).shopCrm.sales.settledStats(id), zelda))
		.toMatchObject({ visits: 1, totalSpend: 1250 });

	const tasks = await longTasks(page, from, to);
	const figure = `longest main-thread task while ringing up a sale and searching during a ${ROWS.toLocaleString('en-GB')}-row import and ${during.rebuilds}+ statistics rebuilds: ${formatLongTasks(tasks)}`;
	console.log(figure);
	await testInfo.attach('longest-task', { body: figure, contentType: 'text/plain' });

	// Every customer in: the demo shop's 3,000, Zelda and the import. The list loads them all.
	const everyone = 3000 + 1 + ROWS;
	const search = page.getByRole('searchbox', { name: 'Search customers' });
	await search.fill('');
	const countText = `${everyone.toLocaleString('en-GB')} customers`;
	await expect(page.getByRole('status').filter({ hasText: countText })).toBeVisible({ timeout: 120_000 });
	const table = page.getByRole('table', { name: 'Customers' });
	await expect(table).toHaveAttribute('aria-rowcount', String(everyone + 1));

	// A full rebuild of every customer's statistics, again and again, while the list is scrolled.
	await page.evaluate(() => {
		const w = globalThis as W;
		const r: Rebuilding = (w.__rebuilding = { stop: false, started: 0, done: 0 });
		r.loop = (async () => {
			while (!r.stop) {
				r.started++;
				await w.shopCrm.derive.rebuild();
				r.done++;
			}
		})();
	});
	const scrollFrom = await pageNow(page);
	await table.hover();
	for (let i = 0; i < 30; i++) {
		await page.mouse.wheel(0, 1500);
		await page.waitForTimeout(150);
	}
	const scrollTo = await pageNow(page);
	const rebuilding = await page.evaluate(async () => {
		const r = (globalThis as W).__rebuilding;
		r.stop = true;
		const at = { started: r.started, done: r.done };
		await r.loop;
		return at;
	});
	// The derivation ran during the scrolling (else this figure would prove nothing).
	expect(rebuilding.started).toBeGreaterThan(0);
	// Scrolled well down the list, and the list still counts everyone after the rebuilds.
	const deepest = await table.evaluate((el) =>
		Math.max(...[...el.querySelectorAll('[role="row"][aria-rowindex]')].map((r) => Number(r.getAttribute('aria-rowindex'))))
	);
	expect(deepest).toBeGreaterThan(200);
	await expect(page.getByRole('status').filter({ hasText: countText })).toBeVisible();
	await expect(table).toHaveAttribute('aria-rowcount', String(everyone + 1));

	const scrollTasks = await longTasks(page, scrollFrom, scrollTo);
	const scrollFigure = `longest main-thread task with the customer list (${everyone.toLocaleString('en-GB')} customers) open and scrolled while a ${everyone.toLocaleString('en-GB')}-customer statistics rebuild runs (${rebuilding.started} started, ${rebuilding.done} finished): ${formatLongTasks(scrollTasks)}`;
	console.log(scrollFigure);
	await testInfo.attach('longest-task-customer-list', { body: scrollFigure, contentType: 'text/plain' });
	await context.close();
});
