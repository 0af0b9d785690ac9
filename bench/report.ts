// Issue 9 figure: the group report for a 10,000-member group over 12 months at 500,000 sales
// (aim < 1 s, off the main thread), on the real build in headless Chromium. The shop is written
// straight into its tables (bench/shop-tables.ts), then the derive worker rebuilds what the report
// reads: every customer's statistics (day buckets with points, spend by brand and category) and
// the shop's day totals. The report itself reads no sale.
//
//   BENCH_ONLY=report npx tsx bench/run.ts   (BENCH_CUSTOMERS, BENCH_SALES_PER_CUSTOMER as for sales)
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/env';
import { startRelay } from '../tests/support/relay';
import type { AppWindow } from '../tests/support/tablet';
import { formatLongTasks, longTasks, observeLongTasks } from '../tests/support/longtask';
import { fillShopTables } from './shop-tables';

type Record = (figure: string, value: string, aim?: string) => void;

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

export async function benchReport(record: Record, opts: { customers: number; salesPerCustomer: number }): Promise<void> {
	// A group of 10,000 (or a fifth of a smaller shop), spread over the customers.
	const members = Math.min(10_000, Math.floor(opts.customers / 5));
	const step = Math.floor(opts.customers / members);
	console.log(`Report benchmark: ${opts.customers.toLocaleString('en-GB')} customers, ~${(opts.customers * opts.salesPerCustomer).toLocaleString('en-GB')} sales, a group of ${members.toLocaleString('en-GB')}`);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-report-'));
	const relay = await startRelay({ staticDir: resolve('build'), dataDir });
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
	try {
		const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
		page.setDefaultTimeout(1_800_000);
		await observeLongTasks(page);
		await page.goto(relay.url + '/settings');
		await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
		const load = await fillShopTables(page, {
			customers: opts.customers,
			salesPerCustomer: opts.salesPerCustomer,
			log: (line) => console.log(`  ${line}`)
		});
		record(
			`Report shop filled (not a product figure): ${load.customers.toLocaleString('en-GB')} customers + ${load.sales.toLocaleString('en-GB')} sales`,
			`${(load.ms / 1000).toFixed(0)} s`
		);

		// Statistics and the shop's day totals, as a new derivation version rebuilds them.
		const rebuild = await page.evaluate(async () => {
			const shop = (globalThis as AppWindow).shopCrm;
			await shop.derive.idle();
			const from = performance.now();
			await shop.derive.rebuild();
			return { ms: performance.now() - from, days: await shop.db.shopDays.count() };
		});
		record(`Full rebuild of statistics and the shop's day totals (${rebuild.days} days) at ${load.sales.toLocaleString('en-GB')} sales`, `${(rebuild.ms / 1000).toFixed(1)} s`);

		// A manual group of `members` customers (every `step`th), added as staff would (in batches).
		const groupId = await page.evaluate(
			async ({ ids }) => {
				const shop = (globalThis as AppWindow).shopCrm;
				const r = await shop.groups.create({
					name: 'Report bench', description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false, type: 'manual'
				});
				if (!r.ok) throw new Error(JSON.stringify(r.errors));
				await shop.groups.addMembers([r.id], ids);
				await shop.derive.idle();
				return r.id;
			},
			{ ids: load.ids.filter((_, i) => i % step === 0).slice(0, members) }
		);

		const run = (key: string) =>
			page.evaluate(async (key) => {
				const shop = (globalThis as AppWindow).shopCrm;
				const to = shop.today;
				const d = new Date(to + 'T00:00:00Z');
				d.setUTCFullYear(d.getUTCFullYear() - 1);
				d.setUTCDate(d.getUTCDate() + 1);
				const from = d.toISOString().slice(0, 10);
				const times: number[] = [];
				let members = 0;
				let sales = 0;
				let words = 0;
				const t0 = performance.now();
				for (let i = 0; i < 6; i++) {
					const t = performance.now();
					const r = await shop.reports.report(key, from, to);
					times.push(performance.now() - t);
					if (!r.ok) throw new Error(JSON.stringify(r.errors));
					members = r.report.members;
					sales = r.report.group.transactions;
					words = r.report.words.length;
				}
				return { first: times[0], rest: times.slice(1).sort((a, b) => a - b), members, sales, words, from: t0, to: performance.now() };
			}, key);

		const g = await run(groupId);
		record(
			`Group report, ${g.members.toLocaleString('en-GB')} members, 12 months (${g.sales.toLocaleString('en-GB')} of their sales, ${g.words} words): first / median of 5 more`,
			`${ms(g.first)} / ${ms(q(g.rest, 0.5))}`,
			'< 1 s'
		);
		record('Longest main-thread task during the group reports', formatLongTasks(await longTasks(page, g.from, g.to)), '< 50 ms');
		const all = await run('all');
		record(
			`Report for "All customers" (${all.members.toLocaleString('en-GB')} members, 12 months): first / median of 5 more`,
			`${ms(all.first)} / ${ms(q(all.rest, 0.5))}`
		);
	} finally {
		await browser.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}
