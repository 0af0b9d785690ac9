// Sales history import as an owner does it: choose the old till's export, check the columns, read
// the problems and the rows that match no customer, import; importing the same file again adds nothing.
import { expect, test, type Page } from '@playwright/test';
import type { ShopState } from '../src/lib/state/shop.svelte';
import { openApp } from './support/app';

type W = typeof globalThis & { shopCrm: ShopState };

const ANN_CARD = '2000000000017';
const BEA_CARD = '2000000000024';

// One row per sale line. Ann: card on R1001, her phone in international format on R1003.
// Bea: her email in capitals on R1002. R1004's card is nobody's. R1005 has a date that does not
// exist, R1006 a line of quantity 0 (so its other line is left out too). R1007 names no customer.
const CSV = [
	'Receipt number,Date,Loyalty card,Email,Phone,Item,Qty,Price',
	`R1001,15/03/2024 10:15,${ANN_CARD},,,Stoneware mug,2,12.50`,
	`R1001,15/03/2024 10:15,${ANN_CARD},,,Loose leaf tea,1,6.50`,
	'R1002,16/03/2024 11:00,,BEA@Example.com,,Fig candle,1,8.00',
	'R1003,17/03/2024 09:30,,,+44 7700 900001,Postcard,3,3.00',
	'R1003,17/03/2024 09:30,,,+44 7700 900001,Pen,1,1.99',
	'R1004,18/03/2024 14:00,9999999999999,,,Tote bag,1,5.00',
	'R1005,31/02/2024 10:00,,ann@example.com,,Soap,1,4.00',
	`R1006,19/03/2024 16:45,${BEA_CARD},,,Socks,2,7.00`,
	`R1006,19/03/2024 16:45,${BEA_CARD},,,Hat,0,15.00`,
	'R1007,20/03/2024 12:00,,,,Greeting card,1,2.00'
].join('\r\n');

const ANN_SPEND = 2 * 1250 + 650 + 3 * 300 + 199;
const BEA_SPEND = 800;

async function createCustomer(page: Page, c: { firstName: string; email: string; phone: string; card: string }): Promise<string> {
	const result = await page.evaluate(
		(c) =>
			(globalThis as W).shopCrm.customers.create({
				firstName: c.firstName, lastName: 'Tester', email: c.email, phone: c.phone, birthDate: '', gender: 'not-stated', addresses: [],
				defaultAddressId: null, cards: [c.card], consents: {}, tags: [], notes: '', storeId: '', registeredAt: new Date().toISOString()
			}),
		c
	);
	if (!result.ok) throw new Error(JSON.stringify(result.errors));
	return result.id;
}

async function chooseFileAndPreview(page: Page): Promise<void> {
	await page.getByLabel('CSV file').setInputFiles({ name: 'old-till-sales.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
	// Mapping step: the headers are recognised.
	await expect(page.getByRole('heading', { name: '2. Match the columns' })).toBeVisible();
	await expect(page.getByLabel('Import column 1 as')).toHaveValue('receiptNo');
	await expect(page.getByLabel('Import column 3 as')).toHaveValue('card');
	await expect(page.getByLabel('Import column 8 as')).toHaveValue('unitPrice');
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByRole('heading', { name: '3. Check and import' })).toBeVisible();
}

const problemRows = (page: Page) => page.getByRole('table', { name: 'Problems' }).getByRole('row');
const problemRow = (page: Page, rowNumber: number) =>
	problemRows(page).filter({ has: page.getByRole('cell', { name: String(rowNumber), exact: true }) });

test('imports sales history: customers matched by card, email and phone, unmatched kept without one, bad receipts left out, nothing twice', async ({ page }, testInfo) => {
	await openApp(page, '/sales/import');
	await expect(page.getByRole('heading', { level: 1, name: 'Import sales' })).toBeVisible();
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	const ann = await createCustomer(page, { firstName: 'Ann', email: 'ann@example.com', phone: '07700 900001', card: ANN_CARD });
	const bea = await createCustomer(page, { firstName: 'Bea', email: 'bea@example.com', phone: '07700 900002', card: BEA_CARD });

	await chooseFileAndPreview(page);
	await expect(page.getByText('5 sales (7 rows) ready to import')).toBeVisible();
	await expect(page.getByText('3 rows left out')).toBeVisible();

	// Every problem row with its row number, column, value and reason.
	await expect(problemRows(page)).toHaveCount(1 + 3);
	await expect(problemRow(page, 8)).toContainText('Date');
	await expect(problemRow(page, 8)).toContainText('31/02/2024 10:00');
	await expect(problemRow(page, 8)).toContainText('is not a date and time we can read');
	await expect(problemRow(page, 10)).toContainText('Qty');
	await expect(problemRow(page, 10)).toContainText('“0” is not a quantity we can read');
	await expect(problemRow(page, 9)).toContainText('Left out with the rest of receipt R1006, because row 10 has a problem');

	// The sale whose card matches nobody: listed, and imported without a customer.
	const unmatched = page.getByRole('region', { name: /Rows that match no customer/ });
	await expect(unmatched).toContainText('imported without a customer');
	const unmatchedRows = unmatched.getByRole('table').getByRole('row');
	await expect(unmatchedRows).toHaveCount(1 + 1);
	await expect(unmatchedRows.nth(1)).toContainText('7');
	await expect(unmatchedRows.nth(1)).toContainText('R1004');
	await expect(unmatchedRows.nth(1)).toContainText('9999999999999');

	// The matched customers are named in the preview of the sales.
	const ready = page.getByRole('region', { name: 'Sales to import' });
	await expect(ready.getByRole('row').filter({ hasText: 'R1001' })).toContainText('Ann Tester');
	await expect(ready.getByRole('row').filter({ hasText: 'R1002' })).toContainText('Bea Tester');
	await expect(ready.getByRole('row').filter({ hasText: 'R1003' })).toContainText('Ann Tester');
	await expect(ready.getByRole('row').filter({ hasText: 'R1004' })).toContainText('No match');

	// The problems download as CSV, one line per problem.
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download problems as CSV' }).click()]);
	const text = Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8');
	const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
	expect(lines).toHaveLength(1 + 3);
	expect(lines[0]).toBe('Row,Column,Value,Problem');
	expect(lines[1]).toMatch(/^8,Date,/);

	// For looking at: the top of the preview and its lists, landscape and portrait.
	for (const [width, height] of [[1024, 768], [768, 1024]]) {
		await page.setViewportSize({ width, height });
		await page.getByRole('heading', { level: 1, name: 'Import sales' }).scrollIntoViewIfNeeded();
		await page.screenshot({ path: testInfo.outputPath(`preview-top-${width}x${height}.png`) });
		await page.getByRole('region', { name: /Rows that match no customer/ }).scrollIntoViewIfNeeded();
		await page.screenshot({ path: testInfo.outputPath(`preview-lists-${width}x${height}.png`) });
	}
	await page.setViewportSize({ width: 1024, height: 768 });

	// Nothing is written before the owner confirms.
	expect(await page.evaluate(async () => (await (globalThis as W).shopCrm.sales.receiptNumbers()).size)).toBe(0);

	await page.getByRole('button', { name: 'Import 5 sales' }).click();
	await expect(page.getByRole('status').filter({ hasText: '5 sales imported.' })).toBeVisible();
	await expect(page.getByText('3 rows were left out because of problems in the file.')).toBeVisible();
	await expect(page.getByText(/1 sale matched no customer/)).toBeVisible();

	const stats = (id: string) => page.evaluate((id) => (globalThis as W).shopCrm.sales.settledStats(id), id);
	await expect.poll(async () => (await stats(ann))?.totalSpend).toBe(ANN_SPEND);
	await expect.poll(async () => (await stats(bea))?.totalSpend).toBe(BEA_SPEND);
	expect((await stats(ann))?.visits).toBe(2);
	expect((await stats(bea))?.visits).toBe(1);
	const customerOf = (receiptNo: string) =>
		page.evaluate(async (r) => {
			const sale = await (globalThis as W).shopCrm.sales.byReceiptNo(r);
			return sale ? sale.customerId : 'missing';
		}, receiptNo);
	expect(await customerOf('R1004')).toBeNull();
	expect(await customerOf('R1007')).toBeNull();
	expect(await customerOf('R1003')).toBe(ann);
	expect(await customerOf('R1005')).toBe('missing');
	expect(await customerOf('R1006')).toBe('missing');

	// The same file again: every imported receipt is a duplicate, nothing to import.
	await page.getByRole('button', { name: 'Import another file' }).click();
	await chooseFileAndPreview(page);
	await expect(page.getByText('0 sales (0 rows) ready to import')).toBeVisible();
	await expect(page.getByText('10 rows left out')).toBeVisible();
	for (const [row, receipt] of [[2, 'R1001'], [4, 'R1002'], [5, 'R1003'], [7, 'R1004'], [11, 'R1007']] as const) {
		await expect(problemRow(page, row)).toContainText(`Receipt ${receipt} is already in this shop`);
	}
	await expect(problemRows(page)).toHaveCount(1 + 5 + 3);
	await expect(page.getByRole('button', { name: 'Import 0 sales' })).toBeDisabled();
	await expect(page.getByRole('region', { name: /Rows that match no customer/ })).toHaveCount(0);

	expect(await page.evaluate(async () => (await (globalThis as W).shopCrm.sales.receiptNumbers()).size)).toBe(5);
	expect((await stats(ann))?.totalSpend).toBe(ANN_SPEND);
});

test('a cancelled import keeps the sales written so far; the result links to Sales', async ({ page }) => {
	test.setTimeout(120_000);
	await openApp(page, '/sales/import');
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	// Enough sales for several of the import's chunks, so there is time to cancel between two.
	const N = 12_000;
	const rows = ['Receipt number,Date,Item,Qty,Price'];
	for (let i = 1; i <= N; i++) rows.push(`B${String(i).padStart(6, '0')},2023-0${1 + (i % 9)}-1${i % 10} 12:00,Postcard,1,1.50`);
	await page.getByLabel('CSV file').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
	await expect(page.getByText('No column names the customer (card, email or phone)')).toBeVisible();
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByText(`${N.toLocaleString('en-GB')} sales (${N.toLocaleString('en-GB')} rows) ready to import`)).toBeVisible();
	await page.getByRole('button', { name: `Import ${N.toLocaleString('en-GB')} sales` }).click();
	await expect(page.getByRole('progressbar', { name: 'Importing sales' })).toBeVisible();
	await page.getByRole('button', { name: 'Cancel import' }).click();
	await expect(page.getByRole('heading', { name: 'Import cancelled' })).toBeVisible();
	const status = await page.getByRole('status').filter({ hasText: /imported before the import was cancelled/ }).textContent();
	const imported = Number(status!.replace(/[^\d]/g, ''));
	expect(imported).toBeLessThan(N);
	expect(await page.evaluate(async () => (await (globalThis as W).shopCrm.sales.receiptNumbers()).size)).toBe(imported);

	await page.getByRole('link', { name: 'View sales' }).click();
	await expect(page).toHaveURL(/\/sales$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Sales' })).toBeVisible();
});
