// Issue 8 figures, on a page whose tables hold the whole shop and its statistics (bench/sales.ts
// fills them and rebuilds the statistics first): 50 automatic groups, 3 tiered groups and the RFM
// segments evaluated for every customer in the derive worker; the longest main-thread task
// meanwhile; the live count while a rule is edited; a finalised sale reaching the customer's
// Groups section on screen; the heap of the customer list tab with every membership loaded.
import type { Page } from '@playwright/test';
import type { AppWindow } from '../tests/support/tablet';
import { formatLongTasks, longTasks } from '../tests/support/longtask';
import { generateItems } from '../src/lib/domain/sales/demo-sales';
import { DEMO_STORES } from '../src/lib/domain/demo';
import { emptyDraft } from '../src/lib/domain/customer';
import type { GroupDraft, StoredRule } from '../src/lib/domain/groups/types';
import type { LastEvaluation } from '../src/lib/groups/derive';
import { benchGroups, benchTiers } from './group-defs';

type Record = (figure: string, value: string, aim?: string) => void;

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

export async function benchGroupsPart(page: Page, url: string, record: Record, opts: { sales: number }): Promise<void> {
	const items = generateItems(20261201);
	const brands = [...new Set(items.map((i) => i.brand))];
	const categories = [...new Set(items.map((i) => i.category))];
	const drafts: GroupDraft[] = [...benchGroups(DEMO_STORES.map((s) => s.id), brands, categories), ...benchTiers()];
	const automatic = drafts.filter((d) => d.type === 'automatic').length;
	const tiered = drafts.filter((d) => d.type === 'tiered').length;

	// The groups, created as an owner would (each one evaluated as it is saved), RFM switched on.
	const created = await page.evaluate(async (drafts) => {
		const shop = (globalThis as AppWindow).shopCrm;
		const t = performance.now();
		const ids: string[] = [];
		for (const d of drafts) {
			const r = await shop.groups.create(d);
			if (!r.ok) throw new Error(`${d.name}: ${JSON.stringify(r.errors)}`);
			ids.push(r.id);
		}
		const rfm = await shop.groups.get('rfm');
		if (!rfm || rfm.group.type !== 'rfm') throw new Error('no RFM group');
		const { id: _id, createdAt: _c, createdBy: _b, updatedAt: _u, ...draft } = rfm.group;
		const r = await shop.groups.update('rfm', { ...draft, enabled: true });
		if (!r.ok) throw new Error(`RFM: ${JSON.stringify(r.errors)}`);
		await shop.derive.idle();
		return { ids, ms: performance.now() - t };
	}, drafts);
	record(`Create ${automatic} automatic + ${tiered} tiered groups and switch RFM on, each evaluated as saved (to idle)`, `${(created.ms / 1000).toFixed(1)} s`);

	// One full evaluation, timed by the worker (a changed definition re-evaluates everyone).
	const full = await page.evaluate(async (id) => {
		const shop = (globalThis as AppWindow).shopCrm;
		const g = await shop.groups.get(id);
		if (!g) throw new Error('group gone');
		const { id: _id, createdAt: _c, createdBy: _b, updatedAt: _u, ...draft } = g.group;
		const from = performance.now();
		const r = await shop.groups.update(id, { ...draft, description: `Re-evaluated ${Date.now()}` });
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await shop.derive.idle();
		const to = performance.now();
		const last = (await shop.db.kv.get('groups.lastEvaluation'))?.value;
		const members = await shop.db.memberships.count();
		return { from, to, last, members };
	}, created.ids[0]);
	const last = full.last as LastEvaluation | undefined;
	if (!last) throw new Error('no full evaluation recorded');
	record(
		`Full evaluation in the derive worker: ${last.customers.toLocaleString('en-GB')} customers × ${last.groups} groups (${automatic} automatic, ${tiered} tiered, RFM ${last.rfm ? 'on' : 'off'}, built-in), ${opts.sales.toLocaleString('en-GB')} sales behind the statistics`,
		`${ms(last.evaluateMs)} (+ ${ms(last.writeMs)} writing ${last.changed.toLocaleString('en-GB')} changed rows)`,
		'< 1 s'
	);
	record('Definition saved → every membership re-evaluated and written (to derive idle)', ms(full.to - full.from));
	record('Longest main-thread task during the full evaluation', formatLongTasks(await longTasks(page, full.from, full.to)), '< 50 ms');

	// The live count while a rule is edited: what the rule builder asks on each change.
	const rules: StoredRule[] = [];
	for (let i = 0; i < 20; i++) {
		rules.push({
			version: 1,
			root: {
				kind: 'block',
				op: 'all',
				children: [
					{ kind: 'stat', metric: 'spend', window: { kind: 'days', days: 30 + i * 15 }, op: 'gte', value: 5000 + i * 1000 },
					{ kind: 'age', op: 'between', value: 20 + i, max: 40 + i }
				]
			}
		});
	}
	const previews = await page.evaluate(async (rules) => {
		const shop = (globalThis as AppWindow).shopCrm;
		const out: number[] = [];
		for (const rule of rules) {
			const t = performance.now();
			const p = await shop.groups.preview(rule);
			out.push(performance.now() - t);
			if (p.total === 0) throw new Error('preview counted nobody');
		}
		return out.sort((a, b) => a - b);
	}, rules);
	record('Live count while editing a rule (shop.groups.preview): median / p95 of 20', `${ms(q(previews, 0.5))} / ${ms(q(previews, 0.95))}`, '< 150 ms');

	await saleToGroups(page, url, record);
	await listHeap(page, url, record);
}

/**
 * A new customer (no sales: Standard in "Spend tiers") with their profile open; a £600 sale is
 * recorded as the till does, and the time to "Gold" in their Groups section is taken from a
 * MutationObserver. A new customer each round: each crosses the threshold once.
 */
async function saleToGroups(page: Page, url: string, record: Record): Promise<void> {
	const out: number[] = [];
	for (let round = 0; round < 10; round++) {
		const draft = { ...emptyDraft(new Date().toISOString()), firstName: 'Bench', lastName: `Tier ${round}` };
		const id = await page.evaluate(async (draft) => {
			const shop = (globalThis as AppWindow).shopCrm;
			const r = await shop.customers.create({ ...draft, storeId: shop.device.storeId });
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			await shop.derive.idle();
			return r.id;
		}, draft);
		await page.goto(`${url}/customers/${id}`);
		await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
		const section = page.locator('section[aria-labelledby="groups-title"]');
		await section.getByText('Standard').first().waitFor({ timeout: 60_000 });
		// A till that has been open a moment: the worker has started and holds the facts.
		await page.evaluate(() => (globalThis as AppWindow).shopCrm.derive.idle());
		const t = await page.evaluate(async (id) => {
			const shop = (globalThis as AppWindow).shopCrm;
			const section = document.querySelector('section[aria-labelledby="groups-title"]')!;
			let seen: ((t: number) => void) | null = null;
			const shown = new Promise<number>((r) => (seen = r));
			const observer = new MutationObserver(() => {
				if (section.textContent?.includes('Gold')) seen?.(performance.now());
			});
			observer.observe(section, { subtree: true, childList: true, characterData: true });
			const receiptNo = await shop.sales.nextReceiptNo();
			const t0 = performance.now();
			const r = await shop.sales.record({
				id: 'benchtier' + Math.random().toString(36).slice(2, 12),
				receiptNo,
				at: new Date().toISOString(),
				storeId: shop.device.storeId,
				deviceId: 'bench',
				deviceName: 'Bench till',
				cashier: 'Bench',
				customerId: id,
				lines: [{ itemId: 'i', sku: 'COAT', name: 'Coat', brand: 'Bench', category: 'Coats', variant: 'M', qty: 1, unitPrice: 60000, unitCost: 30000, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0 }],
				payments: [{ method: 'card', amount: 60000 }],
				subtotal: 60000,
				discountTotal: 0,
				pointsValue: 0,
				total: 60000,
				change: 0,
				pointsRedeemed: 0,
				pointsEarned: 600,
				refundOf: null,
				currency: 'GBP'
			});
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			const t1 = await Promise.race([shown, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
			observer.disconnect();
			if (t1 === null) throw new Error('the customer did not show as Gold within 10 s');
			return t1 - t0;
		}, id);
		out.push(t);
	}
	out.sort((a, b) => a - b);
	record(
		'Sale finalised (sales.record) → the customer shows in Gold in their Groups section: median / p95 / max of 10',
		`${ms(q(out, 0.5))} / ${ms(q(out, 0.95))} / ${ms(out[out.length - 1])}`,
		'< 50 ms'
	);
}

/** The customer list with every customer's membership keys loaded: JS heap after a forced GC. */
async function listHeap(page: Page, url: string, record: Record): Promise<void> {
	await page.goto(`${url}/customers`);
	await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
	await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
	await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, { timeout: 300_000 });
	await page.waitForTimeout(2000);
	const heap = await page.evaluate(async () => {
		const g = globalThis as unknown as { gc?: () => void; performance: Performance & { memory?: { usedJSHeapSize: number } } };
		g.gc?.();
		await new Promise((r) => setTimeout(r, 500));
		return { used: g.performance.memory?.usedJSHeapSize ?? 0, gc: typeof g.gc === 'function', members: await (globalThis as AppWindow).shopCrm.db.memberships.count() };
	});
	record(
		`JS heap of the customer list tab with every customer's groups loaded (${heap.members.toLocaleString('en-GB')} customers with memberships${heap.gc ? ', after a forced GC' : ''})`,
		`${(heap.used / 1048576).toFixed(0)} MB`,
		'< 300 MB'
	);
}
