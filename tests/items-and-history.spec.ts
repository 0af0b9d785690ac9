// The catalogue (items form and CSV import) and what a customer's purchases show: profile summary,
// points ledger with adjustments, purchase history (live), and statistics in the customer list.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';

type W = typeof globalThis & {
	shopCrm: {
		ready: boolean;
		settings: { stores: { id: string }[] };
		sales: { record(sale: unknown): Promise<{ ok: boolean; errors?: unknown }> };
	};
};

interface LineSpec {
	name: string;
	brand: string;
	variant: string;
	qty: number;
	unitPrice: number;
	discount?: number;
}

let seq = 0;

/** Records a finalised sale for `customerId` through the app's own sales service. */
async function recordSale(page: Page, customerId: string, lines: LineSpec[], opts: { daysAgo?: number; redeemed?: number } = {}) {
	seq++;
	const at = new Date(Date.now() - (opts.daysAgo ?? 0) * 86_400_000).toISOString();
	const saleLines = lines.map((l, i) => ({
		itemId: `item${i}`,
		sku: `SKU-${i}`,
		name: l.name,
		brand: l.brand,
		category: 'Clothes',
		variant: l.variant,
		qty: l.qty,
		unitPrice: l.unitPrice,
		unitCost: Math.round(l.unitPrice / 3),
		discount: l.discount ?? 0,
		discountReason: l.discount ? 'Loyal customer' : '',
		pointsRedeemed: i === 0 ? (opts.redeemed ?? 0) : 0,
		pointsValue: i === 0 ? (opts.redeemed ?? 0) : 0
	}));
	const subtotal = saleLines.reduce((s, l) => s + l.unitPrice * l.qty, 0);
	const discountTotal = saleLines.reduce((s, l) => s + l.discount, 0);
	const pointsValue = opts.redeemed ?? 0;
	const total = subtotal - discountTotal - pointsValue;
	const sale = {
		id: `sale${String(seq).padStart(4, '0')}${Math.random().toString(36).slice(2, 10)}`,
		receiptNo: `CAM-TEST-${String(seq).padStart(6, '0')}`,
		at,
		storeId: '',
		deviceId: 'dev1',
		deviceName: 'Till 1',
		cashier: 'Sam',
		customerId,
		lines: saleLines,
		payments: [{ method: 'card', amount: total }],
		subtotal,
		discountTotal,
		pointsValue,
		total,
		change: 0,
		pointsRedeemed: opts.redeemed ?? 0,
		pointsEarned: Math.floor(total / 100),
		refundOf: null,
		currency: 'GBP'
	};
	const result = await page.evaluate(async (s) => {
		const shop = (globalThis as W).shopCrm;
		s.storeId = shop.settings.stores[0].id;
		return shop.sales.record(s);
	}, sale);
	expect(result.ok, JSON.stringify(result.errors)).toBe(true);
}

/** Creates a customer through the Customers screen; returns their id. */
async function newCustomer(page: Page, first: string, last: string): Promise<string> {
	await page.goto('/customers/new');
	await page.getByLabel('First name', { exact: true }).fill(first);
	await page.getByLabel('Last name', { exact: true }).fill(last);
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('heading', { name: `${first} ${last}` })).toBeVisible();
	return page.url().split('/customers/')[1];
}

test.beforeEach(async ({ page }) => {
	await openApp(page, '/');
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
});

test('an item is created through the form: an unreadable price is refused, then it is saved and listed', async ({ page }) => {
	await page.getByRole('link', { name: 'Items', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'No items yet' })).toBeVisible();
	await page.getByRole('link', { name: 'New item' }).click();

	await page.getByLabel('SKU').fill('TEE-BLU-M');
	await page.getByLabel('Name').fill('Linen tee');
	await page.getByLabel('Brand').fill('Acme');
	await page.getByLabel('Size or variant').fill('M');
	await page.getByLabel('Price (GBP)').fill('12,5x');
	await page.getByRole('button', { name: 'Save item' }).click();
	await expect(page.getByText('“12,5x” is not an amount we can read')).toBeVisible();
	await expect(page.getByLabel('Price (GBP)')).toHaveAttribute('aria-invalid', 'true');

	await page.getByLabel('Price (GBP)').fill('£12.50');
	await page.getByLabel('Can be paid with points').selectOption('full');
	await page.getByRole('button', { name: 'Save item' }).click();
	await expect(page.getByText('Enter how many points pay for this item')).toBeVisible();
	await page.getByLabel('Price in points').fill('1250');
	await page.getByRole('button', { name: 'Save item' }).click();

	await expect(page).toHaveURL(/\/items$/);
	const row = page.getByRole('row', { name: /Linen tee/ });
	await expect(row).toContainText('TEE-BLU-M');
	await expect(row).toContainText('£12.50');
	await expect(row).toContainText('1,250 pts');

	// A second item with the same SKU is refused by name.
	await page.getByRole('link', { name: 'New item' }).click();
	await page.getByLabel('SKU').fill('tee-blu-m');
	await page.getByLabel('Name').fill('Other tee');
	await page.getByLabel('Price (GBP)').fill('5');
	await page.getByRole('button', { name: 'Save item' }).click();
	await expect(page.getByText('is already used by Linen tee')).toBeVisible();

	// Edit: the price changes.
	await page.goto('/items');
	await page.getByRole('link', { name: 'Linen tee' }).click();
	await expect(page.getByLabel('Price (GBP)')).toHaveValue('12.50');
	await page.getByLabel('Price (GBP)').fill('14');
	await page.getByRole('button', { name: 'Save item' }).click();
	await expect(page.getByRole('row', { name: /Linen tee/ })).toContainText('£14.00');
});

test('item CSV import lists every bad row with its reason and imports only the valid rows', async ({ page }) => {
	await page.goto('/items/import');
	const csv = [
		'SKU,Name,Brand,Size,Price,Cost',
		'TEE-1,Linen tee,Acme,M,25.00,10',
		'TEE-2,,Acme,L,25.00,10',
		'HAT-1,Wool hat,Acme,One,abc,',
		'SCF-1,Scarf,Acme,,18.50,6',
		'TEE-1,Linen tee again,Acme,S,20,'
	].join('\n');
	await page.locator('#csv-file').setInputFiles({ name: 'items.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await expect(page.getByRole('heading', { name: '2. Match the columns' })).toBeVisible();
	await expect(page.getByLabel('Import column 4 as')).toHaveValue('variant');
	await page.getByRole('button', { name: 'Continue' }).click();

	await expect(page.getByText('2 rows ready to import')).toBeVisible();
	await expect(page.getByText('3 rows with problems')).toBeVisible();
	const problems = page.getByRole('table', { name: 'Problems' });
	await expect(problems.getByRole('row', { name: /^3 Name/ })).toContainText('Enter the item’s name');
	await expect(problems.getByRole('row', { name: /^4 Price/ })).toContainText('“abc” is not an amount we can read');
	await expect(problems.getByRole('row', { name: /^6 SKU/ })).toContainText('also on row 2');

	await page.getByRole('button', { name: 'Import 2 items' }).click();
	await expect(page.getByText('2 items imported.')).toBeVisible();
	await page.getByRole('link', { name: 'View items' }).click();
	await expect(page.getByRole('link', { name: 'Linen tee' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Scarf' })).toBeVisible();
	await expect(page.getByText('2 items', { exact: true })).toBeVisible();
	await page.getByRole('searchbox', { name: 'Search items' }).fill('scarf');
	await expect(page.getByRole('link', { name: 'Linen tee' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Scarf' })).toBeVisible();
});

test('a customer with sales shows summary, points and history; a sale from elsewhere and an adjustment show at once', async ({ page }) => {
	const id = await newCustomer(page, 'Ada', 'Lovelace');
	await expect(page.getByRole('heading', { name: 'Purchase history' })).toBeVisible();
	await expect(page.getByText('No purchases yet.').first()).toBeVisible();

	await recordSale(page, id, [
		{ name: 'Linen tee', brand: 'Acme', variant: 'M', qty: 2, unitPrice: 2500, discount: 500 },
		{ name: 'Wool hat', brand: 'Knitco', variant: 'One size', qty: 1, unitPrice: 1800 }
	], { daysAgo: 400 });
	await recordSale(page, id, [{ name: 'Scarf', brand: 'Acme', variant: 'M', qty: 1, unitPrice: 3000 }], { daysAgo: 3 });

	// Live: both sales arrive on the open profile without a reload.
	const sales = page.getByTestId('history-sale');
	await expect(sales).toHaveCount(2);
	await expect(sales.first()).toContainText('Scarf');
	await expect(sales.nth(1)).toContainText('Linen tee');
	await expect(sales.nth(1)).toContainText('Acme · M');
	await expect(sales.nth(1)).toContainText('Loyal customer');
	await expect(sales.nth(1)).toContainText('+63 points earned');

	const summary = page.getByRole('region', { name: 'Summary' });
	await expect(summary).toContainText(/Total spend\s*£93\.00/);
	await expect(summary).toContainText(/Last 12 months\s*£30\.00/);
	await expect(summary).toContainText(/Visits\s*2/);
	await expect(summary).toContainText(/Average basket\s*£46\.50/);
	await expect(summary).toContainText('Acme');
	await expect(page.getByTestId('points-balance')).toHaveText('93 points');

	// The receipt opens inline, and the receipt page is one tap away.
	await sales.first().getByRole('button', { name: 'View receipt' }).click();
	await expect(sales.first().getByLabel(/^Receipt CAM-TEST/)).toContainText('Scarf M');
	await expect(sales.first().getByRole('link', { name: /Open receipt/ })).toHaveAttribute('href', /\/sales\/sale/);

	// Adjust: +20 with a reason.
	await page.getByRole('button', { name: 'Adjust points' }).click();
	const dialog = page.getByRole('dialog', { name: 'Adjust points' });
	await dialog.getByLabel('Points', { exact: true }).fill('20');
	await dialog.getByRole('button', { name: 'Save adjustment' }).click();
	await expect(dialog.getByText('Say why')).toBeVisible();
	await dialog.getByLabel('Reason').fill('Goodwill for a late delivery');
	await dialog.getByRole('button', { name: 'Save adjustment' }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('points-balance')).toHaveText('113 points');
	const ledger = page.getByRole('region', { name: 'Points' }).getByRole('table');
	await expect(ledger.getByRole('row').nth(1)).toContainText('Goodwill for a late delivery');
	await expect(ledger.getByRole('row').nth(1)).toContainText('+20');

	// Removing more than the balance leaves it negative, flagged.
	await page.getByRole('button', { name: 'Adjust points' }).click();
	await dialog.getByRole('radio', { name: 'Remove points' }).check();
	await dialog.getByLabel('Points', { exact: true }).fill('150');
	await dialog.getByLabel('Reason').fill('Double redemption');
	await dialog.getByRole('button', { name: 'Save adjustment' }).click();
	await expect(page.getByTestId('points-balance')).toHaveText('-37 points');
	await expect(page.getByText('Balance is negative: two tablets redeemed the same points while offline')).toBeVisible();
});

test('the customer list shows spend and visits, sorts by them and filters by them', async ({ page }) => {
	const ada = await newCustomer(page, 'Ada', 'Buyer');
	await newCustomer(page, 'Bob', 'Browser');
	const cy = await newCustomer(page, 'Cy', 'Regular');
	await recordSale(page, ada, [{ name: 'Scarf', brand: 'Acme', variant: 'M', qty: 1, unitPrice: 3000 }], { daysAgo: 2 });
	for (let i = 0; i < 3; i++) {
		await recordSale(page, cy, [{ name: 'Tee', brand: 'Acme', variant: 'S', qty: 1, unitPrice: 1000 }], { daysAgo: 10 + i });
	}

	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	const table = page.getByRole('table', { name: 'Customers' });
	await expect(table.getByRole('columnheader', { name: 'Spend (12 m)' })).toBeVisible();
	await expect(table.getByRole('row', { name: /Ada Buyer/ })).toContainText('£30.00');
	await expect(table.getByRole('row', { name: /Cy Regular/ })).toContainText('£30.00');

	// Sort by visits: most first.
	await table.getByRole('button', { name: 'Visits' }).click();
	await expect(table.getByRole('row').nth(1)).toContainText('Cy Regular');
	await expect(table.getByRole('row').nth(2)).toContainText('Ada Buyer');

	// A new sale while the list is open updates the row.
	await recordSale(page, ada, [{ name: 'Hat', brand: 'Knitco', variant: 'One', qty: 1, unitPrice: 1500 }], { daysAgo: 1 });
	await expect(table.getByRole('row', { name: /Ada Buyer/ })).toContainText('£45.00');

	await page.getByRole('button', { name: /Filters/ }).click();
	await page.getByLabel('Visits at least').fill('3');
	await expect(table.getByRole('row', { name: /Cy Regular/ })).toBeVisible();
	await expect(table.getByRole('row', { name: /Ada Buyer/ })).toHaveCount(0);
	await expect(table.getByRole('row', { name: /Bob Browser/ })).toHaveCount(0);
	await expect(page.getByRole('group', { name: 'Active filters' })).toContainText('3+ visits');
	await page.getByLabel('Visits at least').fill('');
	await page.getByLabel('Spend over 12 months at least (GBP)').fill('40');
	await page.getByLabel('Spend over 12 months at least (GBP)').press('Enter');
	await page.getByLabel('Spend over 12 months at least (GBP)').blur();
	await expect(table.getByRole('row', { name: /Ada Buyer/ })).toBeVisible();
	await expect(table.getByRole('row', { name: /Cy Regular/ })).toHaveCount(0);

	// Portrait: the figures make room for contact details.
	await page.setViewportSize({ width: 768, height: 1024 });
	await expect(table.getByRole('columnheader', { name: 'Spend (12 m)' })).toBeHidden();
});
