// Screenshots of the group screens at both tablet sizes, for a person to look at (not compared):
// the group list, the rule builder, the tier editor and a profile's Groups section.
// Saved under test-results/screens/ (not committed).
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import { shot, TABLET_SIZES } from './support/screens';
import type { AppWindow as W } from './support/tablet';

const SIZES = TABLET_SIZES;

async function seedShop(page: Page): Promise<string> {
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	return page.evaluate(async () => {
		const shop = (globalThis as W).shopCrm;
		await shop.loadDemoShop(400);
		const base = { description: '', tags: [] as string[], vip: false, discountPct: null, loyaltyEnabled: true, appAccess: false };
		const news = await shop.groups.create({ ...base, type: 'manual', name: 'Newsletter', description: 'Monthly email with new arrivals', tags: ['marketing'] });
		await shop.groups.create({
			...base,
			type: 'tiered',
			name: 'Spend tiers',
			description: 'Levels by spend over the last 12 months',
			tags: ['loyalty'],
			tier: {
				metric: 'spend',
				window: { kind: 'rollingMonths', months: 12 },
				retentionMonths: 0,
				levels: [
					{ id: 'standard', name: 'Standard', min: 0, max: 50000, vip: false },
					{ id: 'gold', name: 'Gold', min: 50000, max: 200000, vip: false },
					{ id: 'platinum', name: 'Platinum', min: 200000, max: null, vip: true }
				]
			}
		});
		await shop.groups.create({
			...base,
			type: 'automatic',
			name: 'Lapsed regulars',
			description: 'Bought often, not seen for three months',
			tags: ['marketing', 'win-back'],
			vip: false,
			discountPct: 10,
			rule: {
				version: 1,
				root: {
					kind: 'block',
					op: 'all',
					children: [
						{ kind: 'stat', metric: 'visits', window: { kind: 'all' }, op: 'gte', value: 4 },
						{ kind: 'daysSinceLastVisit', op: 'gte', value: 90 },
						{ kind: 'block', op: 'none', children: [{ kind: 'tags', match: 'any', tags: ['staff'] }] }
					]
				}
			}
		});
		const first = (await shop.db.customers.orderBy('sortName').first())!;
		if (news.ok) await shop.groups.addMembers([news.id], [first.id]);
		return first.id;
	});
}

test('group screens at both tablet sizes', async ({ page }) => {
	test.setTimeout(180_000);
	await openApp(page, '/groups');
	const customerId = await seedShop(page);
	for (const size of SIZES) {
		await page.setViewportSize({ width: size.width, height: size.height });
		await page.screenshot({ path: `test-results/screens/viewport-groups-${size.name}.png` });
		await page.goto('/groups');
		await expect(page.getByRole('link', { name: /members of Lapsed regulars/ })).toBeVisible({ timeout: 60_000 });
		await shot(page, `group-list-${size.name}`, size);

		await page.getByRole('link', { name: 'Lapsed regulars', exact: true }).click();
		await expect(page.getByRole('region', { name: 'Who matches now' }).getByRole('status')).toBeVisible({ timeout: 30_000 });
		await shot(page, `rule-builder-${size.name}`, size);

		await page.goto('/groups');
		await page.getByRole('link', { name: 'Spend tiers', exact: true }).click();
		await expect(page.getByLabel('Level name')).toHaveCount(3);
		await page.getByRole('button', { name: 'Add level' }).click();
		await page.getByLabel('Level name').nth(3).fill('Diamond');
		await page.getByRole('button', { name: 'Save changes' }).click();
		await expect(page.getByRole('alert')).toBeVisible();
		await shot(page, `tier-editor-${size.name}`, size);

		await page.goto('/customers');
		await page.getByRole('button', { name: /^Select all .* matching$/ }).click();
		await page.screenshot({ path: `test-results/screens/customer-list-selected-${size.name}.png` });

		await page.goto(`/customers/${customerId}`);
		const section = page.getByRole('region', { name: 'Groups' });
		await expect(section.getByRole('link', { name: 'Newsletter' })).toBeVisible({ timeout: 30_000 });
		await section.scrollIntoViewIfNeeded();
		await section.screenshot({ path: `test-results/screens/profile-groups-${size.name}.png` });
		const why = section.getByRole('button', { name: /^Why\?/ }).first();
		if ((await why.count()) > 0) {
			await why.click();
			await expect(page.getByRole('dialog').getByRole('list', { name: 'Conditions' })).toBeVisible();
			await page.screenshot({ path: `test-results/screens/why-${size.name}.png` });
			await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
		}
	}
});
