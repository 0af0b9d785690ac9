// The back office of group benefits through the screens: the benefit policy in Settings (saved and
// shown again; a priority list that misses a group refused at the list), the coupons screen (an end
// before the start refused at the field, nothing saved), and deleting a group a benefit depends on
// (refused with a message, then "Delete group and its 1 benefit").
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import type { AppWindow as W } from './support/tablet';

/** Two manual groups, each with a discount benefit (made through the services the editors call). */
async function seedGroups(page: Page): Promise<{ gold: string; staff: string }> {
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	return page.evaluate(async () => {
		const shop = (globalThis as W).shopCrm;
		const base = { description: '', tags: [] as string[], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false, type: 'manual' as const };
		const ids: string[] = [];
		for (const [name, pct] of [['Gold', 7], ['Staff', 20]] as const) {
			const g = await shop.groups.create({ ...base, name });
			if (!g.ok) throw new Error(JSON.stringify(g.errors));
			const b = await shop.benefits.save({ target: g.id, kind: 'discount', pct });
			if (!b.ok) throw new Error(JSON.stringify(b.errors));
			ids.push(g.id);
		}
		return { gold: ids[0], staff: ids[1] };
	});
}

test('the benefit policy is saved and shown again; a priority list that misses a group is refused', async ({ page }) => {
	await openApp(page, '/settings');
	await seedGroups(page);
	const form = page.getByRole('form', { name: 'Benefit policy' });
	await expect(form.getByRole('radio', { name: 'Best price for the customer' })).toBeChecked();
	await expect(form.getByText('the group created first wins')).toBeVisible();
	await expect(form.getByText('rounded to the nearest penny')).toBeVisible();

	await form.getByRole('radio', { name: 'Groups in a fixed order of priority' }).check();
	const order = form.getByRole('list', { name: 'Priority order' });
	await expect(order.getByRole('listitem')).toHaveText([/Gold/, /Staff/]);
	await form.getByRole('button', { name: 'Move Staff up' }).click();
	await expect(order.getByRole('listitem')).toHaveText([/Staff/, /Gold/]);

	// Take Gold out: refused at the list, naming Gold; nothing saved.
	await form.getByRole('button', { name: 'Remove Gold' }).click();
	await form.getByRole('button', { name: 'Save benefit policy' }).click();
	await expect(form.getByText('“Gold” gives benefits but is missing from the priority order')).toBeVisible();
	expect(await page.evaluate(() => (globalThis as W).shopCrm.benefits.policy())).toMatchObject({ policy: { kind: 'best-price' } });

	// Put it back at the end and save.
	await form.getByLabel('Add a group').selectOption({ label: 'Gold' });
	await form.getByRole('button', { name: 'Add to the order' }).click();
	await form.getByRole('button', { name: 'Save benefit policy' }).click();
	await expect(page.getByText('Benefit policy saved')).toBeVisible();

	// Shown again after a reload, from what was stored.
	await page.reload();
	const again = page.getByRole('form', { name: 'Benefit policy' });
	await expect(again.getByRole('radio', { name: 'Groups in a fixed order of priority' })).toBeChecked();
	await expect(again.getByRole('list', { name: 'Priority order' }).getByRole('listitem')).toHaveText([/Staff/, /Gold/]);
});

test('a coupon whose end is before its start is refused at the field and nothing is saved; a good one is listed', async ({ page }) => {
	await openApp(page, '/settings');
	await seedGroups(page);
	await page.getByRole('link', { name: 'Coupons', exact: true }).last().click();
	await expect(page.getByRole('heading', { name: 'Coupons', level: 1 })).toBeVisible();
	await page.getByRole('button', { name: 'New coupon' }).first().click();

	const editor = page.getByRole('form', { name: 'New coupon' });
	await editor.getByLabel('Code').fill('spring 26');
	await editor.getByRole('radio', { name: 'Amount off' }).check();
	await editor.getByLabel('Amount off (GBP)').fill('5');
	await editor.getByLabel('Valid from').fill('2026-03-31');
	await editor.getByLabel('Valid to').fill('2026-03-01');
	await editor.getByRole('checkbox', { name: 'Gold' }).check();
	await editor.getByRole('button', { name: 'Save coupon' }).click();

	const validTo = editor.getByLabel('Valid to');
	await expect(validTo).toHaveAttribute('aria-invalid', 'true');
	await expect(editor.getByText('The end date is before the start date')).toBeVisible();
	expect(await page.evaluate(() => (globalThis as W).shopCrm.db.coupons.count())).toBe(0);

	await validTo.fill('2026-04-30');
	await editor.getByRole('button', { name: 'Save coupon' }).click();
	await expect(page.getByText('Coupon SPRING26 saved')).toBeVisible();
	const row = page.getByRole('row', { name: /SPRING26/ });
	await expect(row).toContainText('£5.00 off');
	await expect(row).toContainText('31 Mar 2026 – 30 Apr 2026');
	await expect(row).toContainText('Gold');
});

test('deleting a group a benefit depends on is refused with a message, then "Delete group and its 1 benefit" deletes both', async ({ page }) => {
	await openApp(page, '/groups');
	const { gold } = await seedGroups(page);
	await page.goto(`/groups/${gold}`);
	await expect(page.getByRole('heading', { name: 'Gold', level: 1 })).toBeVisible();

	await page.getByRole('button', { name: 'Delete group' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
	await expect(page.getByRole('alert')).toContainText('1 benefit or coupon depends on “Gold”');
	expect(await page.evaluate((id) => (globalThis as W).shopCrm.groups.get(id), gold)).toBeDefined();

	await page.getByRole('button', { name: 'Delete group and its 1 benefit' }).click();
	await expect(page).toHaveURL(/\/groups$/);
	await expect(page.getByText('Group “Gold” deleted')).toBeVisible();
	const left = await page.evaluate(async (id) => {
		const shop = (globalThis as W).shopCrm;
		return { group: await shop.groups.get(id), benefits: await shop.benefits.ofGroup(id), all: (await shop.benefits.snapshot()).benefits.length };
	}, gold);
	expect(left).toEqual({ group: undefined, benefits: [], all: 1 });
});
