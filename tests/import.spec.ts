// CSV import as an owner does it: choose a file, check the mapping, read the problems, import the good rows.
import { expect, test } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { openApp } from './support/app';

const CSV = [
	'Forename;Surname;E-mail;Mobile;DOB;Loyalty card;Postcode',
	'Ann;Archer;ann@example.com;07700 900001;21/03/1985;2000000000017;NW1 8AB',
	'Bea;Baker;not-an-email;07700 900002;1990-01-01;2000000000024;BN1 1AA',
	'Cai;Carter;cai@example.com;07700 900003;01/01/2999;2000000000031;LS1 4DY',
	'Dee;Dyer;dee@example.com;07700 900004;;2000000000017;',
	'"Émile";"Durand, Jr";emile@example.com;+33 6 12 34 56 78;1970-07-14;;'
].join('\r\n');

test('imports the valid rows of a CSV and lists every bad row with its reason', async ({ page }) => {
	await openApp(page, '/customers');
	await page.getByRole('link', { name: 'Import CSV' }).or(page.getByRole('button', { name: 'Import CSV' })).first().click();
	await page.getByLabel('CSV file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });

	// Mapping step: the semicolon file's headers are recognised.
	await expect(page.getByText('Forename')).toBeVisible();
	await page.getByRole('button', { name: /Continue|Preview|Next/ }).first().click();

	// Preview: 2 good rows (Ann, Émile), 3 refused with row numbers and reasons. Nothing written yet.
	const counts = page.getByTestId('import-counts');
	await expect(counts).toHaveText(/2 new, 0 to update, 0 unchanged, 3 problems/);
	const problems = page.getByRole('region', { name: /problems/i }).or(page.locator('body'));
	await expect(problems.getByText(/email address/).first()).toBeVisible();
	await expect(problems.getByText(/cannot be in the future/).first()).toBeVisible();
	await expect(problems.getByText(/2000000000017/).first()).toBeVisible();

	await page.getByRole('button', { name: /^Import 2 customers/ }).click();
	await expect(page.getByText(/2 customers imported/).filter({ visible: true }).first()).toBeVisible();

	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await expect(page.getByText(/^2 customers$/).first()).toBeVisible();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill('emile');
	await expect(page.getByRole('link', { name: /Émile Durand, Jr/ })).toBeVisible();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill('bea');
	await expect(page.getByRole('link', { name: /Bea/ })).toHaveCount(0);
});

test('exports the filtered list to CSV', async ({ page }) => {
	await openApp(page, '/customers');
	await page.getByRole('link', { name: 'Import CSV' }).or(page.getByRole('button', { name: 'Import CSV' })).first().click();
	await page.getByLabel('CSV file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
	await page.getByRole('button', { name: /Continue|Preview|Next/ }).first().click();
	await page.getByRole('button', { name: /^Import 2 customers/ }).click();
	await expect(page.getByText(/2 customers imported/).filter({ visible: true }).first()).toBeVisible();
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill('ann');
	await expect(page.getByText('1 match').first()).toBeVisible();
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
	const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
	const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
	expect(lines).toHaveLength(2);
	expect(lines[0]).toContain('First name');
	expect(lines[1]).toContain('ann@example.com');
	expect(lines[1]).toMatch(/07700 900001|\+447700900001/);
});

test.describe('files that are not a customer CSV get a clear message and write nothing', () => {
	const header = Array.from({ length: 200 }, (_, i) => `Column ${i + 1}`).join(',');
	const cases: { what: string; name: string; buffer: Buffer; message: RegExp }[] = [
		{
			what: 'a PNG picture renamed to .csv',
			name: 'photo.csv',
			buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
			message: /This file is not a CSV file/
		},
		{
			what: 'an Excel workbook renamed to .csv',
			name: 'customers.csv',
			buffer: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0]), Buffer.from('[Content_Types].xml')]),
			message: /spreadsheet workbook .* not a CSV file/
		},
		{ what: 'an empty file', name: 'empty.csv', buffer: Buffer.alloc(0), message: /This file is empty/ },
		{
			what: 'a header without rows',
			name: 'header.csv',
			buffer: Buffer.from('First name,Last name,Email\r\n'),
			message: /only the column names and no customers/
		},
		{ what: '200 columns', name: 'wide.csv', buffer: Buffer.from(`${header}\n${header}\n`), message: /200 columns/ },
		{
			what: 'a 50 MB single line',
			name: 'line.csv',
			buffer: Buffer.alloc(50 * 1024 * 1024, 'x,'),
			message: /longer than a million characters without a line break/
		}
	];
	for (const c of cases) {
		test(c.what, async ({ page }, testInfo) => {
			await openApp(page, '/customers/import');
			// Playwright sends buffers of up to 50 MB; a larger file goes by path.
			const path = testInfo.outputPath(c.name);
			await writeFile(path, c.buffer);
			await page.getByLabel('CSV file').setInputFiles(path);
			await expect(page.getByRole('alert')).toHaveText(c.message);
			await expect(page.getByRole('heading', { name: '1. Choose the spreadsheet' })).toBeVisible();
			type W = { shopCrm: { customers: { count(): Promise<number> } } };
			expect(await page.evaluate(() => (globalThis as unknown as W).shopCrm.customers.count())).toBe(0);
		});
	}
});

test('a customer import of a few thousand rows runs off the main thread (longest task recorded)', async ({ browser }, testInfo) => {
	// A context of its own, without the runner's tracing: its DOM snapshots run on the page's main
	// thread and would be measured as the import's tasks.
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
	const page = await context.newPage();
	const ROWS = 4000;
	const lines = ['First name,Last name,Email,Loyalty card,Postcode'];
	for (let i = 0; i < ROWS; i++) lines.push(`Ann${i},Archer${i},ann${i}@example.com,30000${String(i).padStart(8, '0')},NW1 8AB`);
	await page.addInitScript({
		content: `(() => {
			const w = globalThis;
			w.__longest = 0;
			w.__longTasks = 0;
			new PerformanceObserver((list) => {
				for (const e of list.getEntries()) {
					if (!w.__measuring) continue;
					w.__longTasks++;
					w.__longest = Math.max(w.__longest, e.duration);
				}
			}).observe({ type: 'longtask', buffered: true });
		})();`
	});
	await openApp(page, '/customers/import');
	type W = { __measuring: boolean; __longest: number; __longTasks: number };
	await page.evaluate(() => ((globalThis as unknown as W).__measuring = true));
	// By path: a buffer would be decoded into a File by script in the page, a long task of its own.
	const path = testInfo.outputPath('many.csv');
	await writeFile(path, lines.join('\r\n'));
	await page.getByLabel('CSV file').setInputFiles(path);
	await expect(page.getByText(`many.csv: ${ROWS.toLocaleString('en-GB')} rows.`)).toBeVisible();
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByTestId('import-counts')).toContainText(`${ROWS.toLocaleString('en-GB')} new`);
	await page.getByRole('button', { name: `Import ${ROWS.toLocaleString('en-GB')} customers` }).click();
	await expect(page.getByRole('status').filter({ hasText: `${ROWS.toLocaleString('en-GB')} customers imported.` })).toBeVisible({
		timeout: 60_000
	});
	const { longest, count } = await page.evaluate(() => {
		const w = globalThis as unknown as W;
		w.__measuring = false;
		return { longest: w.__longest, count: w.__longTasks };
	});
	// A figure to read, not a threshold: timings vary with the machine (the bench measures 100,000 rows).
	const figure = `longest main-thread task during a ${ROWS}-row customer import: ${Math.round(longest)} ms (${count} tasks of 50 ms or more)`;
	console.log(figure);
	await testInfo.attach('longest-task', { body: figure, contentType: 'text/plain' });
	type S = { shopCrm: { customers: { count(): Promise<number> } } };
	expect(await page.evaluate(() => (globalThis as unknown as S).shopCrm.customers.count())).toBe(ROWS);
	await context.close();
});
