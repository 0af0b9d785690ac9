// Issue 4 figures, in headless Chromium on the real build: statistics for a whole shop, a busy
// customer's profile, and finalising a sale at the till.
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/env';
import { startRelay } from '../tests/support/relay';
import type { AppWindow } from '../tests/support/tablet';

type Record = (figure: string, value: string, aim?: string) => void;

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** A one-line card sale for `customerId`, built in the page (no app code needed). */
const SALE_SRC = `(customerId, i, at, receiptNo) => ({
	id: 'bench' + Math.random().toString(36).slice(2, 12) + i,
	receiptNo, at, storeId: 'camden', deviceId: 'bench', deviceName: 'Bench till', cashier: 'Bench', customerId,
	lines: [{ itemId: 'i', sku: 'MUG', name: 'Mug', brand: 'Potter', category: 'Home', variant: '350 ml', qty: 1 + (i % 3),
		unitPrice: 1250, unitCost: 500, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0 }],
	payments: [{ method: 'card', amount: 1250 * (1 + (i % 3)) }], subtotal: 1250 * (1 + (i % 3)), discountTotal: 0,
	pointsValue: 0, total: 1250 * (1 + (i % 3)), change: 0, pointsRedeemed: 0, pointsEarned: 12 * (1 + (i % 3)),
	refundOf: null, currency: 'GBP' })`;

export async function benchSales(record: Record, opts: { customers: number; salesPerCustomer: number }): Promise<void> {
	console.log(`Sales benchmark: ${opts.customers.toLocaleString('en-GB')} customers, ~${(opts.customers * opts.salesPerCustomer).toLocaleString('en-GB')} sales`);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-sales-'));
	const relay = await startRelay({ staticDir: resolve('build'), dataDir });
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
	try {
		const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
		page.setDefaultTimeout(1_800_000);
		await page.goto(relay.url + '/settings');
		await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);

		// The seeded demo shop at full size: customers, items and their sales history.
		const load = await page.evaluate(
			async ({ n, per }) => {
				const shop = (globalThis as AppWindow).shopCrm;
				const t = performance.now();
				await shop.loadDemoShop(n, undefined, { salesPerCustomer: per });
				return { ms: performance.now() - t, sales: await shop.db.sales.count(), customers: await shop.db.customers.count() };
			},
			{ n: opts.customers, per: opts.salesPerCustomer }
		);
		record(
			`Demo shop written: ${load.customers.toLocaleString('en-GB')} customers + ${load.sales.toLocaleString('en-GB')} sales`,
			`${(load.ms / 1000).toFixed(0)} s`
		);

		const recompute = await page.evaluate(async () => {
			const shop = (globalThis as AppWindow).shopCrm;
			await shop.db.customerStats.clear();
			const t = performance.now();
			await shop.sales.recomputeAllStats();
			return { ms: performance.now() - t, n: await shop.db.customerStats.count() };
		});
		record(
			`Recompute all statistics (${recompute.n.toLocaleString('en-GB')} customers with sales, ${load.sales.toLocaleString('en-GB')} sales)`,
			`${(recompute.ms / 1000).toFixed(1)} s`
		);

		// A regular with 500 sales.
		const busy = await page.evaluate(
			async (src) => {
				const shop = (globalThis as AppWindow).shopCrm;
				const make = eval(src);
				const [c] = await shop.db.customers.limit(1).toArray();
				const sales = [];
				for (let i = 0; i < 500; i++) {
					sales.push(make(c.id, i, new Date(Date.now() - (i + 1) * 36 * 3600_000).toISOString(), `BUSY-${String(i).padStart(4, '0')}`));
				}
				await shop.sales.importMany(sales);
				return { id: c.id, newest: 'BUSY-0000' };
			},
			SALE_SRC
		);
		await page.goto(relay.url + '/settings');
		await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
		const openTimes: number[] = [];
		for (let i = 0; i < 5; i++) openTimes.push(await openProfile(page, busy.id, busy.newest));
		openTimes.sort((a, b) => a - b);
		record('Open a profile with 500 sales (tap to purchase history shown), median of 5', ms(q(openTimes, 0.5)));

		const finalise = await page.evaluate(
			async ({ src, id }) => {
				const shop = (globalThis as AppWindow).shopCrm;
				const make = eval(src);
				const out: number[] = [];
				for (let i = 0; i < 30; i++) {
					const receiptNo = await shop.sales.nextReceiptNo();
					const t = performance.now();
					const r = await shop.sales.record(make(id, i, new Date().toISOString(), receiptNo));
					out.push(performance.now() - t);
					if (!r.ok) throw new Error(JSON.stringify(r.errors));
				}
				return out.sort((a, b) => a - b);
			},
			{ src: SALE_SRC, id: busy.id }
		);
		record('Finalise a sale for that customer (strict write + statistics): median / p95', `${ms(q(finalise, 0.5))} / ${ms(q(finalise, 0.95))}`);
	} finally {
		await browser.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

async function openProfile(page: Page, id: string, newestReceipt: string): Promise<number> {
	await page.evaluate(() => history.pushState({}, '', '/settings'));
	const t0 = await page.evaluate(() => performance.now());
	await page.evaluate((href) => {
		const a = document.createElement('a');
		a.href = href;
		document.body.appendChild(a);
		a.click();
		a.remove();
	}, `/customers/${id}`);
	const shown = await page.waitForFunction(
		(receipt) => (document.body.innerText.includes(receipt) ? performance.now() : null),
		newestReceipt,
		{ polling: 'raf', timeout: 60_000 }
	);
	const t1 = (await shown.jsonValue()) as number;
	await page.goto(page.url().replace(/\/customers\/.*/, '/settings'));
	await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
	return t1 - t0;
}
