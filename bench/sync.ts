// Sync figures, measured on the real build in headless Chromium against a real relay of our own
// (spawned here, so its pid — hence its RSS — is known). Three tablets are three browser contexts
// (each its own IndexedDB) in one Chromium:
//
//   a. propagation: tablet A creates or edits a customer; time until tablet B's DocStore has
//      written it to B's IndexedDB (B's store.subscribe fires after the flush transaction
//      committed). Both timestamps are performance.timeOrigin + performance.now() taken in the
//      pages themselves (one machine, one clock).
//   b. a new tablet receiving the customers: A loads `customers` demo customers without sales
//      and waits until the relay confirmed all of them (pending === 0); then a fresh tablet C
//      pairs, and we time pair() → C's db.customers.count() reaching A's count, with C's peak JS
//      heap meanwhile.
//   c. relay: VmRSS of the relay process before and after, and `du` of its DATA_DIR.
//   d. a new tablet receiving a whole shop: on a second relay, tablet A2 creates a shop and the
//      demo shop with its sales (~4 a customer) is seeded into that relay's storage from Node as
//      A2 would have sent it (seed-shop.ts); a fresh tablet D pairs, and we time pair() → D's
//      customers, sales and customerStats counts equal to the seeded ones and (with the derive
//      worker) derive.idle().
//   The raw IndexedDB floor for the same customer rows (bench/floor.ts) is measured first, in the
//   same browser, and printed beside them.
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH, RELAY_ENTRY, TEST_SETUP_SECRET } from '../tests/support/env';
import { generateCustomers, DEMO_STORES } from '../src/lib/domain/demo';
import type { CustomerDraft } from '../src/lib/domain/customer';
import { customerDocName } from '../src/lib/store/docnames';
import { FLOOR_FULL, FLOOR_TRANSACTIONS, floorRows, measureFloor } from './floor';
import { seedDemoShop } from './seed-shop';

type Record_ = (figure: string, value: string, aim?: string) => void;

const MB = 1024 * 1024;
/**
 * The whole-shop relay's MAX_DOC_MB: the relay's default. Before sales were sharded within a month
 * (docnames.ts SALES_SHARDS), the demo shop's busiest months at 100,000 customers were up to 31 MiB
 * and this relay had to allow 64; the seeding still names any document over it.
 */
const WHOLE_SHOP_MAX_DOC_MB = 16;
const PROPAGATION_ROUNDS = Number(process.env.BENCH_SYNC_ROUNDS ?? 60);
/** The engine keeps a fetched doc connected this long (engine.ts lingerMs); the relay unloads a doc this long after its last client left (server.ts unloadDelayMs). */
const LINGER_MS = 30_000;

/** Shapes of the page globals we use (shop.svelte.ts, sync.svelte.ts). */
interface PageGlobals {
	shopCrm: {
		ready: boolean;
		db: { customers: { count(): Promise<number> }; sales: { count(): Promise<number> }; customerStats: { count(): Promise<number> } };
		store: { subscribe(l: (changes: Record<string, string[]>) => void): () => void };
		/** The derive worker's API (issue 7), when the build has it. */
		derive?: { idle(): Promise<void> };
		customers: {
			create(d: CustomerDraft): Promise<{ ok: boolean; id?: string; errors?: unknown }>;
			update(id: string, d: CustomerDraft): Promise<{ ok: boolean; errors?: unknown }>;
			get(id: string): Promise<(CustomerDraft & { id: string; updatedAt: string }) | undefined>;
		};
		loadDemoShop(count: number, onProgress?: unknown, opts?: { salesPerCustomer?: number }): Promise<void>;
	};
	shopCrmSync: {
		status: { state: string; pending: number; lastSyncedAt: number | null; syncing: number };
		createShop(i: { shopName: string; deviceName: string; settings: unknown; setupSecret?: string }): Promise<void>;
		createPairing(): Promise<{ code: string }>;
		pair(i: { code: string; deviceName: string }): Promise<void>;
		credentials: { shopId: string; deviceId: string; token: string } | null;
	};
	benchArrivals?: { id: string; t: number }[];
	benchHeap?: { max: number; timer: ReturnType<typeof setInterval> };
}
const g = () => globalThis as unknown as PageGlobals;

interface OwnRelay {
	url: string;
	pid: number;
	dataDir: string;
	stop(): Promise<void>;
}

/** As tests/support/relay.ts startRelay, but keeps the child so we can read its /proc entry. */
async function spawnRelay(dataDir: string, extraEnv: Record<string, string> = {}): Promise<OwnRelay> {
	const child: ChildProcess = spawn(process.execPath, [resolve(RELAY_ENTRY)], {
		env: { ...process.env, ...extraEnv, SETUP_SECRET: TEST_SETUP_SECRET, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: resolve('build') },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const url = await new Promise<string>((done, fail) => {
		const timer = setTimeout(() => fail(new Error(`relay did not start in 15 s\n${output}`)), 15_000);
		child.stdout!.on('data', (c: Buffer) => {
			output += c.toString();
			const m = /listening on (http:\/\/\S+)/i.exec(output);
			if (m) {
				clearTimeout(timer);
				done(m[1]);
			}
		});
		child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
		child.once('exit', (code) => fail(new Error(`relay exited (${code})\n${output}`)));
	});
	// Keep draining its log so the pipe never fills.
	child.stdout!.on('data', () => {});
	return {
		url,
		pid: child.pid!,
		dataDir,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise<void>((d) => child.once('exit', () => d()));
			child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(t);
		}
	};
}

function rssMb(pid: number): number {
	const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return m ? Number(m[1]) / 1024 : NaN;
}

async function health(url: string): Promise<{ docs: number; connections: number }> {
	return (await fetch(url + '/healthz')).json() as Promise<{ docs: number; connections: number }>;
}

function duMb(dir: string): number {
	return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]) / 1e6;
}

const load = () => loadavg()[0].toFixed(2);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

interface Tablet {
	context: BrowserContext;
	page: Page;
}

async function openTablet(browser: Browser, url: string): Promise<Tablet> {
	const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
	await page.goto(url + '/settings');
	await page.waitForFunction(() => !!(globalThis as unknown as PageGlobals).shopCrm?.ready, undefined, { timeout: 30_000 });
	return { context, page };
}

async function waitStatus(page: Page, want: 'online' | 'idle', timeoutMs: number): Promise<void> {
	await page.waitForFunction(
		(w) => {
			const s = (globalThis as unknown as PageGlobals).shopCrmSync?.status;
			if (!s || s.state !== 'online') return false;
			return w === 'online' || (s.pending === 0 && s.syncing === 0);
		},
		want,
		{ timeout: timeoutMs, polling: 250 }
	);
}

/** Heap sampling from outside the page: CDP answers between tasks, the page's own timer too. */
async function sampleHeap(page: Page): Promise<{ stop(): Promise<number> }> {
	const cdp: CDPSession = await page.context().newCDPSession(page);
	let max = 0;
	let running = true;
	const loop = (async () => {
		while (running) {
			try {
				const { usedSize } = await cdp.send('Runtime.getHeapUsage');
				max = Math.max(max, usedSize);
			} catch {
				/* page busy or closing */
			}
			await sleep(100);
		}
	})();
	return {
		async stop() {
			running = false;
			await loop;
			await cdp.detach().catch(() => {});
			return max;
		}
	};
}

export async function benchSync(record: Record_, opts: { customers: number }): Promise<void> {
	const N = opts.customers;
	// BENCH_SYNC_PART=whole-shop: part d alone (its own relay and shop, nothing shared with a–c).
	if (process.env.BENCH_SYNC_PART === 'whole-shop') {
		console.log(`Sync benchmark, whole shop only: a new tablet receiving the demo shop of ${N.toLocaleString('en-GB')} customers`);
		const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
		try {
			await wholeShop(browser, record, N);
		} finally {
			await browser.close();
		}
		return;
	}
	console.log(`Sync benchmark: ${PROPAGATION_ROUNDS} propagation rounds, cold sync of ${N.toLocaleString('en-GB')} customers, then of a whole shop`);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-sync-'));
	const relay = await spawnRelay(dataDir);
	let browser: Browser | undefined;
	try {
		browser = await chromium.launch({
			executablePath: CHROMIUM_PATH,
			args: [...CHROMIUM_ARGS, '--enable-precise-memory-info']
		});

		// --- the browser's own floor for N customer rows, before any tablet runs ---------------------
		const [floor] = await measureFloor(browser, relay.url, floorRows(N, new Date().toISOString()), [FLOOR_FULL]);
		record(
			`Raw IndexedDB floor in this browser: ${N.toLocaleString('en-GB')} customer rows, all indexes, ${FLOOR_TRANSACTIONS} transactions`,
			`${(floor.ms / 1000).toFixed(1)} s`
		);

		// --- set up: A creates the shop, B pairs -------------------------------------------------
		const a = await openTablet(browser, relay.url);
		await a.page.evaluate(
			({ stores, setupSecret }) =>
				(globalThis as unknown as PageGlobals).shopCrmSync.createShop({
					shopName: 'Bench shop',
					deviceName: 'Till A',
					settings: { stores },
					setupSecret
				}),
			{ stores: DEMO_STORES, setupSecret: TEST_SETUP_SECRET }
		);
		await waitStatus(a.page, 'online', 30_000);
		const pairB = await a.page.evaluate(() => (globalThis as unknown as PageGlobals).shopCrmSync.createPairing());
		const b = await openTablet(browser, relay.url);
		await b.page.evaluate((code) => (globalThis as unknown as PageGlobals).shopCrmSync.pair({ code, deviceName: 'Till B' }), pairB.code);
		await waitStatus(b.page, 'idle', 30_000);
		await waitStatus(a.page, 'idle', 30_000);
		const rssStart = rssMb(relay.pid);

		// --- a. propagation A → B ----------------------------------------------------------------
		await b.page.evaluate(() => {
			const w = globalThis as unknown as PageGlobals;
			w.benchArrivals = [];
			w.shopCrm.store.subscribe((changes) => {
				const t = performance.timeOrigin + performance.now();
				for (const id of changes.customers ?? []) w.benchArrivals!.push({ id, t });
			});
		});
		// No cards: the demo load in part b must not find its card numbers taken.
		const drafts = generateCustomers({ seed: 7, count: PROPAGATION_ROUNDS, now: new Date().toISOString(), stores: DEMO_STORES }).map(
			(d) => ({ ...d, cards: [] })
		);
		const created: string[] = [];
		const lat: { kind: 'create' | 'edit'; linked: boolean; ms: number }[] = [];
		// When B last received a change to each bucket: within LINGER_MS, B still has that bucket's
		// socket open and the change comes straight through it; otherwise B learns of it from the
		// index doc's heads and opens the bucket first.
		const lastOnB = new Map<string, number>();
		let lost = 0;
		for (let i = 0; i < PROPAGATION_ROUNDS; i++) {
			// Creates first (a third), then a mix: edits of customers created earlier and more creates.
			const kind: 'create' | 'edit' = created.length < PROPAGATION_ROUNDS / 3 || i % 2 === 0 ? 'create' : 'edit';
			const target = kind === 'edit' ? created[(i * 7) % created.length] : undefined;
			const sent = await a.page.evaluate(
				async ({ draft, target, i }) => {
					const shop = (globalThis as unknown as PageGlobals).shopCrm;
					if (target) {
						const c = (await shop.customers.get(target))!;
						const { id: _id, updatedAt: _u, ...rest } = c;
						const t0 = performance.timeOrigin + performance.now();
						const r = await shop.customers.update(target, { ...rest, notes: `bench edit ${i}` });
						if (!r.ok) throw new Error('update refused: ' + JSON.stringify(r.errors));
						return { id: target, t0 };
					}
					const t0 = performance.timeOrigin + performance.now();
					const r = await shop.customers.create(draft);
					if (!r.ok) throw new Error('create refused: ' + JSON.stringify(r.errors));
					return { id: r.id!, t0 };
				},
				{ draft: drafts[i], target, i }
			);
			if (kind === 'create') created.push(sent.id);
			const arrived = await b.page
				.waitForFunction(
					({ id, t0 }) => (globalThis as unknown as PageGlobals).benchArrivals!.find((e) => e.id === id && e.t >= t0)?.t ?? null,
					sent,
					{ timeout: 20_000, polling: 20 }
				)
				.then((h) => h.jsonValue() as Promise<number>)
				.catch(() => null);
			const bucket = customerDocName(sent.id);
			const linked = Date.now() - (lastOnB.get(bucket) ?? -Infinity) < LINGER_MS - 1000;
			if (arrived === null) lost++;
			else {
				lat.push({ kind, linked, ms: arrived - sent.t0 });
				lastOnB.set(bucket, Date.now());
			}
			// Edits at the till are seconds apart; a short pause keeps them from queueing behind each other.
			await sleep(150 + ((i * 37) % 250));
		}
		const all = lat.map((l) => l.ms).sort((x, y) => x - y);
		const ofKind = (k: string) => lat.filter((l) => l.kind === k).map((l) => l.ms).sort((x, y) => x - y);
		record(
			`Propagation A → B's IndexedDB, ${lat.length} changes: median / p95`,
			`${ms(quantile(all, 0.5))} / ${ms(quantile(all, 0.95))}${lost ? `, ${lost} not arrived in 20 s` : ''}`,
			'p95 < 200 ms'
		);
		const groups: [string, number[]][] = [
			['creates', ofKind('create')],
			['edits', ofKind('edit')],
			['bucket not open on B (via index heads)', lat.filter((l) => !l.linked).map((l) => l.ms).sort((x, y) => x - y)],
			['bucket still open on B (live on its socket)', lat.filter((l) => l.linked).map((l) => l.ms).sort((x, y) => x - y)]
		];
		for (const [label, xs] of groups) {
			if (xs.length) record(`&nbsp;&nbsp;of which ${label} (${xs.length}): median / p95 / max`, `${ms(quantile(xs, 0.5))} / ${ms(quantile(xs, 0.95))} / ${ms(xs[xs.length - 1])}`);
		}
		console.log(`  propagation samples (ms; c/e = create/edit, * = bucket open on B): ${lat.map((l) => `${l.kind[0]}${l.linked ? '*' : ''}${l.ms.toFixed(0)}`).join(' ')}`);
		// B is done: it would otherwise fetch the whole load below and share the 2 cores with A and C.
		await b.context.close();

		// --- b. A loads N customers, relay confirms them -----------------------------------------
		const rssBefore = rssMb(relay.pid);
		record(`Relay RSS, shop set up, ${created.length} customers`, `${rssBefore.toFixed(0)} MB (at start ${rssStart.toFixed(0)} MB)`);
		const tLoad = Date.now();
		await a.page.evaluate((n) => (globalThis as unknown as PageGlobals).shopCrm.loadDemoShop(n, undefined, { salesPerCustomer: 0 }), N);
		const loadedMs = Date.now() - tLoad;
		await waitStatus(a.page, 'idle', 30 * 60_000);
		const confirmedMs = Date.now() - tLoad;
		const total = await a.page.evaluate(() => (globalThis as unknown as PageGlobals).shopCrm.db.customers.count());
		record(
			`A: loadDemoShop(${N.toLocaleString('en-GB')} customers, no sales) written / all confirmed by the relay`,
			`${(loadedMs / 1000).toFixed(1)} s / ${(confirmedMs / 1000).toFixed(1)} s`
		);
		const rssLoaded = rssMb(relay.pid);

		// --- b. cold sync of a fresh tablet C -----------------------------------------------------
		const pairC = await a.page.evaluate(() => (globalThis as unknown as PageGlobals).shopCrmSync.createPairing());
		const c = await openTablet(browser, relay.url);
		await c.page.evaluate(() => {
			const w = globalThis as unknown as PageGlobals;
			// No named functions in here: tsx would wrap them in a __name() helper the page lacks.
			const perf = performance as unknown as { memory: { usedJSHeapSize: number } };
			w.benchHeap = {
				max: perf.memory.usedJSHeapSize,
				timer: setInterval(() => (w.benchHeap!.max = Math.max(w.benchHeap!.max, perf.memory.usedJSHeapSize)), 100)
			};
		});
		const heapBeforeC = await c.page.evaluate(
			() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize
		);
		const cdpHeap = await sampleHeap(c.page);
		const loadAtStart = load();
		const cold = await c.page.evaluate(
			async ({ code, total }) => {
				const w = globalThis as unknown as PageGlobals;
				const t0 = performance.now();
				await w.shopCrmSync.pair({ code, deviceName: 'Till C' });
				const paired = performance.now() - t0;
				let firstRowMs: number | null = null;
				for (;;) {
					const n = await w.shopCrm.db.customers.count();
					if (n > 0 && firstRowMs === null) firstRowMs = performance.now() - t0;
					if (n >= total) break;
					if (performance.now() - t0 > 30 * 60_000) throw new Error(`cold sync: ${n} of ${total} after 30 min`);
					await new Promise((r) => setTimeout(r, 100));
				}
				return { paired, firstRowMs, allMs: performance.now() - t0 };
			},
			{ code: pairC.code, total }
		);
		const peakCdp = await cdpHeap.stop();
		const peakPage = await c.page.evaluate(() => {
			const w = globalThis as unknown as PageGlobals;
			clearInterval(w.benchHeap!.timer);
			return w.benchHeap!.max;
		});
		const peak = Math.max(peakCdp, peakPage);
		record(
			`New tablet receiving ${N.toLocaleString('en-GB')} customers: C pair() → all ${total.toLocaleString('en-GB')} customers in its IndexedDB (load ${loadAtStart} → ${load()})`,
			`${(cold.allMs / 1000).toFixed(1)} s (paired in ${ms(cold.paired)}, first rows at ${((cold.firstRowMs ?? 0) / 1000).toFixed(1)} s)`,
			'< 60 s'
		);
		record(
			`C: peak JS heap during the cold sync`,
			`${(peak / 1e6).toFixed(0)} MB (page sampler ${(peakPage / 1e6).toFixed(0)}, CDP ${(peakCdp / 1e6).toFixed(0)}; before pairing ${(heapBeforeC / 1e6).toFixed(0)})`,
			'< 300 MB'
		);
		await waitStatus(c.page, 'idle', 120_000).catch(() => console.log('  C not idle within 2 min after the count matched'));
		const heapAfter = await c.page.evaluate(async () => {
			await new Promise((r) => setTimeout(r, 3000));
			return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
		});
		record(`C: JS heap 3 s after its sync went idle`, `${(heapAfter / 1e6).toFixed(0)} MB`);

		// --- c. relay memory and disk -------------------------------------------------------------
		const rssSynced = rssMb(relay.pid);
		const disk = duMb(dataDir);
		record(
			`Relay RSS: before load / A's ${N.toLocaleString('en-GB')} confirmed / after C's cold sync`,
			`${rssBefore.toFixed(0)} / ${rssLoaded.toFixed(0)} / ${rssSynced.toFixed(0)} MB`
		);
		record(`Relay DATA_DIR on disk (du) after the sync, ${total.toLocaleString('en-GB')} customers`, `${disk.toFixed(1)} MB`);

		// C settles: the engine lets fetched docs go after LINGER_MS, the DocStore evicts docs idle
		// for 60 s on its 30 s timer. A is closed (it would only keep index and settings open).
		await a.context.close();
		await sleep(100_000);
		const cdp = await c.context.newCDPSession(c.page);
		await cdp.send('HeapProfiler.collectGarbage');
		const { usedSize } = await cdp.send('Runtime.getHeapUsage');
		await cdp.detach();
		const docsOnC = await c.page.evaluate(
			() => (globalThis as unknown as { shopCrm: { store: { loadedDocs: string[] } } }).shopCrm.store.loadedDocs
		);
		record(`C: JS heap 100 s after the sync, after a full GC (docs in memory: ${docsOnC.join(', ') || 'none'})`, `${(usedSize / 1e6).toFixed(0)} MB`);
		const relayDocs = (await health(relay.url)).docs;
		await c.context.close();
		const rssLeft = rssMb(relay.pid);
		await sleep(LINGER_MS + 5000);
		record(
			`Relay RSS when the last tablet left (docs loaded ${relayDocs}) / ${(LINGER_MS + 5000) / 1000} s later (docs loaded ${(await health(relay.url)).docs})`,
			`${rssLeft.toFixed(0)} / ${rssMb(relay.pid).toFixed(0)} MB`
		);

		await relay.stop();
		record(`Relay DATA_DIR on disk after the relay stopped`, `${duMb(dataDir).toFixed(1)} MB`);

		await wholeShop(browser, record, N);
	} finally {
		await browser?.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

/**
 * d. A new tablet receiving a whole shop: customers, the item catalogue and ~4 sales a customer,
 * until everything is in its tables and its statistics are derived. A shop of its own, on a relay of
 * its own, so the figures above stay about customers alone. Tablet A2 creates the shop (shop record,
 * device, token, settings, index: the real path); the shop's data is then seeded
 * into the relay's storage from Node (bench/seed-shop.ts: the same documents A2 would have sent
 * after loadDemoShop, built with the app's own code), since A2 pushing ~400,000 sales through the UI
 * path took over 24 minutes and measured A2, not D.
 */
async function wholeShop(browser: Browser, record: Record_, N: number): Promise<void> {
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-shop-'));
	// The relay's default limit of a document (server.ts maxDocBytes), stated: the seeded sizes are
	// printed beside the figure, with any document over it.
	const relayEnv = { MAX_DOC_MB: String(WHOLE_SHOP_MAX_DOC_MB) };
	let relay = await spawnRelay(dataDir, relayEnv);
	try {
		const a = await openTablet(browser, relay.url);
		await a.page.evaluate(
			({ stores, setupSecret }) =>
				(globalThis as unknown as PageGlobals).shopCrmSync.createShop({ shopName: 'Bench shop 2', deviceName: 'Till A2', settings: { stores }, setupSecret }),
			{ stores: DEMO_STORES, setupSecret: TEST_SETUP_SECRET }
		);
		await waitStatus(a.page, 'idle', 30_000);
		const owner = await a.page.evaluate(() => {
			const creds = (globalThis as unknown as PageGlobals).shopCrmSync.credentials!;
			return { shopId: creds.shopId, deviceId: creds.deviceId, token: creds.token };
		});
		// Closed before the seeding: A2 would otherwise fetch the whole shop back and share the 2 cores with D.
		await a.context.close();
		await relay.stop();
		const tSeed = Date.now();
		const want = await seedDemoShop(dataDir, { shopId: owner.shopId, deviceId: owner.deviceId, deviceName: 'Till A2', stores: DEMO_STORES }, N, {
			maxDocBytes: WHOLE_SHOP_MAX_DOC_MB * MB
		});
		const seedMs = Date.now() - tSeed;
		relay = await spawnRelay(dataDir, relayEnv);
		// A2's pairing code, asked for with A2's token just as its createPairing() does (sync.svelte.ts),
		// after the seeding: a code lives 10 minutes (shops.ts PAIRING_TTL_MS).
		const pairing = await fetch(relay.url + '/api/pairings', {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
			body: '{}'
		});
		if (!pairing.ok) throw new Error(`pairing code for D: relay answered ${pairing.status} ${await pairing.text()}`);
		const pairD = (await pairing.json()) as { code: string };
		const overDefault = want.overDefaultDocLimit;
		record(
			`Relay storage seeded from Node with A2's demo shop: ${want.customers.toLocaleString('en-GB')} customers, ${want.items.toLocaleString('en-GB')} items, ${want.sales.toLocaleString('en-GB')} sales in ${want.docs} docs`,
			`${(want.bytes / 1e6).toFixed(1)} MB, largest ${want.largestDoc.name} ${(want.largestDoc.bytes / MB).toFixed(1)} MiB` +
				(overDefault.length ? ` (${overDefault.length} docs over the relay's default 16 MiB a doc: ${overDefault.join(', ')})` : '') +
				`, in ${(seedMs / 1000).toFixed(1)} s`
		);

		const d = await openTablet(browser, relay.url);
		const loadAtStart = load();
		const got = await d.page.evaluate(
			async ({ code, want }) => {
				const w = globalThis as unknown as PageGlobals;
				const t0 = performance.now();
				await w.shopCrmSync.pair({ code, deviceName: 'Till D' });
				let customersAt: number | null = null;
				let salesAt: number | null = null;
				for (;;) {
					const [customers, sales, stats] = await Promise.all([
						w.shopCrm.db.customers.count(),
						w.shopCrm.db.sales.count(),
						w.shopCrm.db.customerStats.count()
					]);
					if (customersAt === null && customers >= want.customers) customersAt = performance.now() - t0;
					if (salesAt === null && sales >= want.sales) salesAt = performance.now() - t0;
					if (customersAt !== null && salesAt !== null && stats >= want.stats) {
						// Counts can match while a last derivation is still pending: wait for it too.
						if (!w.shopCrm.derive) break;
						await w.shopCrm.derive.idle();
						if ((await w.shopCrm.db.customerStats.count()) >= want.stats) break;
					}
					if (performance.now() - t0 > 60 * 60_000) {
						throw new Error(`whole shop: ${customers} customers, ${sales} sales, ${stats} statistics after 60 min; want ${JSON.stringify(want)}`);
					}
					await new Promise((r) => setTimeout(r, 200));
				}
				return { allMs: performance.now() - t0, customersAt: customersAt!, salesAt: salesAt!, derive: !!w.shopCrm.derive };
			},
			{ code: pairD.code, want: { customers: want.customers, sales: want.sales, stats: want.withSales } }
		);
		record(
			`New tablet receiving a whole shop (${want.customers.toLocaleString('en-GB')} customers, ${want.sales.toLocaleString('en-GB')} sales): D pair() → everything in its tables and statistics derived for ${want.withSales.toLocaleString('en-GB')} customers${got.derive ? ' (derive.idle())' : ''} (load ${loadAtStart} → ${load()})`,
			`${(got.allMs / 1000).toFixed(1)} s (all customers at ${(got.customersAt / 1000).toFixed(1)} s, all sales at ${(got.salesAt / 1000).toFixed(1)} s)`
		);
		await d.context.close();
	} finally {
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}
