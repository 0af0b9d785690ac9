// Issue 11 figure: the duplicate finder over 100,000 customers (aim < 5 s, off the main thread),
// on the real build in headless Chromium. The shop's customer table is written straight into the
// page's IndexedDB (bench/shop-tables.ts), plus deliberate duplicates of 1 % of the customers
// (a quarter each: same email, same phone, a one-letter name change at the same postcode, at the
// same birth date); then the derive worker's finder runs while the page's long tasks are watched.
//
//   BENCH_ONLY=dups npx tsx bench/run.ts   (BENCH_CUSTOMERS as for the other parts)
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/env';
import { startRelay } from '../tests/support/relay';
import type { AppWindow } from '../tests/support/tablet';
import { formatLongTasks, longTasks, observeLongTasks, pageNow } from '../tests/support/longtask';
import { fillShopTables, SEED } from './shop-tables';
import { dupKeysRow } from '../src/lib/store/schema';
import { generateCustomers, DEMO_STORES } from '../src/lib/domain/demo';
import { toRecord } from '../src/lib/customers/projection';
import { newId } from '../src/lib/domain/ids';
import { pairKey } from '../src/lib/domain/duplicates';
import type { CustomerDraft } from '../src/lib/domain/customer';

type Record = (figure: string, value: string, aim?: string) => void;

const CHUNK = 5000;

/** A one-letter change of a name ('Katherine' → 'Katherin'): what a hurried cashier types. */
function typo(name: string): string {
	return name.length > 3 ? name.slice(0, -1) : name + 'e';
}

/** The planted duplicate of `d` of the given kind, sharing only what that kind shares. */
function duplicateOf(d: CustomerDraft, kind: number): CustomerDraft | null {
	const base: CustomerDraft = { ...d, email: '', phone: '', cards: [], birthDate: '', addresses: [], defaultAddressId: null, firstName: typo(d.firstName) };
	if (kind === 0) return d.email ? { ...base, email: d.email } : null;
	if (kind === 1) return d.phone ? { ...base, phone: d.phone } : null;
	if (kind === 2) return d.addresses.length ? { ...base, addresses: d.addresses.map((a) => ({ ...a, id: newId() })) } : null;
	return d.birthDate ? { ...base, birthDate: d.birthDate } : null;
}

export async function benchDuplicates(record: Record, opts: { customers: number }): Promise<void> {
	console.log(`Duplicate finder benchmark: ${opts.customers.toLocaleString('en-GB')} customers, 1 % planted duplicates`);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-dups-'));
	const relay = await startRelay({ staticDir: resolve('build'), dataDir });
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
	try {
		const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
		page.setDefaultTimeout(1_800_000);
		await observeLongTasks(page);
		await page.goto(relay.url + '/settings');
		await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
		const now = new Date('2026-11-23T12:00:00.000Z');
		const filled = await fillShopTables(page, { customers: opts.customers, salesPerCustomer: 0, now });
		// The same drafts fillShopTables wrote (same seed and moment), to copy from.
		const drafts = generateCustomers({ seed: SEED, count: opts.customers, now: now.toISOString(), stores: DEMO_STORES, recordedBy: 'Bench' });
		const planted: string[] = [];
		const dups = [];
		for (let i = 0, k = 0; i < drafts.length; i += 100, k++) {
			const d = duplicateOf(drafts[i], k % 4);
			if (!d) continue;
			const rec = toRecord({ ...d, id: newId(), updatedAt: d.registeredAt });
			dups.push(rec);
			planted.push(pairKey(filled.ids[i], rec.id));
		}
		for (let i = 0; i < dups.length; i += CHUNK) {
			await page.evaluate((rows) => (globalThis as AppWindow).shopCrm.db.customers.bulkPut(rows), dups.slice(i, i + CHUNK));
			await page.evaluate((rows) => (globalThis as AppWindow).shopCrm.db.dupKeys.bulkPut(rows), dups.slice(i, i + CHUNK).map(dupKeysRow));
		}
		const total = filled.customers + dups.length;
		console.log(`  customers written: ${total} (${dups.length} planted duplicates)`);
		// The worker's start (statistics, memberships of everyone) is done before the window opens.
		await page.evaluate(() => (globalThis as AppWindow).shopCrm.derive.idle());

		const runs: { ms: number; found: number; readMs: number; compareMs: number; recall: number; longest: string }[] = [];
		for (let run = 0; run < 2; run++) {
			const p0 = await pageNow(page);
			const r = await page.evaluate(async (planted) => {
				const t0 = performance.now();
				const scan = await (globalThis as AppWindow).shopCrm.derive.duplicates();
				const ms = performance.now() - t0;
				const found = new Set(scan.pairs.map((p) => `${p.a}|${p.b}`));
				return { ms, found: scan.pairs.length, readMs: scan.readMs, compareMs: scan.compareMs, recall: planted.filter((k) => found.has(k)).length };
			}, planted);
			const tasks = await longTasks(page, p0, await pageNow(page));
			runs.push({ ...r, longest: formatLongTasks(tasks) });
			console.log(`  run ${run + 1}: ${(r.ms / 1000).toFixed(2)} s (read ${(r.readMs / 1000).toFixed(2)} s, compare ${(r.compareMs / 1000).toFixed(2)} s), ${r.found} pairs, ${r.recall}/${planted.length} planted found; main thread: ${formatLongTasks(tasks)}`);
		}
		const first = runs[0];
		record(
			`Duplicate finder over ${total.toLocaleString('en-GB')} customers, in the derive worker (first run; read ${(first.readMs / 1000).toFixed(2)} s + compare ${(first.compareMs / 1000).toFixed(2)} s; ${first.found.toLocaleString('en-GB')} pairs, ${first.recall}/${planted.length} planted duplicates found)`,
			`${(first.ms / 1000).toFixed(2)} s`,
			'< 5 s'
		);
		record('Duplicate finder: longest main-thread task while it ran', first.longest, 'off the main thread');
		record('Duplicate finder, second run', `${(runs[1].ms / 1000).toFixed(2)} s`, '< 5 s');
	} finally {
		await browser.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}
