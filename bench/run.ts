// `npm run bench`: the figures the issues ask for, measured on the real build in headless Chromium
// against the real relay. Prints one table (with the 1-minute load average when each figure was
// taken); writes it to bench/out/latest.md as well. What each figure measures: bench/README.md.
//
//   BENCH_CUSTOMERS=100000 (default) — size of the shop (and of the floor's rows)
//   BENCH_ONLY=app|floor|sync|sales|pricing|report|scan|dups — only that part: the app (import, floor, search, list),
//     the raw IndexedDB floor and index costs alone, bench/sync.ts, bench/sales.ts, bench/pricing.ts, bench/report.ts,
//     bench/scan.ts, bench/dups.ts
//   BENCH_SYNC_PART=whole-shop — with BENCH_ONLY=sync: only "a new tablet receiving a whole shop" (sync.ts part d)
//   BENCH_SALES_PER_CUSTOMER=5 (default) — 500,000 sales for 100,000 customers (sales part)
//   BENCH_FLOOR_RUNS=1 (default) — runs of each floor variant, round robin, median reported
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/env';
import { startRelay } from '../tests/support/relay';
import { generateCustomers, DEMO_STORES } from '../src/lib/domain/demo';
import { customersToCsv } from '../src/lib/domain/customer-csv';
import { parseCsv, toCsv } from '../src/lib/domain/csv';
import type { CustomerDraft } from '../src/lib/domain/customer';
import { benchSync } from './sync';
import { benchSales } from './sales';
import { benchPricing } from './pricing';
import { benchScan } from './scan';
import { initialJs } from './initial-js';
import { benchReport } from './report';
import { benchDuplicates } from './dups';
import { FLOOR_TRANSACTIONS, FLOOR_VARIANTS, floorRows, keyStats, measureFloor, type FloorResult } from './floor';
import { formatLongTasks, longTasks, observeLongTasks, pageNow, type LongTasks } from '../tests/support/longtask';

const COUNT = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const SEARCHES_PER_KIND = 200;
const NOW = '2026-11-23T12:00:00.000Z';

interface Row {
	figure: string;
	value: string;
	aim?: string;
	load: number;
}
const rows: Row[] = [];
/** Every figure is printed with the 1-minute load average at the moment it was taken. */
const record = (figure: string, value: string, aim?: string) => {
	const load = loadavg()[0];
	rows.push({ figure, value, aim, load });
	console.log(`  ${figure}: ${value} (load ${load.toFixed(2)})`);
};
const n = (x: number) => x.toLocaleString('en-GB');
const secs = (x: number) => `${(x / 1000).toFixed(x < 10_000 ? 2 : 1)} s`;

function quantile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

interface ImportTimes {
	prepareMs: number;
	importMs: number;
	prepareTasks: LongTasks;
	importTasks: LongTasks;
}

/**
 * The app's import through its UI, as a shop owner does it: file chooser → column mapping →
 * preview → "Import N customers" → the result. Works whether reading, checking and writing run
 * on the page or in a worker: it only waits for what the screen shows.
 */
async function importCsv(page: Page, url: string, csv: Buffer, onPreview?: (page: Page) => Promise<void>): Promise<ImportTimes> {
	await page.goto(url + '/customers/import');
	// The window opens when the owner chooses the file, not while the page is still starting.
	await page.waitForFunction(() => (globalThis as unknown as { shopCrm?: { ready: boolean } }).shopCrm?.ready);
	await page.waitForTimeout(1000);
	// By path: a buffer is decoded into a File by Playwright's script in the page, a multi-second
	// task of the harness's own that would be measured as the app's.
	const path = join(mkdtempSync(join(tmpdir(), 'shop-crm-bench-csv-')), 'customers.csv');
	writeFileSync(path, csv);
	const t0 = Date.now();
	const p0 = await pageNow(page);
	await page.getByLabel('CSV file').setInputFiles(path);
	await page.getByRole('button', { name: /Continue|Preview|Next/ }).first().click({ timeout: 120_000 });
	// "Import 100,000 customers", or with matched rows "Import 50,000 new, update 50,000".
	const importButton = page.getByRole('button', { name: /^(Import|Update) [\d,]+ (customers|new)/ });
	await importButton.waitFor({ timeout: 300_000 });
	const prepareMs = Date.now() - t0;
	await onPreview?.(page);
	const p1 = await pageNow(page);
	const t1 = Date.now();
	await importButton.click();
	await page.getByText(/customers imported/).filter({ visible: true }).first().waitFor({ timeout: 1_800_000 });
	const importMs = Date.now() - t1;
	const p2 = await pageNow(page);
	return { prepareMs, importMs, prepareTasks: await longTasks(page, p0, p1), importTasks: await longTasks(page, p1, p2) };
}

/** The floor runs and the search-key counts, printed; returns the full floor (all indexes). */
function reportFloor(results: FloorResult[], count: number, fRows: ReturnType<typeof floorRows>): FloorResult | undefined {
	const full = results.find((r) => r.variant.k && r.variant.sortName && !r.variant.keysBeforeIssue7);
	for (const r of results) {
		const vs = full && r !== full ? ` (${r.ms < full.ms ? '−' : '+'}${Math.abs(100 * (1 - r.ms / full.ms)).toFixed(0)}% against all indexes)` : '';
		rows.push({
			figure: `Raw IndexedDB floor: ${n(count)} customer rows in ${FLOOR_TRANSACTIONS} transactions, ${r.variant.label}${r.runs > 1 ? ` (median of ${r.runs})` : ''}`,
			value: `${secs(r.ms)}${vs}`,
			load: r.load
		});
		console.log(`  floor ${r.variant.label}: ${secs(r.ms)} (load ${r.load.toFixed(2)})`);
	}
	const ks = keyStats(fRows);
	record(
		'Search keys per customer (entries in the k index), by kind',
		`${ks.perCustomer.toFixed(2)}: ${ks.byKind.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')} ` +
			`(before issue 7: ${ks.perCustomerBeforeIssue7.toFixed(2)}, of which n: ${ks.nameBeforeIssue7.toFixed(2)})`
	);
	return full;
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

/**
 * COUNT rows: the first half of `drafts` (customers the first import made: matched by their cards,
 * emails and phones), each with a "Total Spent" and "Total Orders" those customers do not have yet,
 * so every matched row is an update; and as many new ones, with those cells empty like every row
 * of the new-rows import's file.
 */
function halfMatchingCsv(drafts: CustomerDraft[]): Buffer {
	const half = Math.floor(drafts.length / 2);
	// Another seed; its cards start elsewhere in the range, so the new half is new.
	const fresh = generateCustomers({ seed: 4242, count: drafts.length - half, now: NOW, stores: DEMO_STORES }).map((d, i) => ({
		...d,
		email: d.email ? `new${i}.${d.email}` : '',
		phone: '',
		cards: d.cards.map((c) => `N${i}${c}`.slice(0, 32))
	}));
	const all = [...drafts.slice(0, half), ...fresh].map((d, i) => ({ ...d, id: `again${i}`, updatedAt: NOW }));
	const parsed = parseCsv(customersToCsv(all, DEMO_STORES, 'GB'));
	// The new half has no opening balance, as the new-rows import's file has none: the ratio of
	// the two imports compares like with like (what the update of a matched customer costs).
	const rows = parsed.rows.map((r, i) => (i < half ? [...r, `${(10 + (i % 900)).toFixed(2)}`, String(1 + (i % 40))] : [...r, '', '']));
	return Buffer.from(toCsv([...parsed.headers, 'Total Spent', 'Total Orders'], rows));
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
		await observeLongTasks(context);
		const page = await context.newPage();

		const js = await initialJs(page, relay.url);
		record('Initial JavaScript (gzip), the page (main thread)', `${(js.bytes / 1024).toFixed(1)} KB`, '< 200 KB');
		record('Initial JavaScript (gzip), the derive and list workers started with it', `${(js.workerBytes / 1024).toFixed(1)} KB`);

		// The demo data goes in as a store list first, so the CSV's store names resolve.
		await page.evaluate(async (stores) => {
			const shop = (globalThis as unknown as { shopCrm: { saveSettings(p: unknown): Promise<void> } }).shopCrm;
			await shop.saveSettings({ stores });
		}, DEMO_STORES);
		const imp = await importCsv(page, relay.url, csv);
		record(`Import of ${n(COUNT)} customers through the UI, end to end (read + check, then write)`, secs(imp.prepareMs + imp.importMs), '≤ 1.3 × the floor');
		record(`&nbsp;&nbsp;of which CSV read + check (file chosen → "Import" offered)`, ms(imp.prepareMs));
		record(`&nbsp;&nbsp;of which write ("Import" → result shown)`, secs(imp.importMs));
		const worst = imp.prepareTasks.longest >= imp.importTasks.longest ? imp.prepareTasks : imp.importTasks;
		record(
			`Longest main-thread task during the ${n(COUNT)}-row import`,
			`${formatLongTasks(worst)} (read + check: ${formatLongTasks(imp.prepareTasks)}; write: ${formatLongTasks(imp.importTasks)})`,
			'< 50 ms'
		);

		// The browser's own floor for the same rows, in this browser, after the import.
		await page.goto('about:blank');
		const fRows = floorRows(COUNT, NOW);
		const floor = reportFloor(await measureFloor(browser, relay.url, fRows, FLOOR_VARIANTS), COUNT, fRows);
		if (floor) {
			const total = imp.prepareMs + imp.importMs;
			record(
				'Import end to end ÷ raw IndexedDB floor (all indexes)',
				`${(total / floor.ms).toFixed(2)}× (write alone ${(imp.importMs / floor.ms).toFixed(2)}×)`,
				'≤ 1.3×'
			);
		}

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

		// Back to the list from the till in the same tab: the rows read on the first visit are kept
		// (state/customer-list.svelte.ts), so every customer is listed again without a second load.
		await page.getByRole('link', { name: 'Sale', exact: true }).first().click();
		await page.getByLabel('Add item').waitFor();
		await page.waitForTimeout(1000);
		const reopen = await page.evaluate(async () => {
			const t = performance.now();
			(document.querySelector('a[href="/customers"]') as HTMLAnchorElement).click();
			for (;;) {
				await new Promise((r) => requestAnimationFrame(r));
				const count = document.querySelector('[role="status"].count')?.textContent ?? '';
				const row = document.querySelector('a[href^="/customers/"]:not([href$="/new"]):not([href$="/import"])');
				if (/customers$/.test(count.trim()) && row && !document.querySelector('[aria-busy="true"]')) return performance.now() - t;
				if (performance.now() - t > 120_000) return -1;
			}
		});
		record('Customer list opened again from the till: every customer listed (from the click)', reopen < 0 ? 'not within 120 s' : ms(reopen));

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
		await fresh.close();

		// The same number of rows again, half of them customers the shop has now (matched by card,
		// email or phone in the import worker, and updated: each row brings an opening balance the
		// customer lacks) and half new ones.
		const matchedCsv = halfMatchingCsv(drafts);
		let counts = '';
		const again = await importCsv(page, relay.url, matchedCsv, async (p) => {
			counts = (await p.getByTestId('import-counts').textContent()) ?? '';
		});
		const matchedMs = again.prepareMs + again.importMs;
		record(
			`Import of ${n(COUNT)} rows of which half match existing customers, end to end (preview: ${counts.trim()})`,
			`${secs(matchedMs)} (read + check + match ${secs(again.prepareMs)}, write ${secs(again.importMs)})`,
			'≤ 1.5 × the new-rows import'
		);
		record(
			'Half-matching import ÷ import of the same number of new rows',
			`${(matchedMs / (imp.prepareMs + imp.importMs)).toFixed(2)}×`,
			'≤ 1.5×'
		);
		const worstAgain = again.prepareTasks.longest >= again.importTasks.longest ? again.prepareTasks : again.importTasks;
		record(`Longest main-thread task during the half-matching import`, formatLongTasks(worstAgain), '< 50 ms');
	} finally {
		await browser?.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

/** The floor and the index costs alone (BENCH_ONLY=floor). */
async function benchFloor() {
	console.log(`Raw IndexedDB floor with ${n(COUNT)} customer rows`);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-floor-'));
	const relay = await startRelay({ staticDir: resolve('build'), dataDir });
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
	try {
		const fRows = floorRows(COUNT, NOW);
		reportFloor(await measureFloor(browser, relay.url, fRows, FLOOR_VARIANTS), COUNT, fRows);
	} finally {
		await browser.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

const PARTS = ['app', 'floor', 'sync', 'sales', 'pricing', 'report', 'scan', 'dups'];

async function main() {
	const only = process.env.BENCH_ONLY;
	if (only && !PARTS.includes(only)) throw new Error(`BENCH_ONLY=${only}: expected one of ${PARTS.join(', ')}`);
	if (!only || only === 'app') await benchApp();
	if (only === 'floor') await benchFloor();
	if (!only || only === 'sync') await benchSync(record, { customers: COUNT });
	if (!only || only === 'sales') {
		await benchSales(record, { customers: COUNT, salesPerCustomer: Number(process.env.BENCH_SALES_PER_CUSTOMER ?? 5) });
	}
	// Pure pricing, in Node: the same function the till runs.
	if (!only || only === 'pricing') benchPricing(record);
	if (!only || only === 'report') {
		await benchReport(record, { customers: COUNT, salesPerCustomer: Number(process.env.BENCH_SALES_PER_CUSTOMER ?? 5) });
	}
	if (!only || only === 'scan') await benchScan(record);
	if (!only || only === 'dups') await benchDuplicates(record, { customers: COUNT });

	const table = [
		'| figure | value | aim | load |',
		'|---|---|---|---|',
		...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.aim ?? ''} | ${r.load.toFixed(2)} |`)
	].join('\n');
	console.log('\n' + table);
	mkdirSync('bench/out', { recursive: true });
	writeFileSync('bench/out/latest.md', table + '\n');
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
