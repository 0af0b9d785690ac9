// The reported draft bug: a "New customer" form left with a bad email, then a second one opened and
// typed into at once. The old draft must never appear in the new form's fields.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';

async function openNewCustomer(page: Page) {
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('button', { name: 'New customer' }).or(page.getByRole('link', { name: 'New customer' })).first().click();
	await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
}

test('a draft left with a bad email is set aside, never mixed into a new customer being typed', async ({ page }) => {
	await openApp(page, '/customers');
	await openNewCustomer(page);
	await page.getByLabel('First name', { exact: true }).fill('Ana');
	await page.getByLabel('Last name', { exact: true }).fill('Ruiz');
	await page.getByLabel('Email', { exact: true }).fill('ana.ruiz@');
	await page.getByLabel('Email', { exact: true }).blur();
	// Left without saving.
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await expect(page.getByRole('heading', { name: 'New customer' })).toHaveCount(0);

	// A second "New customer", typed into at once.
	await openNewCustomer(page);
	await page.getByLabel('First name', { exact: true }).fill('Ben');
	await page.getByLabel('Last name', { exact: true }).fill('Okafor');
	// What the report saw "about a second later": give a late restore every chance to happen.
	await page.waitForTimeout(1500);
	await expect(page.getByLabel('First name', { exact: true })).toHaveValue('Ben');
	await expect(page.getByLabel('Last name', { exact: true })).toHaveValue('Okafor');
	await expect(page.getByLabel('Email', { exact: true })).toHaveValue('');
	await expect(page.getByText('Your unsaved changes were restored.')).toHaveCount(0);
	// The old draft is kept aside, says whose it was, and opens from its link on its own.
	const aside = page.getByTestId('draft-aside');
	await expect(aside).toContainText(/An unsaved customer from \d\d:\d\d \(Ana Ruiz\) was kept aside/);
	await page.getByLabel('Email', { exact: true }).fill('ben@example.com');
	await aside.getByRole('link', { name: 'Open it' }).click();
	await expect(page).toHaveURL(/\/customers\/new\?draft=aside/);
	await expect(page.getByLabel('First name', { exact: true })).toHaveValue('Ana');
	await expect(page.getByLabel('Email', { exact: true })).toHaveValue('ana.ruiz@');

	// Ben's form kept what was typed in it, separately.
	await openNewCustomer(page);
	const offer = page.getByTestId('draft-offer');
	await expect(offer).toContainText(/Restore the unsaved customer from \d\d:\d\d \(Ben Okafor\)\?/);
	await expect(page.getByLabel('First name', { exact: true })).toHaveValue('');
	await offer.getByRole('button', { name: 'Restore' }).click();
	await expect(page.getByLabel('First name', { exact: true })).toHaveValue('Ben');
	await expect(page.getByLabel('Email', { exact: true })).toHaveValue('ben@example.com');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('heading', { name: 'Ben Okafor' })).toBeVisible();
});

test('a consent the customer answered can be granted or withdrawn, never set back to "Not asked"', async ({ page }) => {
	await openApp(page, '/settings');
	await page.waitForFunction(() => (globalThis as unknown as { shopCrm?: { ready?: boolean } }).shopCrm?.ready);
	const id = await page.evaluate(async () => {
		const shop = (globalThis as unknown as { shopCrm: { customers: { create(d: unknown): Promise<{ ok: boolean; id: string }> } } }).shopCrm;
		const r = await shop.customers.create({
			firstName: 'Cara', lastName: 'Moss', email: 'cara@example.com', phone: '', birthDate: '', gender: 'not-stated', addresses: [],
			defaultAddressId: null, cards: [], consents: { email: { status: 'granted', date: '2026-11-01T10:00:00.000Z', source: 'till', recordedBy: 'Till 1' } },
			tags: [], notes: '', storeId: '', registeredAt: '2026-11-01T10:00:00.000Z'
		});
		if (!r.ok) throw new Error('not created');
		return r.id;
	});
	await page.goto(`/customers/${id}/edit`);
	const email = page.getByRole('group', { name: 'Email' });
	await expect(email.getByRole('radio', { name: 'Withdrawn' })).toBeVisible();
	await expect(email.getByRole('radio', { name: 'Granted' })).toBeChecked();
	await expect(email.getByRole('radio', { name: 'Not asked' })).toHaveCount(0);
	// A channel nobody asked about still offers it.
	await expect(page.getByRole('group', { name: 'SMS' }).getByRole('radio', { name: 'Not asked' })).toBeChecked();
});
