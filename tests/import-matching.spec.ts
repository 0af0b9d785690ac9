// Importing the same Shopify export twice: the second import matches every row to the customer the
// first one made, creates nobody and changes nothing; the opening balance ("Total Spent", "Total
// Orders") shows on the profile as such and counts in the statistics.
import { expect, test } from '@playwright/test';
import { openApp } from './support/app';

const ROWS = 60;
const HEADER = 'First Name,Last Name,Email,Accepts Email Marketing,Address1,City,Zip,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Tags,Note';

function shopifyCsv(): string {
	const lines = [HEADER];
	for (let i = 0; i < ROWS; i++) {
		const n = String(i).padStart(3, '0');
		lines.push(
			[`Ann${n}`, 'Archer', `ann${n}@example.com`, i % 2 ? 'yes' : 'no', `${i + 1} High Street`, 'Leeds', 'LS1 1AA',
				`+44 7700 900${n}`, 'no', `"${i + 1},234.50"`, String(i + 2), 'vip', `Note ${n}`].join(',')
		);
	}
	return lines.join('\r\n');
}

async function importFile(page: import('@playwright/test').Page, csv: string) {
	await openApp(page, '/customers/import');
	await page.getByLabel('CSV file').setInputFiles({ name: 'shopify-customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await expect(page.getByText('Total Spent', { exact: true }).first()).toBeVisible();
	await page.getByRole('button', { name: /Continue|Preview|Next/ }).first().click();
}

test('the same Shopify-layout file imported twice: no new customer, all unchanged; the profile shows the opening balance', async ({ page }) => {
	const csv = shopifyCsv();
	await importFile(page, csv);
	await expect(page.getByTestId('import-counts')).toHaveText(`${ROWS} new, 0 to update, 0 unchanged, 0 problems`);
	// The opening balance column is shown with the rows.
	await expect(page.getByRole('cell', { name: '£1,234.50, 2 orders' })).toBeVisible();
	await page.getByRole('button', { name: `Import ${ROWS} customers` }).click();
	await expect(page.getByRole('status').filter({ hasText: `${ROWS} customers imported.` })).toBeVisible();

	await importFile(page, csv);
	await expect(page.getByTestId('import-counts')).toHaveText(`0 new, 0 to update, ${ROWS} unchanged, 0 problems`);
	await expect(page.getByRole('button', { name: /^Import 0 customers/ })).toBeDisabled();
	// "Overwrite" changes nothing either: every value is already there.
	await page.getByRole('radio', { name: /Overwrite/ }).check();
	await expect(page.getByTestId('import-counts')).toHaveText(`0 new, 0 to update, ${ROWS} unchanged, 0 problems`);

	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await expect(page.getByText(new RegExp(`^${ROWS} customers$`)).first()).toBeVisible();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill('ann000@example.com');
	await page.getByRole('link', { name: /Ann000 Archer/ }).click();
	const opening = page.getByTestId('opening-balance');
	await expect(opening).toContainText(/Opening balance from import, \d{1,2} \w{3} \d{4}: £1,234\.50 over 2 orders/);
	// Statistics count it from day one: spend and visits, not a sale.
	const summary = page.getByRole('region', { name: 'Summary' });
	await expect(summary.getByRole('definition').first()).toHaveText('£1,234.50');
	await expect(summary.getByText('Visits').locator('xpath=following-sibling::dd')).toHaveText('2');
	await expect(summary.getByText('No purchases yet.')).toHaveCount(0);
	// Never as invented sales: the purchase history stays empty.
	await expect(page.getByText(/^No purchases yet\. Sales made with this customer/)).toBeVisible();
});

test('a changed row updates its customer (matched customer shown beside it); rows sharing an email are problems', async ({ page }) => {
	const csv = shopifyCsv();
	await importFile(page, csv);
	await page.getByRole('button', { name: `Import ${ROWS} customers` }).click();
	await expect(page.getByRole('status').filter({ hasText: `${ROWS} customers imported.` })).toBeVisible();

	const edited = csv
		.replace('Note 005', 'Prefers green')
		.replace('ann007@example.com', 'ann006@example.com')
		.concat('\r\nNew,Person,new@example.com,yes,1 Low Road,York,YO1 7HH,+44 7700 900999,no,0,0,,');
	await importFile(page, edited);
	await page.getByRole('radio', { name: /Overwrite/ }).check();
	await expect(page.getByTestId('import-counts')).toHaveText(`1 new, 1 to update, ${ROWS - 3} unchanged, 2 problems`);
	const row = page.getByRole('row', { name: /Ann005/ });
	await expect(row.getByRole('link', { name: 'Ann005 Archer' })).toBeVisible();
	await expect(row).toContainText('same email: Notes');
	await expect(page.getByText(/Rows 8, 9 share the email “ann006@example.com”/).first()).toBeVisible();
	await page.getByRole('button', { name: 'Import 1 new, update 1' }).click();
	await expect(page.getByTestId('import-updated')).toContainText('1 existing customer updated');
});
