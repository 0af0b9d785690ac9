// `npx tsx bench/partition.ts`: what the Yjs shapes we chose cost, in Node (no browser, no IndexedDB),
// as the table in ARCHITECTURE.md "Scale to design for". Re-runs itself with --expose-gc if needed.
//
//   customers: the real writers (src/lib/sync/customers.ts) into the 16 bucket docs of
//              src/lib/sync/docnames.ts, from the seeded demo generator; then 10% of them get 3 field
//              edits each and 1% are deleted, made by other tablets (other Yjs client ids).
//   comparison: one nested Y.Map per customer in one doc; one plain JSON value per customer in one doc.
//   sales:     500,000 sales (two lines each) as JSON values in 60 monthly docs, one transaction per
//              sale, written by 20 tablets (a design input for the sales issue).
//
//   BENCH_CUSTOMERS (100000), BENCH_SALES (500000) scale it down for a quick look.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as Y from 'yjs';
import { generateCustomers, DEMO_STORES } from '../src/lib/domain/demo';
import { seededIds } from '../src/lib/domain/ids';
import { mulberry32 } from '../src/lib/domain/random';
import type { CustomerDraft } from '../src/lib/domain/customer';
import { customersMap, writeNewCustomer, writeCustomerFields, deleteCustomer } from '../src/lib/customers/yjs';
import { allCustomerDocNames, customerDocName } from '../src/lib/store/docnames';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
	// tsx puts its loader in execArgv: run the same thing again with the collector exposed.
	const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
	process.exit(r.status ?? 1);
}

const N = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const SALES = Number(process.env.BENCH_SALES ?? 500_000);
const MONTHS = 60;
const NOW = '2026-11-23T12:00:00.000Z';
const IMPORT_CHUNK = 2000; // as src/lib/db/customers.ts: one transaction per chunk
const TABLETS = 20;

const MB = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} MB`;
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const s = (n: number) => (n < 1000 ? ms(n) : `${(n / 1000).toFixed(2)} s`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function heapNow(): Promise<number> {
	// A macrotask first: anything a finished Yjs transaction still holds through microtasks is let go.
	await new Promise((r) => setImmediate(r));
	gc!();
	gc!();
	return process.memoryUsage().heapUsed;
}

interface Measured {
	sizes: number[];
	loadMs: number[];
	heap: number;
	docs: Y.Doc[];
}

/**
 * Cold load: a fresh Y.Doc per update, Y.applyUpdate. One warm-up pass (JIT) is thrown away; the
 * second pass is timed and its docs are kept alive to weigh them (heapUsed delta after full GCs;
 * the encoded updates themselves live outside the heap and were allocated before).
 */
async function measure(updates: Uint8Array[]): Promise<Measured> {
	for (const u of updates.slice(0, 2)) {
		const warm = new Y.Doc();
		Y.applyUpdate(warm, u);
		warm.destroy();
	}
	const before = await heapNow();
	const docs: Y.Doc[] = [];
	const loadMs: number[] = [];
	for (const u of updates) {
		const doc = new Y.Doc();
		const t = performance.now();
		Y.applyUpdate(doc, u);
		loadMs.push(performance.now() - t);
		docs.push(doc);
	}
	const heap = (await heapNow()) - before;
	return { sizes: updates.map((u) => u.length), loadMs, heap, docs };
}

function release(m: Measured): void {
	for (const d of m.docs) d.destroy();
	m.docs.length = 0;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// Other tablets write edits, deletions and sales: each transaction under that tablet's client id
// (Yjs reads doc.clientID when a transaction creates items), as if synced from 20 tablets.
const tabletClients = Array.from({ length: TABLETS }, (_, i) => 1_000_000 + i * 7919);

const rows: string[][] = [];
const row = (...cells: string[]) => {
	rows.push(cells);
	console.log('  ' + cells.join(' | '));
};

async function main() {
	console.log(`Partition bench: ${N.toLocaleString('en-GB')} customers, ${SALES.toLocaleString('en-GB')} sales, Yjs ${yjsVersion()}, Node ${process.version}, load ${loadavg()[0].toFixed(2)}`);
	const drafts = generateCustomers({ seed: 42, count: N, now: NOW, stores: DEMO_STORES });
	const nextId = seededIds(4242);
	const ids = drafts.map(() => nextId());
	const jsonBytes = sum(drafts.slice(0, 1000).map((d) => JSON.stringify(d).length)) / 1000;
	console.log(`  a customer is ~${jsonBytes.toFixed(0)} bytes of JSON`);

	// --- 16 buckets, real writers -----------------------------------------------------------------
	const names = allCustomerDocNames();
	const buckets = new Map(names.map((n) => [n, new Y.Doc()]));
	let t = performance.now();
	for (let start = 0; start < N; start += IMPORT_CHUNK) {
		const byDoc = new Map<string, number[]>();
		for (let i = start; i < Math.min(N, start + IMPORT_CHUNK); i++) {
			const name = customerDocName(ids[i]);
			(byDoc.get(name) ?? byDoc.set(name, []).get(name)!).push(i);
		}
		for (const [name, idx] of byDoc) {
			const doc = buckets.get(name)!;
			doc.transact(() => {
				const map = customersMap(doc);
				for (const i of idx) writeNewCustomer(map, ids[i], drafts[i], NOW);
			});
		}
	}
	const writeMs = performance.now() - t;
	const fresh = await measure(names.map((n) => Y.encodeStateAsUpdate(buckets.get(n)!)));
	const perBucketCount = names.map((n) => customersMap(buckets.get(n)!).size);
	console.log(`  written in ${s(writeMs)}; customers per bucket ${Math.min(...perBucketCount)}–${Math.max(...perBucketCount)}`);
	reportBuckets('16 buckets, JSON value per customer (as written by an import)', fresh);
	const bucketTable = names.map((n, i) => [n, String(perBucketCount[i]), MB(fresh.sizes[i]), ms(fresh.loadMs[i])]);
	release(fresh);

	// --- 10% edited three times, 1% deleted, by other tablets ---------------------------------------
	const rng = mulberry32(99);
	const editFields: ((i: number, k: number) => Partial<Record<keyof CustomerDraft, unknown>>)[] = [
		(i, k) => ({ notes: `Edited on visit ${k}: prefers email` }),
		(i) => ({ phone: `+4477009${String(10000 + i).slice(-5)}` }),
		(i) => ({ tags: [...drafts[i].tags, 'vip'] })
	];
	let edits = 0;
	let deletions = 0;
	t = performance.now();
	for (let i = 0; i < N; i++) {
		const doc = buckets.get(customerDocName(ids[i]))!;
		const map = customersMap(doc);
		if (i % 10 === 3) {
			for (let k = 0; k < 3; k++) {
				doc.clientID = tabletClients[Math.floor(rng() * TABLETS)];
				const at = new Date(Date.parse(NOW) + (i * 3 + k) * 1000).toISOString();
				doc.transact(() => writeCustomerFields(map, ids[i], editFields[k](i, k) as never, at));
				edits++;
			}
		}
		if (i % 100 === 7) {
			doc.clientID = tabletClients[Math.floor(rng() * TABLETS)];
			doc.transact(() => deleteCustomer(map, ids[i], NOW));
			deletions++;
		}
	}
	const editMs = performance.now() - t;
	console.log(`  ${edits.toLocaleString('en-GB')} field edits and ${deletions.toLocaleString('en-GB')} deletions in ${s(editMs)}`);
	const edited = await measure(names.map((n) => Y.encodeStateAsUpdate(buckets.get(n)!)));
	reportBuckets(`same after 10% got 3 field edits each, 1% deleted (${TABLETS} tablets)`, edited);
	release(edited);
	for (const d of buckets.values()) d.destroy();
	buckets.clear();

	// --- comparison: one doc ----------------------------------------------------------------------
	{
		const doc = new Y.Doc();
		t = performance.now();
		for (let start = 0; start < N; start += IMPORT_CHUNK) {
			doc.transact(() => {
				const map = customersMap(doc);
				for (let i = start; i < Math.min(N, start + IMPORT_CHUNK); i++) writeNewCustomer(map, ids[i], drafts[i], NOW);
			});
		}
		const m = await measure([Y.encodeStateAsUpdate(doc)]);
		doc.destroy();
		row('1 doc, JSON value per customer', MB(m.sizes[0]), MB(m.heap), s(m.loadMs[0]), '');
		release(m);
	}
	{
		const doc = new Y.Doc();
		for (let start = 0; start < N; start += IMPORT_CHUNK) {
			doc.transact(() => {
				const root = doc.getMap('customers');
				for (let i = start; i < Math.min(N, start + IMPORT_CHUNK); i++) {
					const c = new Y.Map<unknown>();
					root.set(ids[i], c);
					for (const [k, v] of Object.entries(drafts[i])) c.set(k, v);
					c.set('createdAt', NOW);
				}
			});
		}
		const m = await measure([Y.encodeStateAsUpdate(doc)]);
		doc.destroy();
		row('1 doc, nested Y.Map per customer (per-field merge everywhere)', MB(m.sizes[0]), MB(m.heap), s(m.loadMs[0]), '');
		release(m);
	}

	// --- sales ------------------------------------------------------------------------------------
	const salesMonths = buildSales(ids);
	const sm = await measure(salesMonths);
	row(
		`${SALES.toLocaleString('en-GB')} sales, JSON value per sale, ${MONTHS} monthly docs`,
		`${MB(sum(sm.sizes))} (${MB(median(sm.sizes))} a month)`,
		`${MB(sm.heap)} all held (${MB(sm.heap / MONTHS)} a month)`,
		`${s(sum(sm.loadMs))} total`,
		`one month: median ${ms(median(sm.loadMs))}, max ${ms(Math.max(...sm.loadMs))}`
	);
	release(sm);

	console.log(`\nCustomers and sales (Yjs ${yjsVersion()}, Node ${process.version}, 2 cores, load ${loadavg()[0].toFixed(2)}):\n`);
	console.log('| shape | encoded | heap to hold | cold load (applyUpdate) | per doc |');
	console.log('|---|---|---|---|---|');
	for (const r of rows) console.log(`| ${r.join(' | ')} |`);
	console.log('\nPer bucket, as imported:\n');
	console.log('| bucket | customers | encoded | cold load |');
	console.log('|---|---|---|---|');
	for (const r of bucketTable) console.log(`| ${r.join(' | ')} |`);
}

function reportBuckets(label: string, m: Measured): void {
	row(
		`${N.toLocaleString('en-GB')} customers, ${label}`,
		`${MB(sum(m.sizes))}`,
		`${MB(m.heap)} all 16`,
		`${s(sum(m.loadMs))} all 16`,
		`bucket: ${MB(median(m.sizes))}, load median ${ms(median(m.loadMs))} / max ${ms(Math.max(...m.loadMs))}`
	);
}

const PRODUCTS = Array.from({ length: 400 }, (_, i) => ({
	sku: `SKU${String(100000 + i * 37).padStart(6, '0')}`,
	name: `${['Linen', 'Wool', 'Cotton', 'Silk', 'Denim', 'Leather', 'Canvas', 'Velvet'][i % 8]} ${['shirt', 'scarf', 'jacket', 'bag', 'hat', 'belt', 'dress', 'trousers', 'socks', 'gloves'][Math.floor(i / 8) % 10]} ${1 + Math.floor(i / 80)}`,
	price: Math.round((5 + ((i * 7919) % 195)) * 100) / 100 + 0.99,
	cost: 0
})).map((p) => ({ ...p, cost: Math.round(p.price * 45) / 100 }));

function buildSales(customerIds: string[]): Uint8Array[] {
	const rng = mulberry32(500);
	const nextId = seededIds(5005);
	const devices = Array.from({ length: TABLETS }, () => nextId());
	const out: Uint8Array[] = [];
	const start = Date.parse('2021-12-01T00:00:00Z');
	let written = 0;
	const t = performance.now();
	for (let m = 0; m < MONTHS; m++) {
		const doc = new Y.Doc();
		const map = doc.getMap('sales');
		const count = Math.round(((m + 1) * SALES) / MONTHS) - written;
		for (let k = 0; k < count; k++) {
			const device = Math.floor(rng() * TABLETS);
			const lines = [0, 1].map(() => {
				const p = PRODUCTS[Math.floor(rng() * PRODUCTS.length)];
				return { sku: p.sku, name: p.name, qty: 1 + Math.floor(rng() * 3), price: p.price, cost: p.cost };
			});
			const total = Math.round(lines.reduce((a, l) => a + l.qty * l.price, 0) * 100) / 100;
			const sale = {
				id: nextId(),
				at: new Date(start + m * 30.44 * 86400e3 + Math.floor(rng() * 30 * 86400e3)).toISOString(),
				storeId: DEMO_STORES[device % DEMO_STORES.length].id,
				deviceId: devices[device],
				customerId: rng() < 0.7 ? customerIds[Math.floor(rng() * customerIds.length)] : null,
				lines,
				total,
				points: Math.floor(total)
			};
			// One transaction per sale, by the tablet that rang it up.
			doc.clientID = tabletClients[device];
			doc.transact(() => map.set(sale.id, sale));
		}
		written += count;
		out.push(Y.encodeStateAsUpdate(doc));
		doc.destroy();
	}
	console.log(`  ${written.toLocaleString('en-GB')} sales written in ${s(performance.now() - t)}`);
	return out;
}

function yjsVersion(): string {
	try {
		return (JSON.parse(readFileSync('node_modules/yjs/package.json', 'utf8')) as { version: string }).version;
	} catch {
		return '13';
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
