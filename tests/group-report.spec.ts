// The group report and the campaign export (issue 9): the report's figures match the sales rung up
// at the till in this test; the export leaves out customers without consent (checked in the
// downloaded CSV and the "left out" message) and the export is recorded and listed. Screenshots of
// the report with its chart and word cloud at both tablet sizes go to test-results/screens/.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import { shot, TABLET_SIZES } from './support/screens';
import { attachCustomer, MUG_BARCODE, openSale, payCard, seedItems } from './support/till';
import type { AppWindow as W } from './support/tablet';
import { emptyDraft, type Consent, type CustomerDraft } from '../src/lib/domain/customer';

const SIZES = TABLET_SIZES;

const NOW = new Date().toISOString();
const consent = (status: Consent['status']): Consent => ({ status, date: NOW, source: 'back-office', recordedBy: 'Test' });
const draft = (over: Partial<CustomerDraft>): CustomerDraft => ({ ...emptyDraft(NOW), ...over });

/** Customers and a manual group of some of them, through the app's services; returns ids. */
async function seed(page: Page, customers: CustomerDraft[], groupName: string, members: number[]) {
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	return page.evaluate(
		async ({ customers, groupName, members }) => {
			const shop = (globalThis as W).shopCrm;
			const ids: string[] = [];
			for (const c of customers) {
				const r = await shop.customers.create(c);
				if (!r.ok) throw new Error(JSON.stringify(r.errors));
				ids.push(r.id);
			}
			const g = await shop.groups.create({ name: groupName, description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false, type: 'manual' });
			if (!g.ok) throw new Error(JSON.stringify(g.errors));
			await shop.groups.addMembers([g.id], members.map((i) => ids[i]));
			await shop.derive.idle();
			return { ids, groupId: g.id };
		},
		{ customers, groupName, members }
	);
}

async function sellMugs(page: Page, n: number) {
	const entry = page.getByLabel('Add item');
	await entry.fill(MUG_BARCODE);
	await entry.press('Enter');
	await expect(page.getByRole('listitem', { name: 'Stoneware mug' })).toBeVisible();
	for (let i = 1; i < n; i++) await page.getByRole('button', { name: 'One more Stoneware mug' }).click();
}

async function sellCandle(page: Page) {
	const entry = page.getByLabel('Add item');
	await entry.fill('CAN-1');
	await entry.press('Enter');
	await expect(page.getByRole('listitem', { name: 'Fig candle' })).toBeVisible();
}

test('the group report’s figures match the sales rung up at the till', async ({ page }) => {
	test.setTimeout(180_000);
	await openApp(page, '/customers');
	await seedItems(page);
	const { groupId } = await seed(
		page,
		[draft({ firstName: 'Ada', lastName: 'Member' }), draft({ firstName: 'Bo', lastName: 'Member' }), draft({ firstName: 'Cy', lastName: 'Outsider' })],
		'Regulars',
		[0, 1]
	);

	// Ada: two mugs (£25.00, margin £17.00, 25 points). Bo: a candle (£8.00, margin £5.00, 8 points).
	// Cy, not in the group: a mug (£12.50). Nobody: a candle (£8.00). Then one of Ada's mugs refunded.
	await openSale(page);
	await sellMugs(page, 2);
	await attachCustomer(page, 'Ada', 'Ada Member');
	const adaSale = await payCard(page);
	await openSale(page);
	await sellCandle(page);
	await attachCustomer(page, 'Bo', 'Bo Member');
	await payCard(page);
	await openSale(page);
	await sellMugs(page, 1);
	await attachCustomer(page, 'Cy', 'Cy Outsider');
	await payCard(page);
	await openSale(page);
	await sellCandle(page);
	await payCard(page);
	await page.goto(`/sales/${adaSale}`);
	await page.getByRole('button', { name: 'Refund', exact: true }).click();
	await page.getByRole('button', { name: 'Refund one more Stoneware mug' }).click();
	await page.getByRole('button', { name: 'Refund 1 item' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Refund / })).toBeVisible();

	await page.goto(`/groups/${groupId}`);
	await page.getByRole('link', { name: 'Report', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Report: Regulars' })).toBeVisible();
	const row = (key: string) => page.getByTestId(`figure-${key}`).getByRole('cell');
	// Group: 25.00 + 8.00 − 12.50; shop: that + 12.50 + 8.00.
	await expect(row('sales')).toHaveText(['£20.50', '£41.00']);
	await expect(row('transactions')).toHaveText(['2', '4']);
	await expect(row('averageBasket')).toHaveText(['£10.25', '£10.25']);
	// Margin: 2 × 8.50 + 5.00 − 8.50 for the group; + 8.50 + 5.00 for the shop.
	await expect(row('margin')).toHaveText(['£13.50', '£27.00']);
	// Points: 25 + 8 − 13 (the refund takes back half of the sale's 25, rounded); the shop's include the sales
	// without a customer (a sale earns its points whether or not one is attached, so tracking it later awards them).
	await expect(row('pointsEarned')).toHaveText(['20', '40']);
	await expect(row('pointsRedeemed')).toHaveText(['0', '0']);
	await expect(page.getByTestId('report-share')).toHaveText('50.0 %');
	await expect(page.getByText('2 of 2 members bought something')).toBeVisible();
	await expect(page.getByTestId('report-moves')).toContainText('2 joined · 0 left');

	// The word cloud: laid out by d3-cloud as SVG text, and the same in words with amounts.
	const cloud = page.getByTestId('word-cloud');
	await expect(cloud.locator('text')).toHaveText(['Home', 'Potter', 'Glow'], { useInnerText: false, timeout: 15_000 });
	const list = page.locator('#cloud-list li');
	await expect(list).toHaveText([/Home.*category.*£20\.50/, /Potter.*brand.*£12\.50/, /Glow.*brand.*£8\.00/]);
	// The chart: Chart.js drew on its canvas.
	await expect
		.poll(() => page.getByTestId('report-chart').locator('canvas').evaluate((c: HTMLCanvasElement) => c.width > 0 && c.toDataURL().length > 5000))
		.toBe(true);

	// The figures as CSV.
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export figures (CSV)' }).click()]);
	const csv = readFileSync((await download.path())!, 'utf8');
	const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
	expect(lines[0]).toBe('period start,period end,scope,sales,transactions,average basket,gross margin,points earned,points redeemed');
	expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},Regulars,20\.50,2,10\.25,13\.50,20,0$/);
	expect(lines[2]).toMatch(/,Whole shop,41\.00,4,10\.25,27\.00,40,0$/);

	for (const size of SIZES) {
		await page.setViewportSize(size);
		await expect(cloud.locator('text')).toHaveCount(3, { timeout: 15_000 });
		await page.waitForTimeout(300);
		await shot(page, `group-report-${size.name}`, size);
	}

	// A bad range is refused at its field, and nothing is shown for it.
	await page.getByLabel('To', { exact: true }).fill('2020-01-01');
	await page.getByRole('button', { name: 'Show report' }).click();
	await expect(page.getByText('The end date is before the start date')).toBeVisible();
	await expect(page.getByLabel('To', { exact: true })).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('figure-sales')).toHaveCount(0);
	await page.getByLabel('From', { exact: true }).fill('');
	await page.getByRole('button', { name: 'Show report' }).click();
	await expect(page.getByText('Choose both a start and an end date')).toBeVisible();
	// A quick range puts it right.
	await page.getByRole('button', { name: 'Last 30 days' }).click();
	await expect(row('sales')).toHaveText(['£20.50', '£41.00']);
});

test('the campaign export leaves out customers without consent, says why, and is recorded', async ({ page }) => {
	test.setTimeout(120_000);
	await openApp(page, '/customers');
	const { groupId } = await seed(
		page,
		[
			draft({ firstName: 'Ann', lastName: 'Yes', email: 'ann@example.com', phone: '+447700900001', consents: { email: consent('granted'), sms: consent('granted') } }),
			draft({ firstName: 'Ben', lastName: 'Never', email: 'ben@example.com' }),
			draft({ firstName: 'Cat', lastName: 'Withdrew', email: 'cat@example.com', consents: { email: consent('withdrawn') } }),
			draft({ firstName: 'Dan', lastName: 'Noaddress', consents: { email: consent('granted') } }),
			draft({ firstName: 'Eve', lastName: 'Outsider', email: 'eve@example.com', consents: { email: consent('granted') } })
		],
		'Newsletter',
		[0, 1, 2, 3]
	);
	const device = await page.evaluate(() => (globalThis as W).shopCrm.device.name);

	await page.goto(`/groups/${groupId}`);
	const section = page.getByRole('region', { name: 'Campaign export' });
	await expect(section.getByText('No campaign exports of this group yet.')).toBeVisible();
	const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Export for campaign' }).click()]);
	expect(download.suggestedFilename()).toMatch(/^newsletter-email-\d{4}-\d{2}-\d{2}\.csv$/);
	const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
	expect(csv.split('\r\n')).toEqual(['first name,last name,email', 'Ann,Yes,ann@example.com', '']);
	await expect(section.getByTestId('campaign-outcome')).toContainText('Exported 1 customer for Email.');
	await expect(section.getByTestId('campaign-left-out')).toHaveText(
		'3 left out: 1 email consent withdrawn, 1 no email consent, 1 consent but no email address.'
	);
	// Recorded in the replicated log and listed: when, channel, how many, who.
	const log = section.getByTestId('campaign-log').getByRole('row');
	await expect(log).toHaveCount(2);
	await expect(log.nth(1).getByRole('cell')).toHaveText([/\d{4}/, 'Email', '1', '3 (1 email consent withdrawn, 1 no email consent, 1 consent but no email address)', device]);

	// From the customer list filtered to the group: SMS this time.
	await page.goto(`/customers?group=${groupId}`);
	await page.getByRole('button', { name: 'Campaign export of “Newsletter”…' }).click();
	const dialog = page.getByRole('dialog', { name: 'Campaign export: Newsletter' });
	await dialog.getByLabel('Channel').selectOption('sms');
	const [sms] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export for campaign' }).click()]);
	const smsCsv = readFileSync((await sms.path())!, 'utf8').replace(/^\uFEFF/, '');
	expect(smsCsv.split('\r\n')).toEqual(['first name,last name,phone', 'Ann,Yes,+447700900001', '']);
	await expect(dialog.getByTestId('campaign-left-out')).toHaveText('3 left out: 3 no SMS consent.');
	await dialog.getByRole('button', { name: 'Close' }).click();

	await page.goto(`/groups/${groupId}`);
	await expect(section.getByTestId('campaign-log').getByRole('row')).toHaveCount(3);
	await expect(section.getByTestId('campaign-log').getByRole('row').nth(1).getByRole('cell').nth(1)).toHaveText('SMS');
	for (const size of SIZES) {
		await page.setViewportSize(size);
		await section.screenshot({ path: `test-results/screens/campaign-export-${size.name}.png` });
	}
});

test('report screens over the demo shop’s two years of sales', async ({ page }) => {
	test.setTimeout(180_000);
	await openApp(page, '/groups');
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	const groupId = await page.evaluate(async () => {
		const shop = (globalThis as W).shopCrm;
		await shop.loadDemoShop(400);
		const g = await shop.groups.create({ name: 'Garden club', description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false, type: 'manual' });
		if (!g.ok) throw new Error(JSON.stringify(g.errors));
		const ids = (await shop.db.customers.orderBy('sortName').primaryKeys()) as string[];
		await shop.groups.addMembers([g.id], ids.filter((_, i) => i % 8 === 0));
		await shop.derive.idle();
		return g.id;
	});
	await page.goto(`/groups/${groupId}/report`);
	await page.getByRole('button', { name: 'Last 12 months' }).click();
	await expect(page.getByRole('heading', { name: /Over time by month/ })).toBeVisible();
	const cloud = page.getByTestId('word-cloud');
	await expect.poll(() => cloud.locator('text').count(), { timeout: 15_000 }).toBeGreaterThan(5);
	// The group's figures are a part of the shop's.
	const share = await page.getByTestId('report-share').textContent();
	expect(Number(share!.replace(/[^\d.]/g, ''))).toBeGreaterThan(0);
	expect(Number(share!.replace(/[^\d.]/g, ''))).toBeLessThan(100);
	for (const size of SIZES) {
		await page.setViewportSize(size);
		await page.waitForTimeout(500);
		await shot(page, `group-report-demo-${size.name}`, size);
	}
});
