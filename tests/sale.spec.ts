// A cashier's way through the till: ring up, attach a customer, pay with points, refund a line,
// track a sale afterwards, and the refusals that write nothing.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import { attachCustomer, MUG_BARCODE, newCustomer, openSale, payCard, seedItems } from './support/till';

interface Stats {
	totalSpend: number;
	pointsBalance: number;
	pointsRedeemed: number;
	visits: number;
}

type W = typeof globalThis & {
	shopCrm: {
		ready: boolean;
		items: { save(item: unknown): Promise<{ ok: boolean }> };
		sales: { settledStats(id: string): Promise<Stats | undefined>; recent(n?: number): Promise<unknown[]> };
	};
};

function stats(page: Page, customerId: string) {
	return page.evaluate((id) => (globalThis as W).shopCrm.sales.settledStats(id), customerId);
}

test('sell to a customer, pay with points, refund a line, track a sale afterwards', async ({ page }) => {
	await openApp(page, '/customers');
	await seedItems(page);
	const ada = await newCustomer(page, 'Ada', 'Lovelace');

	// Sale 1: a scanned mug (three of them) and a candle found by name, for Ada, by card.
	await openSale(page);
	const entry = page.getByLabel('Add item');
	await entry.fill(MUG_BARCODE);
	await entry.press('Enter');
	await expect(page.getByRole('listitem', { name: 'Stoneware mug' })).toBeVisible();
	await page.getByRole('button', { name: 'One more Stoneware mug' }).click();
	await page.getByRole('button', { name: 'One more Stoneware mug' }).click();
	await entry.fill('fig');
	await page.getByRole('list', { name: 'Matching items' }).getByRole('button', { name: /Fig candle/ }).click();
	await expect(page.getByTestId('total')).toHaveText('£45.50');
	await attachCustomer(page, 'Lovelace', 'Ada Lovelace');
	await expect(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
	const sale1 = await payCard(page);
	await expect(page.getByRole('figure', { name: /Receipt/ })).toContainText('Stoneware mug');
	await expect(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
	await expect.poll(() => stats(page, ada)).toMatchObject({ totalSpend: 4550, pointsBalance: 45, visits: 1 });

	// Sale 2: the candle paid wholly with 15 of her points; nothing left to pay.
	await page.getByRole('link', { name: 'New sale' }).click();
	await entry.fill('CAN-1');
	await entry.press('Enter');
	await attachCustomer(page, 'Ada', 'Ada Lovelace');
	await page.getByRole('button', { name: 'Use 15 points' }).click();
	await expect(page.getByTestId('total')).toHaveText('£0.00');
	await payCard(page);
	await expect.poll(() => stats(page, ada)).toMatchObject({ totalSpend: 4550, pointsBalance: 30, pointsRedeemed: 15, visits: 2 });

	// Refund one mug of sale 1: spend and the points it earned go back down.
	await page.getByRole('link', { name: 'Sales', exact: true }).click();
	const rows = page.getByRole('table', { name: 'Sales' }).getByRole('row');
	await expect(rows).toHaveCount(3); // header + two sales
	await page.goto(`/sales/${sale1}`);
	await page.getByRole('button', { name: 'Refund', exact: true }).click();
	await page.getByRole('button', { name: 'Refund one more Stoneware mug' }).click();
	await page.getByRole('button', { name: 'Refund 1 item' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Refund / })).toBeVisible();
	await expect(page.getByRole('figure', { name: /Receipt/ })).toContainText('REFUND');
	await expect.poll(() => stats(page, ada)).toMatchObject({ totalSpend: 3300, pointsBalance: 18 });
	await page.getByRole('link', { name: 'Sales', exact: true }).click();
	await expect(page.getByText('Refund', { exact: true })).toHaveCount(1);

	// Sale 3 without a customer, cash with change; then "Track a sale" from its receipt.
	await openSale(page);
	await entry.fill('MUG-1');
	await entry.press('Enter');
	await page.getByRole('button', { name: 'Cash', exact: true }).click();
	await page.getByLabel('Cash tendered').fill('20');
	await expect(page.getByText('Change £7.50')).toBeVisible();
	await page.getByRole('button', { name: 'Paid' }).click();
	await expect(page.getByRole('heading', { name: 'Track a sale' })).toBeVisible();
	await page.getByRole('button', { name: 'Attach customer' }).click();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill('Lovelace');
	await page.getByRole('list', { name: 'Customers found' }).getByRole('button', { name: /Ada Lovelace/ }).click();
	await expect(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
	await expect.poll(() => stats(page, ada)).toMatchObject({ totalSpend: 4550, pointsBalance: 30, visits: 3 });
});

test('refusals show why and record nothing', async ({ page }) => {
	await openApp(page, '/customers');
	await seedItems(page);
	const bob = await newCustomer(page, 'Bob', 'Newcomer');
	const recorded = () => page.evaluate(async () => (await (globalThis as W).shopCrm.sales.recent()).length);

	// An empty cart.
	await openSale(page);
	await page.getByRole('button', { name: 'Paid' }).click();
	await expect(page.getByText('Add at least one item to the sale')).toBeVisible();

	// A code nobody has.
	const entry = page.getByLabel('Add item');
	await entry.fill('NOPE-404');
	await entry.press('Enter');
	await expect(page.getByText('Nothing matches “NOPE-404”')).toBeVisible();

	// A quantity of zero.
	await entry.fill('MUG-1');
	await entry.press('Enter');
	await page.getByRole('textbox', { name: 'Quantity of Stoneware mug' }).fill('0');
	await expect(page.getByText('The quantity of Stoneware mug must be a whole number of 1 or more').first()).toBeVisible();
	await page.getByRole('button', { name: 'Paid' }).click();
	await expect(page).toHaveURL(/\/sale$/);
	await page.getByRole('textbox', { name: 'Quantity of Stoneware mug' }).fill('1');

	// Points over a balance of zero.
	await entry.fill('CAN-1');
	await entry.press('Enter');
	await attachCustomer(page, 'Newcomer', 'Bob Newcomer');
	await page.getByLabel(/^Points/).fill('15');
	await expect(page.getByText('Only 0 points available')).toBeVisible();
	await page.getByRole('button', { name: 'Paid' }).click();
	await expect(page).toHaveURL(/\/sale$/);

	// Unreadable cash.
	await page.getByLabel(/^Points/).fill('');
	await page.getByRole('button', { name: 'Cash', exact: true }).click();
	await page.getByLabel('Cash tendered').fill('lots');
	await page.getByRole('button', { name: 'Paid' }).click();
	await expect(page.getByText('“lots” is not an amount we can read').first()).toBeVisible();
	// Short cash.
	await page.getByLabel('Cash tendered').fill('5');
	await page.getByRole('button', { name: 'Paid' }).click();
	await expect(page.getByText('£15.50 still to pay')).toBeVisible();

	expect(await recorded()).toBe(0);
	expect(await stats(page, bob)).toBeUndefined();
});

test('the shop’s loyalty settings decide the points a sale earns', async ({ page }) => {
	await openApp(page, '/settings');
	// Bad input first: a clear message, nothing saved.
	await page.getByLabel('Points per £1 spent').fill('-3');
	await page.getByRole('button', { name: 'Save loyalty points' }).click();
	await expect(page.getByText(/a number from 0 to 100/)).toBeVisible();
	// 1.5 points per £1, rounded up: a £12.50 mug earns 18.75 → 19 points.
	await page.getByLabel('Points per £1 spent').fill('1.5');
	await page.getByLabel('Rounding of points earned').selectOption('up');
	await page.getByRole('button', { name: 'Save loyalty points' }).click();
	await expect(page.getByText('Loyalty points saved')).toBeVisible();

	await seedItems(page);
	const id = await newCustomer(page, 'Loyal', 'Larry');
	await openSale(page);
	await page.getByLabel('Add item').fill(MUG_BARCODE);
	await page.getByLabel('Add item').press('Enter');
	await attachCustomer(page, 'Larry', 'Loyal Larry');
	await payCard(page);
	await expect.poll(async () => (await stats(page, id))?.pointsBalance).toBe(19);
});
