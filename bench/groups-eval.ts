// `npx tsx bench/groups-eval.ts`: the groups' pure evaluation in Node, on the seeded demo shop
// (customers and sales from the demo generators): statistics from scratch, then compiling and
// fully evaluating 50 automatic groups, 3 tiered groups and RFM over every customer's facts, the
// RFM thresholds, one customer after a sale, the date-dependent re-evaluation of a new day, and
// the heap the facts (with their statistics) hold. Re-runs itself with --expose-gc if needed.
//
//   BENCH_CUSTOMERS (100000), BENCH_SALES_PER_CUSTOMER (5), BENCH_RUNS (5: median of full evaluations).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { generateCustomers, DEMO_STORES } from '../src/lib/domain/demo';
import { seededIds } from '../src/lib/domain/ids';
import { Rng } from '../src/lib/domain/random';
import { addDays, todayIn } from '../src/lib/domain/dates';
import type { Customer } from '../src/lib/domain/customer';
import { computeStats, addSale } from '../src/lib/domain/sales/stats';
import { generateItems, generateSales } from '../src/lib/domain/sales/demo-sales';
import type { Sale } from '../src/lib/domain/sales/types';
import { factsOf, ruleStats, type CustomerFacts, type EvalContext } from '../src/lib/domain/groups/facts';
import { compileGroups, dateDependentGroups, membershipKeys, reevaluateKeys } from '../src/lib/domain/groups/evaluate';
import { rfmThresholds } from '../src/lib/domain/groups/rfm';
import { SPEND_TIERS_PRESET } from '../src/lib/domain/groups/tiers';
import { automaticGroup, rfmGroup, rule, block, tieredGroup, manualGroup } from '../src/lib/domain/groups/factories';
import type { Condition, Group } from '../src/lib/domain/groups/types';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
	const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
	process.exit(r.status ?? 1);
}

const N = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const PER = Number(process.env.BENCH_SALES_PER_CUSTOMER ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NOW = '2026-11-23T12:00:00.000Z';
const TZ = 'Europe/London';
const TODAY = todayIn(TZ, new Date(NOW));

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = <T>(f: () => T): [T, number] => {
	const t0 = performance.now();
	const r = f();
	return [r, performance.now() - t0];
};
const heap = () => {
	gc!();
	return process.memoryUsage().heapUsed;
};

// ---- The shop ------------------------------------------------------------------------------------
// Generated in a function so the sales can be collected before anything is timed: the worker holds
// the facts, not the sales.
const items = generateItems(8);
function shop() {
	const ids = seededIds(8);
	const customers: Customer[] = generateCustomers({ seed: 8, count: N, now: NOW, stores: DEMO_STORES }).map((d) => ({ ...d, id: ids(), updatedAt: NOW }));
	const [sales, tSales] = time(() =>
		generateSales({
			seed: 8, customers, items, stores: DEMO_STORES,
			devices: DEMO_STORES.map((s, i) => ({ id: `d${i}`, name: `Till ${i}`, storeId: s.id })),
			from: '2023-11-24T00:00:00.000Z', to: NOW, salesPerCustomerAvg: PER
		})
	);
	const byCustomer = new Map<string, Sale[]>();
	for (const s of sales) if (s.customerId) (byCustomer.get(s.customerId) ?? byCustomer.set(s.customerId, []).get(s.customerId)!).push(s);
	const [facts, tStats] = time(() =>
		customers.map((c) => {
			const own = byCustomer.get(c.id);
			return factsOf(c, own ? computeStats(c.id, own, [], TODAY, TZ) : undefined, []);
		})
	);
	const target = facts.find((f) => f.stats)!;
	return { facts, tSales, tStats, saleCount: sales.length, target, targetSales: byCustomer.get(target.id)! };
}
const before = heap();
const { facts, tSales, tStats, saleCount, target, targetSales } = shop();
const factsHeap = heap() - before;

// ---- The groups ------------------------------------------------------------------------------------
const rng = new Rng(50);
const brands = [...new Set(items.map((i) => i.brand))];
const categories = [...new Set(items.map((i) => i.category))];
const tags = ['vip', 'newsletter', 'wholesale', 'staff', 'local', 'online'];
function someCondition(i: number): Condition {
	switch (i % 10) {
		case 0: return { kind: 'age', op: 'between', value: rng.int(18, 50), max: rng.int(51, 80) };
		case 1: return { kind: 'stat', metric: 'spend', window: { kind: 'days', days: rng.pick([30, 90, 180]) }, op: 'gte', value: rng.int(1, 50) * 1000 };
		case 2: return { kind: 'stat', metric: 'visits', window: { kind: 'months', months: rng.int(1, 12) }, op: 'gte', value: rng.int(1, 4) };
		case 3: return { kind: 'bought', what: rng.pick(['brand', 'category'] as const), values: [rng.pick(rng.chance(0.5) ? brands : categories)], days: rng.pick([null, 90, 365]) };
		case 4: return { kind: 'tags', match: 'any', tags: [rng.pick(tags), rng.pick(tags)] };
		case 5: return { kind: 'daysSinceLastVisit', op: 'gte', value: rng.int(30, 365) };
		case 6: return { kind: 'birthdayWithin', days: rng.int(0, 30) };
		case 7: return { kind: 'stat', metric: 'averageBasket', window: { kind: 'calendarYear' }, op: 'gte', value: rng.int(10, 80) * 100 };
		case 8: return { kind: 'consent', channel: rng.pick(['email', 'sms', 'post'] as const), granted: true };
		default: return { kind: 'store', storeIds: [rng.pick(DEMO_STORES).id] };
	}
}
const groups: Group[] = [
	manualGroup('m-newsletter'),
	tieredGroup('tier-spend', { ...SPEND_TIERS_PRESET(), retentionMonths: 6 }),
	tieredGroup('tier-visits', { metric: 'visits', window: { kind: 'calendarYear' }, retentionMonths: 0, levels: [
		{ id: 'l1', name: 'Regular', min: 1, max: 4, vip: false }, { id: 'l2', name: 'Frequent', min: 4, max: null, vip: true }] }),
	tieredGroup('tier-margin', { metric: 'grossMargin', window: { kind: 'allTime' }, retentionMonths: 0, levels: [
		{ id: 'low', name: 'Low', min: 0, max: 20000, vip: false }, { id: 'high', name: 'High', min: 20000, max: null, vip: false }] }),
	rfmGroup(true)
];
for (let g = 0; g < 50; g++) {
	const conds: Condition[] = [someCondition(g), someCondition(g + rng.int(1, 9))];
	// A few groups built on others: memberOf an earlier group or a tier level.
	if (g % 10 === 9) conds.push({ kind: 'memberOf', groupId: `auto-${g - 1}`, levelId: null });
	if (g % 10 === 4) conds.push({ kind: 'memberOf', groupId: 'tier-spend', levelId: 'gold' });
	groups.push(automaticGroup(`auto-${g}`, g % 3 === 0 ? rule(block('any', ...conds)) : rule(...conds)));
}

// ---- Evaluation ---------------------------------------------------------------------------------
const ctx: EvalContext = { today: TODAY, timeZone: TZ, now: NOW };
const [compiled, tCompile] = time(() => compileGroups(groups, ctx));
if (compiled.skipped.length) throw new Error(`skipped: ${JSON.stringify(compiled.skipped)}`);
const [th, tRfm] = time(() => rfmThresholds(facts, TODAY));
// Wall time, and the CPU time this process got: on a machine shared with other work the wall
// time includes waiting for a core, the CPU time does not (it includes the collector's threads).
const runs: number[] = [];
const cpuRuns: number[] = [];
let keys: string[][] = [];
for (let r = 0; r < RUNS; r++) {
	const cpu0 = process.cpuUsage();
	const [k, t] = time(() => facts.map((f) => membershipKeys(compiled, f, th)));
	const cpu = process.cpuUsage(cpu0);
	cpuRuns.push((cpu.user + cpu.system) / 1000);
	keys = k;
	runs.push(t);
}
const members = keys.reduce((n, k) => n + k.length, 0);

// One customer after a sale: statistics, facts, keys.
const targetStats = computeStats(target.id, targetSales, [], TODAY, TZ);
const sale = { ...targetSales[0], id: 'bench-sale', at: NOW };
const [, tOne] = time(() => {
	for (let i = 0; i < 1000; i++) {
		const f: CustomerFacts = { ...target, stats: ruleStats(addSale(targetStats, { ...sale, id: `bench-${i}` }, TODAY, TZ)) };
		membershipKeys(compiled, f, th);
	}
});

// A new day: recompile, new thresholds, the date-dependent groups for everyone.
const next: EvalContext = { ...ctx, today: addDays(TODAY, 1) };
const [, tDay] = time(() => {
	const c = compileGroups(groups, next);
	const t = rfmThresholds(facts, next.today);
	const due = new Set(dateDependentGroups(c));
	facts.forEach((f, i) => reevaluateKeys(c, f, t, keys[i], due));
});

const rows: [string, string][] = [
	['customers / sales', `${N.toLocaleString('en-GB')} / ${saleCount.toLocaleString('en-GB')} (generated in ${ms(tSales)})`],
	['groups', `${groups.filter((g) => g.type === 'automatic').length} automatic, 3 tiered (one with 6 months' retention), RFM, 1 manual`],
	['statistics from scratch + facts, all customers', ms(tStats)],
	['heap held by the facts (statistics and the day cache included)', `${MB(factsHeap)} (${Math.round(factsHeap / N)} B a customer)`],
	['compileGroups', ms(tCompile)],
	['rfmThresholds', ms(tRfm)],
	[`membershipKeys for every customer (median of ${RUNS})`, `${ms(median(runs))}, ${((median(runs) * 1000) / N).toFixed(1)} µs a customer (runs: ${runs.map((t) => Math.round(t)).join(', ')})`],
	[`the same, CPU time of this process (median of ${RUNS})`, ms(median(cpuRuns))],
	['full evaluation = compile + RFM thresholds + every customer', ms(tCompile + tRfm + median(runs))],
	['keys held', `${members.toLocaleString('en-GB')} (${(members / N).toFixed(1)} a customer)`],
	['one customer after a sale (addSale + keys)', `${(tOne / 1000).toFixed(3)} ms`],
	['new day: compile + thresholds + date-dependent groups for everyone', ms(tDay)],
	['load average (1 min) at the end', loadavg()[0].toFixed(2)]
];
console.log('| what | figure |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
