// The raw IndexedDB floor: what the browser itself needs to store the customers table's rows, with
// no Dexie, no Yjs and no app code in the loop. The rows are the app's own (the real toRecord over
// the seeded demo customers, so their fields and search keys are exactly what the import stores);
// the object store has the customers table's indexes (src/lib/store/schema.ts: 'id, *k, sortName'),
// or fewer, to show what each index costs. The rows go to the page before the clock starts.
import type { Browser, Page } from '@playwright/test';
import { loadavg } from 'node:os';
import { generateCustomers, DEMO_STORES } from '../src/lib/domain/demo';
import { seededIds } from '../src/lib/domain/ids';
import { toRecord } from '../src/lib/customers/projection';
import { nameSuffixes } from '../src/lib/domain/search';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { CustomerRecord } from '../src/lib/store/schema';

/** As many transactions as an import of 100,000 rows in 2,000-row chunks. */
export const FLOOR_TRANSACTIONS = 50;
const TRANSFER_CHUNK = 2000;
const WARM_UP_ROWS = 2000;

export interface FloorVariant {
	label: string;
	/** Multi-entry index on the search keys (Dexie '*k'). */
	k: boolean;
	/** Index on the sort key (Dexie 'sortName'). */
	sortName: boolean;
	/** Store the search keys the app derived before issue 7 instead of today's. */
	keysBeforeIssue7?: boolean;
}

export const FLOOR_FULL: FloorVariant = { label: "as the customers table ('id, *k, sortName')", k: true, sortName: true };
export const FLOOR_VARIANTS: FloorVariant[] = [
	FLOOR_FULL,
	{ label: 'without the multi-entry k index', k: false, sortName: true },
	{ label: 'without the sortName index', k: true, sortName: false },
	{ label: 'with neither (primary key only)', k: false, sortName: false },
	{ label: 'as the customers table, with the search keys from before issue 7', k: true, sortName: true, keysBeforeIssue7: true }
];

export interface FloorRows {
	records: CustomerRecord[];
	/** The keys each record had before issue 7: today's plus what they dropped (name suffixes a longer key answers, the phone's national number alone). */
	keysBeforeIssue7: string[][];
}

export function floorRows(count: number, now: string): FloorRows {
	const drafts = generateCustomers({ seed: 42, count, now, stores: DEMO_STORES });
	const nextId = seededIds(4242);
	const records = drafts.map((d) => toRecord({ ...d, id: nextId(), updatedAt: now }));
	// Before issue 7 the keys were every name suffix and the phone's national number alone as well.
	const keysBeforeIssue7 = records.map((r) => {
		const nsn = r.phone ? parsePhoneNumberFromString(r.phone)?.nationalNumber : undefined;
		return [...new Set([...r.k, ...nameSuffixes(r).map((s) => 'n:' + s), ...(nsn ? ['p:' + nsn] : [])])];
	});
	return { records, keysBeforeIssue7 };
}

export interface KeyStats {
	perCustomer: number;
	byKind: [string, number][];
	perCustomerBeforeIssue7: number;
	nameBeforeIssue7: number;
}

/** Average entries of the k index per customer, and per key kind ('n:', 'e:', 'p:', 'z:', 'c:'). */
export function keyStats(rows: FloorRows): KeyStats {
	const n = rows.records.length;
	const byKind = new Map<string, number>();
	let total = 0;
	for (const r of rows.records) {
		total += r.k.length;
		for (const k of r.k) byKind.set(k.slice(0, 2), (byKind.get(k.slice(0, 2)) ?? 0) + 1);
	}
	const before = rows.keysBeforeIssue7.reduce((a, k) => a + k.length, 0);
	const nameBefore = rows.keysBeforeIssue7.reduce((a, k) => a + k.filter((x) => x.startsWith('n:')).length, 0);
	return {
		perCustomer: total / n,
		byKind: ['n:', 'e:', 'p:', 'z:', 'c:'].map((kind) => [kind, (byKind.get(kind) ?? 0) / n]),
		perCustomerBeforeIssue7: before / n,
		nameBeforeIssue7: nameBefore / n
	};
}

/** Hands the rows to the page (before any clock starts). */
export async function sendFloorRows(page: Page, rows: FloorRows): Promise<void> {
	await page.evaluate(() => {
		(globalThis as unknown as { __benchFloor: unknown }).__benchFloor = { records: [], before: [] };
	});
	for (let i = 0; i < rows.records.length; i += TRANSFER_CHUNK) {
		await page.evaluate(
			({ records, before }) => {
				const f = (globalThis as unknown as { __benchFloor: { records: unknown[]; before: unknown[] } }).__benchFloor;
				for (const r of records) f.records.push(r);
				for (const k of before) f.before.push(k);
			},
			{ records: rows.records.slice(i, i + TRANSFER_CHUNK), before: rows.keysBeforeIssue7.slice(i, i + TRANSFER_CHUNK) }
		);
	}
}

/** Frees the page's copy of the rows. */
export async function dropFloorRows(page: Page): Promise<void> {
	await page.evaluate(() => delete (globalThis as unknown as { __benchFloor?: unknown }).__benchFloor);
}

/**
 * One timed run: a fresh database, then every row put() in FLOOR_TRANSACTIONS readwrite
 * transactions one after the other (each awaited to `complete`, default durability, as Dexie's
 * bulkPut in the app's import chunks). The database is deleted afterwards. Returns ms.
 */
export async function floorRun(page: Page, variant: FloorVariant, limit = Infinity): Promise<number> {
	return page.evaluate(
		async ({ variant, transactions, limit }) => {
			// No named functions in here: tsx would wrap them in a __name() helper the page lacks.
			type Row = { k: string[] };
			const f = (globalThis as unknown as { __benchFloor: { records: Row[]; before: string[][] } }).__benchFloor;
			const rows = f.records.slice(0, limit ?? undefined);
			const name = 'bench-floor';
			await new Promise<void>((done, fail) => {
				const r = indexedDB.deleteDatabase(name);
				r.onsuccess = () => done();
				r.onerror = () => fail(r.error);
			});
			const db = await new Promise<IDBDatabase>((done, fail) => {
				const r = indexedDB.open(name, 1);
				r.onupgradeneeded = () => {
					const store = r.result.createObjectStore('customers', { keyPath: 'id' });
					if (variant.k) store.createIndex('k', 'k', { multiEntry: true });
					if (variant.sortName) store.createIndex('sortName', 'sortName');
				};
				r.onsuccess = () => done(r.result);
				r.onerror = () => fail(r.error);
			});
			const today = rows.map((r) => r.k);
			if (variant.keysBeforeIssue7) rows.forEach((r, i) => (r.k = f.before[i]));
			const per = Math.ceil(rows.length / transactions);
			const t0 = performance.now();
			for (let start = 0; start < rows.length; start += per) {
				await new Promise<void>((done, fail) => {
					const tx = db.transaction('customers', 'readwrite');
					const store = tx.objectStore('customers');
					for (let i = start; i < Math.min(rows.length, start + per); i++) store.put(rows[i]);
					tx.oncomplete = () => done();
					tx.onerror = () => fail(tx.error);
					tx.onabort = () => fail(tx.error);
				});
			}
			const elapsed = performance.now() - t0;
			rows.forEach((r, i) => (r.k = today[i]));
			db.close();
			await new Promise<void>((done, fail) => {
				const r = indexedDB.deleteDatabase(name);
				r.onsuccess = () => done();
				r.onerror = () => fail(r.error);
			});
			return elapsed;
		},
		{ variant, transactions: FLOOR_TRANSACTIONS, limit: Number.isFinite(limit) ? limit : null }
	);
}

export interface FloorResult {
	variant: FloorVariant;
	/** Median of the runs. */
	ms: number;
	runs: number;
	/** 1-minute load average when the last run ended. */
	load: number;
}

/** BENCH_FLOOR_RUNS (1): runs of each variant, round robin; the median is reported (for small, noisy sizes). */
const RUNS = Math.max(1, Number(process.env.BENCH_FLOOR_RUNS ?? 1));

/**
 * Runs `variants` one after the other in a fresh browser context (its own IndexedDB, no service
 * worker, no app code: the page is the relay's /healthz) of `browser`.
 */
export async function measureFloor(
	browser: Browser,
	url: string,
	rows: FloorRows,
	variants: FloorVariant[]
): Promise<FloorResult[]> {
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		page.setDefaultTimeout(1_800_000);
		await page.goto(url + '/healthz');
		await sendFloorRows(page, rows);
		// Untimed: the first database a context opens pays for setting up its storage.
		await floorRun(page, FLOOR_FULL, WARM_UP_ROWS);
		const times = variants.map(() => [] as number[]);
		const loads = variants.map(() => 0);
		for (let run = 0; run < RUNS; run++) {
			for (const [i, variant] of variants.entries()) {
				times[i].push(await floorRun(page, variant));
				loads[i] = loadavg()[0];
			}
		}
		await dropFloorRows(page);
		return variants.map((variant, i) => {
			const sorted = times[i].sort((a, b) => a - b);
			return { variant, ms: sorted[Math.floor(sorted.length / 2)], runs: RUNS, load: loads[i] };
		});
	} finally {
		await context.close();
	}
}
