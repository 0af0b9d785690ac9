// The till as a cashier drives it: items to sell, open the Sale screen, attach a customer, pay.
import { expect, type Page } from '@playwright/test';
import type { AppWindow } from './tablet';
import type { Item } from '../../src/lib/domain/sales/types';

/** A valid EAN-13 from its first 12 digits. */
export function ean13(first12: string): string {
	let sum = 0;
	for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
	return first12 + ((10 - (sum % 10)) % 10);
}

export const MUG_BARCODE = ean13('501234567890');

export const ITEMS: Item[] = [
	{ id: 'itemmug222222222', sku: 'MUG-1', barcode: MUG_BARCODE, name: 'Stoneware mug', brand: 'Potter', category: 'Home', variant: 'Blue', price: 1250, cost: 400, redeem: 'none', pointsPrice: 0, active: true },
	{ id: 'itemcandle222222', sku: 'CAN-1', barcode: '', name: 'Fig candle', brand: 'Glow', category: 'Home', variant: '200 g', price: 800, cost: 300, redeem: 'full', pointsPrice: 15, active: true }
];

export async function seedItems(page: Page) {
	await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
	const results = await page.evaluate(async (items) => {
		const shop = (globalThis as AppWindow).shopCrm;
		const out = [];
		for (const item of items) out.push(await shop.items.save(item));
		return out;
	}, ITEMS);
	expect(results.every((r) => r.ok)).toBe(true);
}

export async function openSale(page: Page) {
	await page.getByRole('link', { name: 'Sale', exact: true }).click();
	await expect(page.getByLabel('Add item')).toBeVisible();
}

export async function attachCustomer(page: Page, query: string, name: string) {
	await page.getByRole('button', { name: 'Customer', exact: true }).click();
	await page.getByRole('searchbox', { name: 'Search customers' }).fill(query);
	await page.getByRole('list', { name: 'Customers found' }).getByRole('button', { name: new RegExp(name) }).click();
}

export async function payCard(page: Page): Promise<string> {
	await page.getByRole('button', { name: 'Card', exact: true }).click();
	await page.getByRole('button', { name: 'Paid' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Receipt / })).toBeVisible();
	return page.url().split('/sales/')[1];
}

/** Creates a customer through the Customers screen; returns their id. */
export async function newCustomer(page: Page, first: string, last: string): Promise<string> {
	await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
	await page.getByRole('button', { name: 'New customer' }).or(page.getByRole('link', { name: 'New customer' })).first().click();
	await page.getByLabel('First name', { exact: true }).fill(first);
	await page.getByLabel('Last name', { exact: true }).fill(last);
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('heading', { name: `${first} ${last}` })).toBeVisible();
	return page.url().split('/customers/')[1];
}
