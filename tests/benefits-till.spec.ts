// Group benefits at the till (issue 9): a Gold customer gets 7 % the moment they are attached and
// the receipt names Gold; a customer in two discount groups gets the policy's choice and "Why?"
// says why; the redemption allowance refuses an over-redemption and shows what is left; an offline
// tablet applies the same benefits from its own data; a cashier's removal with its reason is kept
// on the stored sale. Screenshots of a discounted cart at both tablet sizes.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApp } from './support/app';
import { TEST_SETUP_SECRET } from './support/env';
import { startRelay } from './support/relay';
import { openTablet, type AppWindow as W } from './support/tablet';
import { attachCustomer, MUG_BARCODE, openSale, payCard, seedItems } from './support/till';
import type { GroupDraft } from '../src/lib/domain/groups/types';
import type { BenefitDraft } from '../src/lib/domain/benefits/validate';
import type { BenefitPolicy } from '../src/lib/domain/benefits/types';

const SCREENS = resolve('test-results', 'screens');

async function seedCustomer(page: Page, first: string, last: string): Promise<string> {
	await page.waitForFunction(() => (globalThis as W).shopCrm?.ready);
	return page.evaluate(
		async ({ first, last }) => {
			const r = await (globalThis as W).shopCrm.customers.create({
				firstName: first, lastName: last, email: '', phone: '', birthDate: '', gender: 'not-stated', addresses: [],
				defaultAddressId: null, cards: [], consents: {}, tags: [], notes: '', storeId: '', registeredAt: new Date().toISOString()
			});
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			return r.id;
		},
		{ first, last }
	);
}

const COMMON = { description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: true, appAccess: false };
const SPEND_TIERS: GroupDraft = {
	...COMMON,
	type: 'tiered',
	name: 'Spend tiers',
	tier: {
		metric: 'spend', window: { kind: 'rollingMonths', months: 12 }, retentionMonths: 0,
		levels: [
			{ id: 'standard', name: 'Standard', min: 0, max: 50000, vip: false },
			{ id: 'gold', name: 'Gold', min: 50000, max: 200000, vip: false },
			{ id: 'platinum', name: 'Platinum', min: 200000, max: null, vip: true }
		]
	}
};

/** Creates a group (and adds members to a manual one) through the groups service; returns its id. */
async function createGroup(page: Page, draft: GroupDraft, members: string[] = []): Promise<string> {
	return page.evaluate(
		async ({ draft, members }) => {
			const shop = (globalThis as W).shopCrm;
			const r = await shop.groups.create(draft);
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			if (members.length) await shop.groups.addMembers([r.id], members);
			await shop.derive.settled();
			return r.id;
		},
		{ draft, members }
	);
}

async function saveBenefit(page: Page, draft: BenefitDraft, id?: string): Promise<string> {
	return page.evaluate(
		async ({ draft, id }) => {
			const r = await (globalThis as W).shopCrm.benefits.save(draft, id);
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			return r.id;
		},
		{ draft, id }
	);
}

/** A past sale of `price` (minor units) for the customer, `redeemed` points of it paid with points, recorded as the till records one. */
function pastSale(page: Page, customerId: string, price: number, redeemed = 0) {
	return page.evaluate(
		async ({ customerId, price, redeemed }) => {
			const shop = (globalThis as W).shopCrm;
			const receiptNo = await shop.sales.nextReceiptNo();
			const r = await shop.sales.record({
				id: crypto.randomUUID().replace(/-/g, '').slice(0, 16), receiptNo, at: new Date().toISOString(), storeId: 'main',
				deviceId: 'test', deviceName: 'Test till', cashier: 'Test', customerId,
				lines: [{ itemId: 'i1', sku: 'BIG', name: 'Armchair', brand: 'Oak', category: 'Home', variant: '', qty: 1, unitPrice: price, unitCost: 100, discount: 0, discountReason: '', pointsRedeemed: redeemed, pointsValue: redeemed }],
				payments: [{ method: 'card', amount: price - redeemed }, ...(redeemed ? [{ method: 'points' as const, amount: redeemed }] : [])],
				subtotal: price, discountTotal: 0, pointsValue: redeemed, total: price - redeemed, change: 0, pointsRedeemed: redeemed,
				pointsEarned: Math.floor((price - redeemed) / 100), refundOf: null, currency: 'GBP'
			});
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			await shop.derive.settled();
		},
		{ customerId, price, redeemed }
	);
}

async function scanMug(page: Page) {
	const entry = page.getByLabel('Add item');
	await entry.fill(MUG_BARCODE);
	await entry.press('Enter');
	await expect(page.getByRole('listitem', { name: 'Stoneware mug' })).toBeVisible();
}

function mugLine(page: Page) {
	return page.getByRole('list', { name: 'Cart' }).getByRole('listitem', { name: 'Stoneware mug' });
}

test('a Gold customer gets 7 % the moment they are attached; the receipt names Gold and keeps it after the group changes', async ({ page }) => {
	await openApp(page, '/customers');
	await seedItems(page);
	const jane = await seedCustomer(page, 'Jane', 'Austen');
	const tiers = await createGroup(page, SPEND_TIERS);
	await pastSale(page, jane, 60000); // £600 in 12 months: Gold
	const gold = await saveBenefit(page, { target: `${tiers}/gold`, kind: 'discount', pct: 7 });
	const coupon = await page.evaluate(
		(platinum) => (globalThis as W).shopCrm.benefits.saveCoupon({ code: 'SPRING', value: { kind: 'pct', pct: 10 }, validFrom: '2020-01-01', validTo: '2099-12-31', usesPerCustomer: null, groups: [platinum] }),
		`${tiers}/platinum`
	);
	expect(coupon.ok).toBe(true);

	await openSale(page);
	await scanMug(page);
	await expect(mugLine(page)).not.toContainText('Gold');
	await attachCustomer(page, 'Austen', 'Jane Austen');
	// £12.50 − 7 % (87.5p, the half penny in the customer's favour) = £11.62.
	await expect(mugLine(page)).toContainText('Gold −7 %');
	await expect(mugLine(page)).toContainText('−£0.88');
	await expect(page.getByTestId('total')).toHaveText('£11.62');

	await mugLine(page).getByRole('button', { name: 'Why? Stoneware mug' }).click();
	const why = page.getByRole('region', { name: 'How the price of Stoneware mug was reached' });
	await expect(why).toContainText('The only group benefit for this item');
	await expect(why).toContainText('List price 1 × £12.50 = £12.50');
	await expect(why).toContainText('Gold −7 %: −£0.88 → £11.62');

	// A second line, and a coupon only Platinum members may use: skipped, and the till says why.
	await page.getByLabel('Add item').fill('CAN-1');
	await page.getByLabel('Add item').press('Enter');
	await expect(page.getByRole('listitem', { name: 'Fig candle' })).toContainText('Gold −7 %');
	await page.getByLabel('Coupon code').fill('spring');
	await page.getByRole('button', { name: 'Apply coupon' }).click();
	await expect(page.getByRole('list', { name: 'Coupons' })).toContainText('SPRING — skipped: not valid for this customer’s groups (only for Platinum)');
	await expect(why).toContainText('coupon SPRING skipped: not valid for this customer’s groups (only for Platinum)');
	// £11.62 + £8.00 − 7 % (£0.56) = £19.06
	await expect(page.getByTestId('total')).toHaveText('£19.06');

	for (const [w, h] of [[1024, 768], [768, 1024]]) {
		await page.setViewportSize({ width: w, height: h });
		mkdirSync(SCREENS, { recursive: true });
		await page.screenshot({ path: join(SCREENS, `till-discounted-${w}x${h}.png`), fullPage: true });
	}
	await page.setViewportSize({ width: 1024, height: 768 });

	const saleId = await payCard(page);
	await expect(page.getByRole('figure', { name: /^Receipt / })).toContainText('Gold −7 %');
	const trace = page.getByRole('region', { name: 'How each price was reached' });
	await expect(trace).toContainText('Discount from Gold −7 %');
	await expect(trace).toContainText('Gold −7 %: −£0.88 → £11.62');
	await page.screenshot({ path: join(SCREENS, 'receipt-trace-1024x768.png'), fullPage: true });

	// Gold becomes 10 %: the receipt of the sale already made keeps what it was sold at.
	await saveBenefit(page, { target: `${tiers}/gold`, kind: 'discount', pct: 10 }, gold);
	await page.reload();
	await expect(page.getByRole('region', { name: 'How each price was reached' })).toContainText('Gold −7 %: −£0.88 → £11.62');
	const stored = await page.evaluate((id) => (globalThis as W).shopCrm.sales.get(id), saleId);
	expect(stored?.lines[0].winners?.[0]).toMatchObject({ groupId: tiers, key: `${tiers}/gold`, label: 'Gold −7 %' });
	expect(stored?.policy).toBe('best-price');
	expect(stored?.coupons).toEqual([{ code: 'SPRING', couponId: coupon.ok ? coupon.id : '', applied: false, off: 0, why: 'not valid for this customer’s groups (only for Platinum)' }]);
});

test('two discount groups: the policy decides, "Why?" says why; a removal needs a reason and is kept on the sale', async ({ page }) => {
	await openApp(page, '/customers');
	await seedItems(page);
	const ann = await seedCustomer(page, 'Ann', 'Elk');
	const staff = await createGroup(page, { ...COMMON, type: 'manual', name: 'Staff', discountPct: 10 }, [ann]);
	const trade = await createGroup(page, { ...COMMON, type: 'manual', name: 'Trade' }, [ann]);
	await saveBenefit(page, { target: trade, kind: 'discount', pct: 15 });

	await openSale(page);
	await scanMug(page);
	await attachCustomer(page, 'Elk', 'Ann Elk');
	// Best price (the default): Trade's 15 % beats Staff's 10 %.
	await expect(mugLine(page)).toContainText('Trade −15 %');
	await mugLine(page).getByRole('button', { name: 'Why? Stoneware mug' }).click();
	const why = page.getByRole('region', { name: 'How the price of Stoneware mug was reached' });
	await expect(why).toContainText('Best price for the customer (Staff −10 % gives less)');
	await expect(why).toContainText('Staff −10 % skipped: Trade gives a lower price (best price for the customer)');

	// The owner puts Staff first: the open cart re-prices by itself.
	const policy: BenefitPolicy = { version: 1, kind: 'priority', order: [staff, trade] };
	const saved = await page.evaluate((p) => (globalThis as W).shopCrm.benefits.savePolicy(p), policy);
	expect(saved.ok).toBe(true);
	await expect(mugLine(page)).toContainText('Staff −10 %');
	await expect(why).toContainText('First in the shop’s priority order (number 1)');
	await expect(page.getByTestId('total')).toHaveText('£11.25');

	// Removing the discount: no reason, refused at the field; with one, the price goes back to list.
	await mugLine(page).getByRole('button', { name: 'Remove discount on Stoneware mug' }).click();
	const form = page.getByRole('form', { name: 'Remove the discount on Stoneware mug' });
	await form.getByRole('button', { name: 'Remove discount' }).click();
	await expect(form.getByLabel('Reason for removing the discount on Stoneware mug')).toHaveAttribute('aria-invalid', 'true');
	await expect(form).toContainText('Say why the discount is removed');
	await form.getByLabel('Reason for removing the discount on Stoneware mug').fill('Chipped glaze, sold at list by agreement');
	await form.getByRole('button', { name: 'Remove discount' }).click();
	await expect(mugLine(page)).toContainText('Discount removed: Chipped glaze, sold at list by agreement');
	await expect(page.getByTestId('total')).toHaveText('£12.50');

	const saleId = await payCard(page);
	await expect(page.getByRole('region', { name: 'How each price was reached' })).toContainText('On Stoneware mug: Chipped glaze, sold at list by agreement');
	const stored = await page.evaluate((id) => (globalThis as W).shopCrm.sales.get(id), saleId);
	expect(stored?.removals).toEqual([{ itemId: 'itemmug222222222', reason: 'Chipped glaze, sold at list by agreement' }]);
	expect(stored?.policy).toBe('priority');
	expect(stored?.lines[0].trace?.filter((s) => s.kind === 'removed').map((s) => s.label)).toEqual(['Staff −10 %', 'Trade −15 %']);
});

test('the redemption allowance refuses an over-redemption and shows what is left', async ({ page }) => {
	await openApp(page, '/customers');
	await seedItems(page);
	const bea = await seedCustomer(page, 'Bea', 'Moss');
	const members = await createGroup(page, { ...COMMON, type: 'manual', name: 'Club' }, [bea]);
	await saveBenefit(page, { target: members, kind: 'redemptionLimit', points: 100, period: 'week' });
	// £500 earns 500 points; 90 of them redeemed on a sale this week: 10 left of the weekly 100.
	await pastSale(page, bea, 50000);
	await pastSale(page, bea, 1000, 90);

	await openSale(page);
	await page.getByLabel('Add item').fill('CAN-1');
	await page.getByLabel('Add item').press('Enter');
	await expect(page.getByRole('listitem', { name: 'Fig candle' })).toBeVisible();
	await attachCustomer(page, 'Moss', 'Bea Moss');
	const benefits = page.getByRole('region', { name: 'Benefits' });
	await expect(benefits).toContainText('Can redeem 10 more points this week (Club: 100 a week)');

	// One candle is 15 points: beyond the allowance.
	await page.getByRole('listitem', { name: 'Fig candle' }).getByRole('button', { name: 'Use 15 points' }).click();
	await expect(page.getByRole('complementary', { name: 'Checkout' })).toContainText('Club members may redeem at most 100 points a week');
	await expect(page.getByRole('complementary', { name: 'Checkout' })).toContainText('10 left');
	await page.getByRole('button', { name: 'Paid' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Receipt / })).toHaveCount(0);
	const sales = await page.evaluate((id) => (globalThis as W).shopCrm.sales.ofCustomer(id), bea);
	expect(sales).toHaveLength(2);

	// The customer list says the same at a glance, for the rows it shows.
	await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
	const row = page.getByRole('row', { name: /Bea Moss/ });
	await expect(row).toContainText('redeem ≤ 100 a week (10 left this week)');
	// A sale redeeming 4 more points while the list is open updates the row by itself.
	await pastSale(page, bea, 1000, 4);
	await expect(row).toContainText('redeem ≤ 100 a week (6 left this week)');
});

test('an offline tablet applies the same benefits from its own data', async ({ browser }) => {
	test.setTimeout(150_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-benefits-'));
	const relay = await startRelay({ staticDir: resolve('build'), dataDir });
	try {
		const [a, b] = await Promise.all([browser.newContext(), browser.newContext()]);
		const [pa, pb] = await Promise.all([a.newPage(), b.newPage()]);
		await openTablet(pa, relay.url);
		await pa.evaluate((setupSecret) => (globalThis as W).shopCrmSync.createShop({ shopName: 'Benefits test', deviceName: 'Till A', settings: {}, setupSecret }), TEST_SETUP_SECRET);
		const code = await pa.evaluate(async () => (await (globalThis as W).shopCrmSync.createPairing()).code);
		await openTablet(pb, relay.url);
		await pb.evaluate((code) => (globalThis as W).shopCrmSync.pair({ code, deviceName: 'Till B' }), code);

		// Tablet A: items, a customer in Gold, Gold's 7 %.
		await seedItems(pa);
		const jane = await seedCustomer(pa, 'Jane', 'Austen');
		const tiers = await createGroup(pa, SPEND_TIERS);
		await pastSale(pa, jane, 60000);
		await saveBenefit(pa, { target: `${tiers}/gold`, kind: 'discount', pct: 7 });

		// Tablet B receives it all, then loses the network and the relay.
		await pb.goto(`${relay.url}/customers/${jane}`);
		await expect(pb.getByRole('region', { name: 'Benefits' })).toContainText('Gold −7 %', { timeout: 60_000 });
		await b.setOffline(true);
		await relay.stop();

		await openSale(pb);
		await scanMug(pb);
		await attachCustomer(pb, 'Austen', 'Jane Austen');
		await expect(mugLine(pb)).toContainText('Gold −7 %');
		await expect(pb.getByTestId('total')).toHaveText('£11.62');
		const saleId = await payCard(pb);
		const stored = await pb.evaluate((id) => (globalThis as W).shopCrm.sales.get(id), saleId);
		expect(stored?.lines[0]).toMatchObject({ discount: 88, discountReason: 'Gold −7 %' });
		await a.close();
		await b.close();
	} finally {
		await relay.stop().catch(() => {});
		rmSync(dataDir, { recursive: true, force: true });
	}
});
