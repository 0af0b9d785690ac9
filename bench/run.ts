// `npm run bench`: the figures the issues ask for, measured on the real build in headless Chromium
// against the real relay. Prints one table; writes it to bench/out/latest.md as well.
//
//   BENCH_CUSTOMERS=100000 (default) — size of the shop
//   BENCH_ONLY=app|sync|sales — only that part (bench/run.ts's app part, bench/sync.ts, bench/sales.ts)
//   BENCH_SALES_PER_CUSTOMER=5 (default) — 500,000 sales for 100,000 customers
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/env';
import { startRelay } from '../tests/support/relay';
import { generateCustomers, DEMO_STORES } from '../src/lib/domain/demo';
import { customersToCsv } from '../src/lib/domain/customer-csv';
import type { CustomerDraft } from '../src/lib/domain/customer';
import { benchSync } from './sync';
import { benchSales } from './sales';

const COUNT = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const SEARCHES_PER_KIND = 200;
const NOW = '2026-11-23T12:00:00.000Z';

interface Row {
	figure: string;
	value: string;
	aim?: string;
}
const rows: Row[] = [];
const record = (figure: string, value: string, aim?: string) => {
	rows.push({ figure, value, aim });
	console.log(`  ${figure}: ${value}`);
};

function quantile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

async function initialJs(page: Page, url: string): Promise<number> {
	const scripts = new Set<string>();
	page.on('response', (r) => {
		if (r.request().resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
	});
	await page.goto(url + '/customers', { waitUntil: 'networkidle' });
	let total = 0;
	for (const path of scripts) total += gzipSync(readFileSync(join('build', path))).length;
	return total;
}

async function importCsv(page: Page, url: string, csv: Buffer): Promise<{ prepareMs: number; importMs: number }> {
	await page.goto(url + '/customers/import');
	const t0 = Date.now();
	await page.getByLabel('CSV file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: csv });
	await page.getByRole('button', { name: /Continue|Preview|Next/ }).first().click({ timeout: 120_000 });
	const importButton = page.getByRole('button', { name: /^Import [\d,]+ customers/ });
	await importButton.waitFor({ timeout: 300_000 });
	const prepareMs = Date.now() - t0;
	const t1 = Date.now();
	await importButton.click();
	await page.getByText(/customers imported/).filter({ visible: true }).first().waitFor({ timeout: 600_000 });
	return { prepareMs, importMs: Date.now() - t1 };
}

async function searchLatency(page: Page, queries: string[]): Promise<number[]> {
	return page.evaluate(async (qs) => {
		const shop = (globalThis as unknown as { shopCrm: { customers: { search(q: string, n: number): Promise<unknown[]> } } })
			.shopCrm;
		const out: number[] = [];
		for (const q of qs) {
			const t = performance.now();
			const found = await shop.customers.search(q, 20);
			out.push(performance.now() - t);
			if (found.length === 0) throw new Error(`search found nothing for ${q}`);
		}
		return out;
	}, queries);
}

/** Types each query into the list's search box (once the whole list is in memory) and times until the rows change. */
async function listKeystrokes(page: Page, url: string, queries: string[]): Promise<number[]> {
	await page.goto(url + '/customers');
	const box = page.getByRole('searchbox', { name: 'Search customers' });
	await box.waitFor();
	// The count reads "N customers" from the start; the rows are filterable once the list has loaded.
	await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, { timeout: 120_000 });
	await page.waitForTimeout(500);
	return page.evaluate(async (qs) => {
		const input = document.querySelector('input[type="search"]') as HTMLInputElement;
		// No named function here: tsx wraps those in a __name() helper that the page does not have.
		const rowSelector = 'a[href^="/customers/"]:not([href$="/new"]):not([href$="/import"])';
		const out: number[] = [];
		for (const q of qs) {
			input.value = '';
			input.dispatchEvent(new Event('input', { bubbles: true }));
			await new Promise((r) => setTimeout(r, 50));
			// The match count and the rows derive from the same state: once the count reads
			// "N matches", the matching rows are what is painted (the first row alone may not change).
			const t = performance.now();
			input.value = q;
			input.dispatchEvent(new Event('input', { bubbles: true }));
			for (;;) {
				await new Promise((r) => requestAnimationFrame(r));
				const count = document.querySelector('[role="status"].count')?.textContent ?? '';
				const row = document.querySelector(rowSelector)?.textContent ?? '';
				if (/match/.test(count) && row !== '') break;
				if (performance.now() - t > 5000) break;
			}
			out.push(performance.now() - t);
		}
		return out.sort((a, b) => a - b);
	}, queries);
}

function pickQueries(drafts: CustomerDraft[]): Record<string, string[]> {
	const step = Math.max(1, Math.floor(drafts.length / SEARCHES_PER_KIND));
	const sample = drafts.filter((_, i) => i % step === 0).slice(0, SEARCHES_PER_KIND);
	return {
		'card (full number)': sample.flatMap((d) => d.cards.slice(0, 1)),
		'phone (national format)': sample.filter((d) => d.phone).map((d) => '0' + d.phone.slice(3)),
		'name prefix (3 letters)': sample.filter((d) => d.lastName.length >= 3).map((d) => d.lastName.slice(0, 3))
	};
}

async function benchApp() {
	console.log(`Benchmark with ${COUNT.toLocaleString('en-GB')} customers`);
	const t = Date.now();
	const drafts = generateCustomers({ seed: 42, count: COUNT, now: NOW, stores: DEMO_STORES });
	const csv = Buffer.from(
		customersToCsv(
			drafts.map((d, i) => ({ ...d, id: `bench${i}`, updatedAt: NOW })),
			DEMO_STORES,
			'GB'
		)
	);
	console.log(`  generated ${(csv.length / 1e6).toFixed(1)} MB of CSV in ${Date.now() - t} ms`);

	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-'));
	const relay = await startRelay({ staticDir: resolve('build'), dataDir });
	let browser: Browser | undefined;
	try {
		browser = await chromium.launch({
			executablePath: CHROMIUM_PATH,
			args: [...CHROMIUM_ARGS, '--enable-precise-memory-info']
		});
		const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
		const page = await context.newPage();

		const js = await initialJs(page, relay.url);
		record('Initial JavaScript (gzip)', `${(js / 1024).toFixed(1)} KB`, '< 200 KB');

		// The demo data goes in as a store list first, so the CSV's store names resolve.
		await page.evaluate(async (stores) => {
			const shop = (globalThis as unknown as { shopCrm: { saveSettings(p: unknown): Promise<void> } }).shopCrm;
			await shop.saveSettings({ stores });
		}, DEMO_STORES);
		const imp = await importCsv(page, relay.url, csv);
		record(`CSV read + check, ${COUNT.toLocaleString('en-GB')} rows`, ms(imp.prepareMs));
		record(`Import ${COUNT.toLocaleString('en-GB')} customers (write)`, `${(imp.importMs / 1000).toFixed(1)} s`, '< 20 s');

		// The data layer's answer, on a page that is doing nothing else (the till's customer search).
		await page.goto(relay.url + '/settings');
		await page.waitForFunction(() => !!(globalThis as unknown as { shopCrm?: { ready: boolean } }).shopCrm?.ready);
		const queries = pickQueries(drafts);
		for (const [kind, qs] of Object.entries(queries)) {
			await searchLatency(page, qs.slice(0, 20)); // warm-up
			const times = (await searchLatency(page, qs)).sort((a, b) => a - b);
			record(`Search by ${kind}: median / p95`, `${ms(quantile(times, 0.5))} / ${ms(quantile(times, 0.95))}`, 'p95 < 10 ms');
		}
		const keystrokes = await listKeystrokes(page, relay.url, queries['name prefix (3 letters)'].slice(0, 40));
		record(
			'Customer list: keystroke to rows shown, median / p95',
			`${ms(quantile(keystrokes, 0.5))} / ${ms(quantile(keystrokes, 0.95))}`
		);

		// Cold start of the list in a new tab: time from navigation to the first customer row painted.
		const fresh = await context.newPage();
		await fresh.goto(relay.url + '/customers', { waitUntil: 'commit' });
		const firstRow = await fresh.waitForFunction(
			() => {
				const row = document.querySelector('a[href^="/customers/"]:not([href$="/new"]):not([href$="/import"])');
				return row ? performance.now() : null;
			},
			undefined,
			{ polling: 'raf', timeout: 60_000 }
		);
		record('First list page rendered (from navigation)', ms((await firstRow.jsonValue()) as number));
		const heap = await fresh.evaluate(async () => {
			await new Promise((r) => setTimeout(r, 5000));
			return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
		});
		record('JS heap of the list tab, 5 s after opening', `${(heap / 1e6).toFixed(0)} MB`, '< 300 MB');
	} finally {
		await browser?.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

async function main() {
	const only = process.env.BENCH_ONLY;
	if (!only || only === 'app') await benchApp();
	if (!only || only === 'sync') await benchSync(record, { customers: COUNT });
	if (!only || only === 'sales') {
		await benchSales(record, { customers: COUNT, salesPerCustomer: Number(process.env.BENCH_SALES_PER_CUSTOMER ?? 5) });
	}

	const table = [
		'| figure | value | aim |',
		'|---|---|---|',
		...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.aim ?? ''} |`)
	].join('\n');
	console.log('\n' + table);
	mkdirSync('bench/out', { recursive: true });
	writeFileSync('bench/out/latest.md', table + '\n');
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
