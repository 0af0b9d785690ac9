// The profile's consent history: a consent given in the form, then withdrawn, is two lines,
// newest first, each saying when, how and by whom; the profile's current consent follows the latest.
import { expect, test } from '@playwright/test';
import { openApp } from './support/app';
import { shot, TABLET_SIZES } from './support/screens';

test('a consent granted then withdrawn is two lines of the history, newest first', async ({ page }) => {
	await openApp(page, '/customers');
	await page.getByRole('button', { name: 'New customer' }).click();
	await page.getByLabel('First name', { exact: true }).fill('Ada');
	await page.getByLabel('Last name', { exact: true }).fill('Lovelace');
	await page.getByLabel('Email', { exact: true }).fill('ada@example.org');
	await page.getByRole('group', { name: 'Email', exact: true }).getByLabel('Granted').check();
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();

	const history = page.getByRole('region', { name: 'Consent history' });
	await expect(history.getByRole('listitem')).toHaveCount(1);
	await expect(history.getByRole('listitem').first()).toContainText('Email granted');

	await page.getByRole('link', { name: 'Edit' }).click();
	await page.getByRole('group', { name: 'Email', exact: true }).getByLabel('Withdrawn').check();
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();

	const lines = history.getByRole('listitem');
	await expect(lines).toHaveCount(2);
	await expect(lines.nth(0)).toContainText('Email withdrawn');
	await expect(lines.nth(1)).toContainText('Email granted');
	// When, in the shop’s format.
	for (const line of await lines.all()) await expect(line).toContainText(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/);
	await expect(lines.nth(0)).not.toContainText('entered before this history was kept');

	await history.scrollIntoViewIfNeeded();
	for (const size of TABLET_SIZES) {
		await page.setViewportSize(size);
		await shot(page, `consent-history-${size.name}`, size);
	}
});
