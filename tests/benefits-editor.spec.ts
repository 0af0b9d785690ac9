// Benefits on the group page: listed in plain words, added and edited at their fields, checked for
// overlaps before saving, and tried on a cart priced as the till would price it.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import type { AppWindow as W } from './support/tablet';
import { seedItems } from './support/till';

interface Seeded {
	club: string;
	staff: string;
	friends: string;
	ada: string;
}

async function seed(page: Page): Promise<Seeded> {
	await seedItems(page);
	return page.evaluate(async () => {
		const shop = (globalThis as W).shopCrm;
		const base = { description: '', tags: [] as string[], vip: false, discountPct: null, loyaltyEnabled: true, appAccess: false };
		const ok = (r: { ok: true; id: string } | { ok: false; errors: unknown }) => {
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			return r.id;
		};
		const club = ok(
			await shop.groups.create({
				...base,
				type: 'tiered',
				name: 'Club',
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
			})
		);
		const staff = ok(await shop.groups.create({ ...base, type: 'manual', name: 'Staff' }));
		const friends = ok(await shop.groups.create({ ...base, type: 'manual', name: 'Friends' }));
		const ada = ok(
			await shop.customers.create({
				firstName: 'Ada', lastName: 'Lovelace', email: '', phone: '', birthDate: '', gender: 'female', addresses: [],
				defaultAddressId: null, cards: [], consents: {}, tags: [], notes: '', storeId: '', registeredAt: new Date().toISOString()
			})
		);
		await shop.groups.addMembers([staff, friends], [ada]);
		return { club, staff, friends, ada };
	});
}

/** Waits until the derive worker has put the customer in the group. */
async function waitForMembership(page: Page, customerId: string, key: string) {
	await page.waitForFunction(
		async ([id, k]) => ((await (globalThis as W).shopCrm.db.memberships.get(id))?.keys ?? []).includes(k),
		[customerId, key]
	);
}

async function storedOf(page: Page, groupId: string) {
	return page.evaluate(async (id) => (await (globalThis as W).shopCrm.benefits.ofGroup(id)).map((r) => r.value), groupId);
}

async function saveBenefit(page: Page, draft: Record<string, unknown>) {
	const r = await page.evaluate(async (d) => (globalThis as W).shopCrm.benefits.save(d as never), draft);
	expect(r.ok).toBe(true);
}

async function openGroup(page: Page, id: string) {
	await page.goto(`/groups/${id}`);
	await expect(page.getByRole('heading', { level: 2, name: 'Benefits' })).toBeVisible();
}

const benefits = (page: Page) => page.getByRole('region', { name: 'Benefits', exact: true });

test.beforeEach(async ({ page }) => {
	await openApp(page, '/groups');
});

test('adds a 7 % discount to a tier level and lists it in plain words', async ({ page }) => {
	const s = await seed(page);
	await openGroup(page, s.club);
	await benefits(page).getByRole('button', { name: 'Add a benefit', exact: true }).click();
	await page.getByLabel('For', { exact: true }).selectOption({ label: 'Gold (level of Club)' });
	await expect(page.getByLabel('Benefit', { exact: true })).toHaveValue('discount');
	await page.getByLabel('Discount (%)').fill('7');
	await page.getByRole('button', { name: 'Save benefit' }).click();

	const gold = page.getByRole('region', { name: 'Benefits of Gold' });
	await expect(gold.getByText('7 % off')).toBeVisible();
	await expect(page.getByRole('form', { name: /Add a benefit/ })).toHaveCount(0);
	// Platinum's VIP comes from the group's own settings: listed, not removable here.
	const platinum = page.getByRole('region', { name: 'Benefits of Platinum' });
	await expect(platinum.getByText('VIP', { exact: true })).toBeVisible();
	await expect(platinum.getByText('From the group’s settings')).toBeVisible();
	await expect(platinum.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
	expect(await storedOf(page, s.club)).toEqual([expect.objectContaining({ kind: 'discount', pct: 7, target: `${s.club}/gold` })]);

	// Edit it to 8 %: the same benefit changes, none is added.
	await gold.getByRole('button', { name: 'Edit 7 % off (Gold)' }).click();
	await page.getByLabel('Discount (%)').fill('8');
	await page.getByRole('button', { name: 'Save benefit' }).click();
	await expect(gold.getByText('8 % off')).toBeVisible();
	expect(await storedOf(page, s.club)).toEqual([expect.objectContaining({ pct: 8 })]);
});

test('refuses a discount of 120 % at the field and saves nothing', async ({ page }) => {
	const s = await seed(page);
	await openGroup(page, s.club);
	await benefits(page).getByRole('button', { name: 'Add a benefit', exact: true }).click();
	await page.getByLabel('For', { exact: true }).selectOption({ label: 'Gold (level of Club)' });
	const pct = page.getByLabel('Discount (%)');
	await pct.fill('120');
	await page.getByRole('button', { name: 'Save benefit' }).click();
	await expect(pct).toHaveAttribute('aria-invalid', 'true');
	await expect(page.locator('#benefit-pct-error')).toHaveText(/Enter the percentage from 0 to 100/);
	await expect(page.getByRole('alert').filter({ hasText: 'Nothing was saved' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Benefits of Gold' }).getByText('% off')).toHaveCount(0);
	expect(await storedOf(page, s.club)).toEqual([]);

	// Put right, it saves.
	await pct.fill('12.5');
	await page.getByRole('button', { name: 'Save benefit' }).click();
	await expect(page.getByRole('region', { name: 'Benefits of Gold' }).getByText('12.5 % off')).toBeVisible();
});

test('a price book with an entry for an item picked from the catalogue', async ({ page }) => {
	const s = await seed(page);
	await openGroup(page, s.staff);
	await benefits(page).getByRole('button', { name: 'Add a benefit', exact: true }).click();
	await page.getByLabel('Benefit', { exact: true }).selectOption('priceBook');
	await page.getByLabel('Price book name').fill('Staff prices');
	// Saved without an item: refused at the entry.
	await page.getByRole('button', { name: 'Save benefit' }).click();
	await expect(page.getByText('This item is not in the catalogue: choose an item from the list')).toBeVisible();
	expect(await storedOf(page, s.staff)).toEqual([]);

	await page.getByRole('searchbox', { name: 'Item (entry 1)' }).fill('mug');
	await page.getByRole('list', { name: /Items matching/ }).getByRole('button', { name: /Stoneware mug/ }).click();
	await page.getByRole('combobox', { name: 'Price (entry 1)' }).selectOption('fixed');
	await page.getByRole('textbox', { name: 'Member price (entry 1)' }).fill('10.00');
	await page.getByRole('button', { name: 'Save benefit' }).click();

	const whole = page.getByRole('region', { name: 'Benefits of Staff (whole group)' });
	await expect(whole.getByText('price book “Staff prices”: 1 entry')).toBeVisible();
	await whole.getByText('Entries').click();
	await expect(whole.getByText('Stoneware mug: £10.00')).toBeVisible();
	expect(await storedOf(page, s.staff)).toEqual([
		expect.objectContaining({ kind: 'priceBook', name: 'Staff prices', entries: [{ match: { kind: 'item', itemId: 'itemmug222222222' }, price: { kind: 'fixed', amount: 1000 } }] })
	]);
});

test('two overlapping discounts show the overlap and the predicted winner', async ({ page }) => {
	const s = await seed(page);
	await saveBenefit(page, { kind: 'discount', pct: 10, target: s.staff });
	await openGroup(page, s.friends);
	await benefits(page).getByRole('button', { name: 'Add a benefit', exact: true }).click();
	await page.getByLabel('Discount (%)').fill('5');
	const overlap = page.getByRole('region', { name: /Overlaps another benefit/ });
	await expect(overlap).toContainText('A customer in both groups gets two prices for discount');
	await expect(overlap).toContainText('Staff −10 % would win: best price for the customer');
	// Shown, so saving is allowed: the till applies the winner.
	await page.getByRole('button', { name: 'Save benefit' }).click();
	await expect(page.getByRole('region', { name: 'Benefits of Friends (whole group)' }).getByText('5 % off')).toBeVisible();
	expect(await storedOf(page, s.friends)).toEqual([expect.objectContaining({ kind: 'discount', pct: 5 })]);
});

test('Try a cart prices the lines with their trace and writes nothing', async ({ page }) => {
	const s = await seed(page);
	await saveBenefit(page, { kind: 'discount', pct: 10, target: s.staff });
	await saveBenefit(page, { kind: 'pointsMultiplier', factor: 1.5, target: s.staff });
	await saveBenefit(page, { kind: 'redemptionLimit', points: 500, period: 'week', target: s.staff });
	await saveBenefit(page, { kind: 'discount', pct: 5, target: s.friends });
	await waitForMembership(page, s.ada, s.staff);
	await waitForMembership(page, s.ada, s.friends);
	const salesBefore = await page.evaluate(async () => (await (globalThis as W).shopCrm.sales.recent(10)).length);
	await openGroup(page, s.staff);
	await benefits(page).getByRole('button', { name: 'Try a cart' }).click();
	await page.getByRole('button', { name: 'Choose a customer' }).click();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill('Ada');
	await page.getByRole('list', { name: 'Customers found' }).getByRole('button', { name: /Ada Lovelace/ }).click();
	await page.getByLabel('Add item').fill('mug');
	await page.getByRole('list', { name: 'Matching items' }).getByRole('button', { name: /Stoneware mug/ }).click();
	await page.getByLabel('Quantity of Stoneware mug').fill('2');

	const cart = page.getByRole('table', { name: 'Priced cart' });
	await expect(cart.getByRole('rowheader', { name: '2 × Stoneware mug' })).toBeVisible();
	await expect(cart).toContainText('−£2.50');
	await expect(cart).toContainText('£22.50');
	await expect(cart).toContainText('Best price for the customer (Friends −5 % gives less)');
	const trace = page.getByRole('list', { name: 'How the price of Stoneware mug was reached' });
	await expect(trace.getByRole('listitem')).toHaveText([
		'List price 2 × £12.50 = £25.00',
		'Staff −10 %: −£2.50 → £22.50',
		'Friends −5 % skipped: Staff gives a lower price (best price for the customer)'
	]);
	const perks = page.getByRole('list', { name: 'Perks' });
	await expect(perks).toContainText('Earns 1.5× points (Staff)');
	await expect(perks).toContainText(/May redeem 500 points a week \(Staff\): 500 left this week, until \d+ \w+ \d{4}/);

	// A coupon typed as a customer reads it out: applied after the group's price, as at the till.
	const saved = await page.evaluate(() =>
		(globalThis as W).shopCrm.benefits.saveCoupon({
			code: 'TAKE1',
			value: { kind: 'amount', amount: 100 },
			validFrom: '2020-01-01',
			validTo: '2099-12-31',
			usesPerCustomer: 1,
			groups: []
		})
	);
	expect(saved.ok).toBe(true);
	await page.getByLabel('Coupon code').fill('take-1');
	await page.getByRole('button', { name: 'Apply coupon' }).click();
	await expect(page.getByRole('list', { name: 'Coupons' }).getByRole('listitem')).toHaveText(/TAKE1\s+— applied, −£1\.00/);
	await expect(cart.getByRole('row', { name: /^Total/ })).toContainText('£21.50');
	await page.getByRole('button', { name: 'Remove coupon TAKE1' }).click();
	await expect(cart.getByRole('row', { name: /^Total/ })).toContainText('£22.50');
	expect(await page.evaluate(async () => (await (globalThis as W).shopCrm.sales.recent(10)).length)).toBe(salesBefore);
	expect(await page.evaluate(async (id) => Object.keys(await (globalThis as W).shopCrm.benefits.couponUses(id)).length, s.ada)).toBe(0);
});

test('a benefit stored by a newer version of the app is listed as needing an update, not editable', async ({ page }) => {
	const s = await seed(page);
	await saveBenefit(page, { kind: 'discount', pct: 7, target: `${s.club}/gold` });
	await page.evaluate(async (target) => {
		const shop = (globalThis as W).shopCrm;
		const future = { version: 99, id: 'b-future', kind: 'birthdayGift', target, gift: 'cake', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
		await shop.store.transact(['benefits'], (docs) => docs.get('benefits')!.getMap('benefits').set('b-future', future));
	}, `${s.club}/gold`);
	await openGroup(page, s.club);
	const gold = page.getByRole('region', { name: 'Benefits of Gold' });
	await expect(gold.getByText('7 % off')).toBeVisible();
	await expect(gold.getByText('Needs an update', { exact: true })).toBeVisible();
	await expect(gold.getByText(/newer version of the app: update the app on this tablet/)).toBeVisible();
	// Only the readable benefit can be edited or removed.
	await expect(gold.getByRole('button', { name: /^Edit/ })).toHaveCount(1);
	await expect(gold.getByRole('button', { name: /^Remove/ })).toHaveCount(1);
});

const SIZES = [
	{ name: 'landscape', width: 1024, height: 768 },
	{ name: 'portrait', width: 768, height: 1024 }
];

/** The whole page: main scrolls inside a fixed shell, so the viewport grows to its content for the shot. */
async function shot(page: Page, name: string, size: { width: number; height: number }) {
	const height = await page.evaluate(() => {
		const main = document.querySelector('main')!;
		return main.scrollHeight + main.getBoundingClientRect().top;
	});
	await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.ceil(height)) });
	await page.screenshot({ path: `test-results/screens/${name}.png` });
	await page.setViewportSize(size);
}

test('benefits section and Try a cart at both tablet sizes', async ({ page }) => {
	test.setTimeout(120_000);
	const s = await seed(page);
	await saveBenefit(page, { kind: 'discount', pct: 7, target: `${s.club}/gold` });
	await saveBenefit(page, { kind: 'pointsMultiplier', factor: 1.5, target: `${s.club}/gold` });
	await saveBenefit(page, { kind: 'redemptionLimit', points: 500, period: 'week', target: `${s.club}/gold` });
	await saveBenefit(page, {
		kind: 'priceBook',
		name: 'Staff prices',
		target: s.club,
		entries: [
			{ match: { kind: 'item', itemId: 'itemmug222222222' }, price: { kind: 'fixed', amount: 1000 } },
			{ match: { kind: 'brand', brand: 'Glow' }, price: { kind: 'pctOff', pct: 15 } }
		]
	});
	await saveBenefit(page, { kind: 'loyalty', enabled: false, target: `${s.club}/standard` });
	await saveBenefit(page, { kind: 'appAccess', categories: ['Home'], target: `${s.club}/platinum` });
	await saveBenefit(page, { kind: 'discount', pct: 10, target: s.staff });
	await waitForMembership(page, s.ada, s.staff);
	for (const size of SIZES) {
		await page.setViewportSize(size);
		await openGroup(page, s.club);
		await benefits(page).getByRole('button', { name: 'Add a benefit', exact: true }).click();
		await page.getByLabel('For', { exact: true }).selectOption({ label: 'Gold (level of Club)' });
		await page.getByLabel('Discount (%)').fill('5');
		await expect(page.getByRole('region', { name: /Overlaps another benefit/ })).toBeVisible();
		await benefits(page).scrollIntoViewIfNeeded();
		await shot(page, `benefits-${size.name}`, size);
		await benefits(page).getByRole('button', { name: 'Cancel' }).click();
		await benefits(page).getByRole('button', { name: 'Edit price book “Staff prices”: 2 entries (Whole group)' }).click();
		await expect(page.getByRole('searchbox', { name: 'Item (entry 1)' })).toHaveValue('Stoneware mug');
		await expect(page.getByRole('combobox', { name: 'Brand (entry 2)' })).toHaveValue('Glow');
		await shot(page, `benefits-price-book-${size.name}`, size);
		await benefits(page).getByRole('button', { name: 'Cancel' }).click();

		await openGroup(page, s.staff);
		await benefits(page).getByRole('button', { name: 'Try a cart' }).click();
		await page.getByRole('button', { name: 'Choose a customer' }).click();
		await page.getByRole('searchbox', { name: 'Search customers' }).fill('Ada');
		await page.getByRole('list', { name: 'Customers found' }).getByRole('button', { name: /Ada Lovelace/ }).click();
		for (const q of ['mug', 'candle']) {
			await page.getByLabel('Add item').fill(q);
			await page.getByRole('list', { name: 'Matching items' }).getByRole('button').first().click();
		}
		await expect(page.getByRole('table', { name: 'Priced cart' }).getByRole('rowheader')).toHaveCount(5);
		await shot(page, `try-a-cart-${size.name}`, size);
	}
});
