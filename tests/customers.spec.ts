// A person's way through customers: create, find by every kind of key, edit, delete.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';

async function newCustomer(page: Page, fields: Record<string, string>, extra?: (page: Page) => Promise<void>) {
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('button', { name: 'New customer' }).or(page.getByRole('link', { name: 'New customer' })).first().click();
	for (const [label, value] of Object.entries(fields)) {
		if (label === 'Gender') await page.getByLabel('Gender', { exact: true }).selectOption({ label: value });
		else await page.getByLabel(label, { exact: true }).fill(value);
	}
	await extra?.(page);
	await page.getByRole('button', { name: 'Save' }).click();
}

async function search(page: Page, query: string) {
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	const box = page.getByRole('searchbox', { name: 'Search customers' });
	await box.fill(query);
}

test('create, find by each kind of key, edit and delete a customer', async ({ page }) => {
	await openApp(page, '/customers');
	await newCustomer(
		page,
		{
			'First name': 'José',
			'Last name': 'García',
			Email: 'jose.garcia@example.com',
			Phone: '07700 900123',
			'Date of birth': '1985-03-21',
			Gender: 'Male',
			'Card number': '2000012345678'
		},
		async (p) => {
			await p.getByRole('button', { name: 'Add address' }).click();
			await p.getByLabel('Address line 1').first().fill('1 High Street');
			await p.getByLabel('City').first().fill('London');
			await p.getByLabel('Postcode').first().fill('sw1a 1aa');
		}
	);
	// The profile opens with what was saved, normalised.
	await expect(page.getByRole('heading', { name: 'José García' })).toBeVisible();
	await expect(page.getByText('07700 900123')).toBeVisible();
	await expect(page.getByText('SW1A 1AA')).toBeVisible();

	// A second customer who must not match the searches below.
	await newCustomer(page, { 'First name': 'Maria', 'Last name': 'Lopez', Phone: '07700 900999' });
	await expect(page.getByRole('heading', { name: 'Maria Lopez' })).toBeVisible();

	for (const query of ['jose', 'garc', 'José García', '+447700900123', '07700 900123', 'jose.garcia@ex', 'SW1A 1', '2000012345678']) {
		await search(page, query);
		await expect(page.getByText('1 match', { exact: false }).first()).toBeVisible();
		await expect(page.getByRole('link', { name: /José García/ })).toBeVisible();
		await expect(page.getByRole('link', { name: /Maria Lopez/ })).toHaveCount(0);
	}

	// Edit.
	await page.getByRole('link', { name: /José García/ }).click();
	await page.getByRole('link', { name: 'Edit' }).or(page.getByRole('button', { name: 'Edit' })).first().click();
	await page.getByLabel('Last name', { exact: true }).fill('García Márquez');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('heading', { name: 'José García Márquez' })).toBeVisible();
	await search(page, 'marquez');
	await expect(page.getByRole('link', { name: /García Márquez/ })).toBeVisible();

	// Delete, with confirmation.
	await page.getByRole('link', { name: /García Márquez/ }).click();
	await page.getByRole('button', { name: 'Delete' }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog).toContainText('José García Márquez');
	await dialog.getByRole('button', { name: 'Delete' }).click();
	await search(page, 'jose');
	await expect(page.getByText(/no (customers|matches)/i).first()).toBeVisible();
	await expect(page.getByRole('link', { name: /García/ })).toHaveCount(0);
});

test('validation messages sit next to the field and nothing is saved', async ({ page }) => {
	await openApp(page, '/customers/new');
	await page.getByLabel('Email', { exact: true }).fill('not an email');
	await page.getByLabel('Phone', { exact: true }).fill('12');
	await page.getByLabel('Date of birth', { exact: true }).fill('2999-01-01');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('Enter a first or last name')).toBeVisible();
	await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByText(/not look like an email/)).toBeVisible();
	await expect(page.getByText(/not a phone number we can read/)).toBeVisible();
	await expect(page.getByText(/cannot be in the future/)).toBeVisible();
	// The half-filled form is still there.
	await expect(page.getByLabel('Email', { exact: true })).toHaveValue('not an email');
});

test('a card number belongs to one customer only, with a link to its owner', async ({ page }) => {
	await openApp(page, '/customers');
	await newCustomer(page, { 'First name': 'Jane', 'Last name': 'Smith', 'Card number': '2000012345678' });
	await expect(page.getByRole('heading', { name: 'Jane Smith' })).toBeVisible();
	await newCustomer(page, { 'First name': 'John', 'Last name': 'Doe', 'Card number': '2000 0123 45678' });
	await expect(page.getByText('Card 2000012345678 already belongs to Jane Smith')).toBeVisible();
	await page.getByRole('link', { name: /Jane Smith/ }).first().click();
	await expect(page.getByRole('heading', { name: 'Jane Smith' })).toBeVisible();
});

test('creating a customer whose email exists offers to open the existing one', async ({ page }) => {
	await openApp(page, '/customers');
	await newCustomer(page, { 'First name': 'Jane', 'Last name': 'Smith', Email: 'jane@example.com' });
	await expect(page.getByRole('heading', { name: 'Jane Smith' })).toBeVisible();
	await newCustomer(page, { 'First name': 'Janet', 'Last name': 'Smithers', Email: 'JANE@example.com' });
	await expect(page.getByText(/already exists/)).toBeVisible();
	await page.getByRole('link', { name: 'Open Jane Smith' }).click();
	await expect(page.getByRole('heading', { name: 'Jane Smith' })).toBeVisible();
});
