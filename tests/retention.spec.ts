// Retention: customers with no sale and no profile change for N years are listed and erased in bulk.
import { expect, test } from '@playwright/test';
import type { AppWindow as W } from './support/tablet';

test('customers untouched for longer than the setting are listed and erased in bulk', async ({ page, context }) => {
	// Registered years ago: the tablet's clock then said 2021 (the clock is the context's).
	await context.clock.install({ time: new Date('2021-03-01T10:00:00Z') });
	const past = await context.newPage();
	await past.goto('/settings');
	await past.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	for (const [firstName, email] of [['Olga', 'olga.old@example.org'], ['Otto', 'otto.old@example.org']]) {
		const r = await past.evaluate(
			({ firstName, email }) =>
				(globalThis as W).shopCrm.customers.create({
					firstName, lastName: 'Dormant', email, phone: '', birthDate: '', gender: 'not-stated', addresses: [], defaultAddressId: null,
					cards: [], consents: {}, tags: [], notes: '', storeId: '', registeredAt: new Date().toISOString()
				}),
			{ firstName, email }
		);
		expect(r.ok).toBe(true);
	}
	await past.close();
	await context.clock.setSystemTime(new Date());

	await page.goto('/settings');
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	const recent = await page.evaluate(() =>
		(globalThis as W).shopCrm.customers.create({
			firstName: 'Nina', lastName: 'Recent', email: '', phone: '', birthDate: '', gender: 'not-stated', addresses: [], defaultAddressId: null,
			cards: [], consents: {}, tags: [], notes: '', storeId: '', registeredAt: new Date().toISOString()
		})
	);
	expect(recent.ok).toBe(true);
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('link', { name: 'Retention' }).click();
	await expect(page.getByLabel(/no sale and no login/)).toHaveValue('3');
	await expect(page.getByTestId('retention-count')).toHaveText('2 customers');
	await expect(page.getByRole('link', { name: 'Olga Dormant' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Nina Recent' })).toHaveCount(0);

	// Ten years: nobody is that old here.
	await page.getByLabel(/no sale and no login/).fill('10');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('No customer has been inactive that long.')).toBeVisible();
	await page.getByLabel(/no sale and no login/).fill('0');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('Enter a whole number of years from 1 to 50')).toBeVisible();
	await page.getByLabel(/no sale and no login/).fill('3');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByTestId('retention-count')).toHaveText('2 customers');

	await page.getByRole('button', { name: 'Erase personal data of all 2' }).click();
	const dialog = page.getByRole('dialog', { name: 'Erase personal data' });
	await dialog.getByLabel('Type ERASE to confirm').fill('ERASE');
	await dialog.getByRole('button', { name: 'Erase personal data' }).click();
	await expect(page.getByText('2 customers erased')).toBeVisible();
	await expect(page.getByText('No customer has been inactive that long.')).toBeVisible();
	await expect(page.getByRole('region', { name: 'Erasure log' }).getByRole('listitem')).toHaveCount(2);
	expect(await page.evaluate(() => (globalThis as W).shopCrm.customers.count())).toBe(1);
});
