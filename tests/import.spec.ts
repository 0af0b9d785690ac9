// CSV import as an owner does it: choose a file, check the mapping, read the problems, import the good rows.
import { expect, test } from '@playwright/test';
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
	await expect(page.getByText(/2 rows? ready/)).toBeVisible();
	await expect(page.getByText(/3 rows? with problems/)).toBeVisible();
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
