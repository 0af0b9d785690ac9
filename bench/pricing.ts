// Issue 9 figure, in Node (pricing is a pure function, the same code the till runs): pricing a
// 30-line cart for a customer in 10 groups, with 200 groups defined, each policy, 1,000 runs each
// after a warm-up. Prints the median and p95 and the machine's load (`uptime`). `npm run bench`
// runs it too (benchPricing) and adds its row to the table; alone:
//
//   npx tsx bench/pricing.ts
import { execSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Group } from '../src/lib/domain/groups/types';
import { Rng } from '../src/lib/domain/random';
import { benefit, coupon, group, item, line, tiers } from '../src/lib/domain/benefits/factories';
import { priceWithBenefits, type PricingInput } from '../src/lib/domain/benefits/price';
import { BENEFIT_SCHEMA_VERSION, type Benefit, type BenefitPolicy, type PricingItem } from '../src/lib/domain/benefits/types';

const RUNS = 1000;
const WARM_UP = 200;
const rng = new Rng(20261201);
const BRANDS = Array.from({ length: 40 }, (_, i) => `Brand ${i}`);
const CATEGORIES = Array.from({ length: 25 }, (_, i) => `Category ${i}`);

const catalogue: PricingItem[] = Array.from({ length: 2000 }, (_, i) =>
	item(`item${i}`, rng.int(99, 25_000), { brand: rng.pick(BRANDS), category: rng.pick(CATEGORIES) })
);

// 200 groups: 190 manual/automatic-like groups and 10 tiered groups with three levels each.
const groups: Group[] = [];
for (let g = 0; g < 190; g++) groups.push(group(`g${g}`, `2025-${String(1 + (g % 12)).padStart(2, '0')}-01T00:00:${String(g % 60).padStart(2, '0')}.000Z`, `Group ${g}`));
for (let t = 0; t < 10; t++) groups.push(tiers(`tier${t}`, `2024-0${1 + (t % 9)}-01T00:00:00.000Z`, `Tier ${t}`));

// Every group gives something: a discount, a price book of 40 entries, a multiplier, a limit.
const benefits: Benefit[] = [];
for (const g of groups) {
	const targets = g.type === 'tiered' ? [g.id, `${g.id}/gold`, `${g.id}/platinum`] : [g.id];
	for (const target of targets) {
		benefits.push(benefit(target, { kind: 'discount', pct: rng.int(1, 30) }));
		benefits.push(
			benefit(target, {
				kind: 'priceBook',
				name: `Book ${target}`,
				entries: Array.from({ length: 40 }, () => {
					const r = rng.int(0, 2);
					const match =
						r === 0 ? { kind: 'item' as const, itemId: rng.pick(catalogue).id } : r === 1 ? { kind: 'brand' as const, brand: rng.pick(BRANDS) } : { kind: 'category' as const, category: rng.pick(CATEGORIES) };
					const p = rng.int(0, 2);
					const price = p === 0 ? { kind: 'fixed' as const, amount: rng.int(50, 20_000) } : p === 1 ? { kind: 'pctOff' as const, pct: rng.int(1, 40) } : { kind: 'amountOff' as const, amount: rng.int(10, 500) };
					return { match, price };
				})
			})
		);
		benefits.push(benefit(target, { kind: 'pointsMultiplier', factor: 1 + rng.int(0, 10) / 10 }));
		benefits.push(benefit(target, { kind: 'redemptionLimit', points: rng.int(100, 5000), period: rng.pick(['day', 'week', 'month'] as const) }));
	}
}

// The customer: 8 manual groups and 2 tiered groups at Gold = 10 groups (12 keys).
const manual = groups.filter((g) => g.type === 'manual');
const keys = [...Array.from({ length: 8 }, (_, i) => manual[i * 23].id), 'tier0', 'tier0/gold', 'tier5', 'tier5/gold'];
const lines = Array.from({ length: 30 }, (_, i) => line(catalogue[i * 61], rng.int(1, 4)));
const coupons = [coupon('SPRING'), coupon('FIVER', { value: { kind: 'amount', amount: 500 } }), coupon('GOLD', { groups: ['tier0/gold'] })];

const v = BENEFIT_SCHEMA_VERSION;
const policies: BenefitPolicy[] = [
	{ version: v, kind: 'best-price' },
	{ version: v, kind: 'priority', order: groups.map((g) => g.id).reverse() },
	{ version: v, kind: 'newest-group' },
	{ version: v, kind: 'stack' }
];

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

type Record = (figure: string, value: string, aim?: string) => void;

/** Every policy, 1,000 runs each after a warm-up; one row for the bench table. */
export function benchPricing(record?: Record): void {
	console.log(`Pricing: ${lines.length} lines, customer in 10 groups (${keys.length} keys), ${groups.length} groups, ${benefits.length} benefits defined, 3 coupons entered`);
	const results: { policy: string; median: number; p95: number }[] = [];
	for (const policy of policies) {
		const input: PricingInput = { lines, customer: { keys }, groups, benefits, policy, coupons, codes: ['SPRING', 'FIVER', 'GOLD'], today: '2026-04-15', currency: 'GBP' };
		let sink = 0;
		for (let i = 0; i < WARM_UP; i++) sink += priceWithBenefits(input).total;
		const times: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const t = performance.now();
			sink += priceWithBenefits(input).total;
			times.push(performance.now() - t);
		}
		times.sort((a, b) => a - b);
		const r = priceWithBenefits(input);
		const discounted = r.lines.filter((l) => l.discount > 0).length;
		results.push({ policy: policy.kind, median: q(times, 0.5), p95: q(times, 0.95) });
		console.log(
			`  ${policy.kind.padEnd(12)} median ${q(times, 0.5).toFixed(3)} ms, p95 ${q(times, 0.95).toFixed(3)} ms (aim < 5 ms) — ${discounted}/30 lines discounted, total ${r.total} (sink ${sink % 7})`
		);
	}
	console.log(`  uptime: ${execSync('uptime').toString().trim()}`);
	const worst = results.reduce((w, r) => (r.p95 > w.p95 ? r : w));
	record?.(
		`Pricing a ${lines.length}-line cart for a customer in 10 groups with ${groups.length} groups defined (Node, ${RUNS} runs per policy)`,
		`p95 ${worst.p95.toFixed(2)} ms (${worst.policy}); medians ${results.map((r) => `${r.policy} ${r.median.toFixed(2)}`).join(', ')} ms`,
		'< 5 ms'
	);
}

// Run directly (npx tsx bench/pricing.ts): print the figures.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) benchPricing();
