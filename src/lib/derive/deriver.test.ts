// The derive stage on fake-indexeddb: statistics derived from the queue after each flush equal
// statistics computed from scratch, whatever the order, repeats and interruptions.
import { describe, expect, it } from 'vitest';
import { ShopDB } from '$lib/store/schema';
import { DocStore, type ChangeSet } from '$lib/store/docstore';
import { allProjections, DERIVE_KINDS } from '$lib/projections';
import { POINTS_DOC, salesDocName } from '$lib/store/docnames';
import { adjustmentsMap, salesMap, trackSale, writeSale } from '$lib/sales/yjs';
import { customerDocName } from '$lib/store/docnames';
import { openingsMap, writeOpening } from '$lib/customers/yjs';
import type { OpeningBalance } from '$lib/domain/opening';
import { computeStats, rollWindow, type CustomerStats } from '$lib/domain/sales/stats';
import type { PointAdjustment, Sale, SaleLine } from '$lib/domain/sales/types';
import { Rng } from '$lib/domain/random';
import { Deriver } from './deriver';
import { DeriveClient, inProcessConnection, WorkerCrashed, type DeriveConnection } from './client';
import { DERIVE_STATE_KEY, DERIVE_VERSION, STATS_ALL_KIND, STATS_KIND, type DeriveContext, type DeriveProgress, type DeriveState } from './api';

const TZ = 'Europe/London';
let n = 0;

function ctx(today: string): DeriveContext {
	return { today, timeZone: TZ, now: `${today}T12:00:00.000Z` };
}

function line(over: Partial<SaleLine> = {}): SaleLine {
	return {
		itemId: 'i1', sku: 'MUG', name: 'Mug', brand: 'Potter', category: 'Home', variant: 'M', qty: 1,
		unitPrice: 1000, unitCost: 400, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0, ...over
	};
}

function sale(id: string, customerId: string | null, at: string, over: Partial<Sale> = {}): Sale {
	const lines = over.lines ?? [line()];
	const subtotal = lines.reduce((t, l) => t + l.unitPrice * l.qty, 0);
	return {
		id, receiptNo: `R-${id}`, at, storeId: 'camden', deviceId: 'd', deviceName: 'Till', cashier: 'Ann', customerId, lines,
		payments: [], subtotal, discountTotal: 0, pointsValue: 0, total: subtotal, change: 0, pointsRedeemed: 0,
		pointsEarned: Math.floor(subtotal / 100), refundOf: null, currency: 'GBP', ...over
	};
}

/** A tablet's write path (DocStore + projections + derive queue), without the derive step. */
function shop() {
	const name = `derive-test-${++n}-${Math.random()}`;
	const db = new ShopDB(name);
	const store = new DocStore(db, { projections: allProjections, deriveKinds: DERIVE_KINDS, channel: null });
	return {
		name,
		db,
		store,
		async sell(...sales: Sale[]) {
			const docs = [...new Set(sales.map((s) => salesDocName(s)))];
			await store.transact(docs, (d) => {
				for (const s of sales) writeSale(salesMap(d.get(salesDocName(s))!), s);
			});
		},
		async track(s: Sale, customerId: string) {
			const doc = salesDocName(s);
			await store.transact([doc], (d) => trackSale(salesMap(d.get(doc)!), s.id, { customerId, at: s.at, by: 'Till' }));
		},
		async adjust(a: PointAdjustment) {
			await store.transact([POINTS_DOC], (d) => adjustmentsMap(d.get(POINTS_DOC)!).set(a.id, a));
		},
		/** An import writes (or a later import replaces) a customer's opening balance; null removes it. */
		async open(customerId: string, o: Omit<OpeningBalance, 'customerId' | 'source'> | null) {
			const doc = customerDocName(customerId);
			await store.transact([doc], (d) => {
				if (o) writeOpening(d.get(doc)!, { ...o, customerId, source: 'import test.csv' });
				else openingsMap(d.get(doc)!).delete(customerId);
			});
		}
	};
}

async function opened(name: string, opts: ConstructorParameters<typeof Deriver>[0] = {}): Promise<Deriver> {
	const d = new Deriver(opts);
	await d.open(name);
	return d;
}

/** Every customer's statistics computed from scratch from the tables, as of `today`. */
async function fromScratch(db: ShopDB, today: string): Promise<Map<string, CustomerStats>> {
	const [sales, adjustments, openings] = await Promise.all([db.sales.toArray(), db.adjustments.toArray(), db.openingBalances.toArray()]);
	const openingOf = new Map(openings.map((o) => [o.customerId, o]));
	const ids = new Set([
		...sales.map((s) => s.customerId).filter((x): x is string => !!x),
		...adjustments.map((a) => a.customerId),
		...openingOf.keys()
	]);
	return new Map([...ids].map((id) => [id, computeStats(id, sales, adjustments, today, TZ, openingOf.get(id) ?? null)]));
}

/** Stored statistics, seen as of `today` (a row whose figures did not change on a day is not rewritten). */
async function stored(db: ShopDB, today: string): Promise<Map<string, CustomerStats>> {
	return new Map((await db.customerStats.toArray()).map((s) => [s.customerId, rollWindow(s, today) ?? s]));
}

describe('derive queue', () => {
	it('each flush of sales or points queues its ids in the same transaction; a drain consumes them', async () => {
		const t = shop();
		await t.sell(sale('a', 'c1', '2026-11-20T10:00:00Z'));
		await t.adjust({ id: 'x', customerId: 'c1', points: 5, reason: 'welcome', at: '2026-11-20T11:00:00Z', by: 'Ann' });
		const queued = await t.db.deriveQueue.toArray();
		expect(queued.map((r) => r.changes)).toEqual([{ sales: ['a'] }, { points: ['x'] }]);
		expect(await t.db.customerStats.count()).toBe(0);

		const d = await opened(t.name);
		const changes = await d.drain(ctx('2026-11-23'));
		expect(changes).toEqual({ [STATS_KIND]: ['c1'] });
		expect(await t.db.deriveQueue.count()).toBe(0);
		const s = await t.db.customerStats.get('c1');
		expect(s?.totalSpend).toBe(1000);
		expect(s?.pointsBalance).toBe(15);
	});

	it('a big flush (an import, a first sync) goes in the bulk lane: a later sale is derived first, the bulk 2,000 ids at a time', async () => {
		const t = shop();
		const many = Array.from({ length: 2500 }, (_, i) => sale(`b${i}`, `c${i % 700}`, '2026-11-20T10:00:00Z'));
		await t.sell(...many);
		await t.sell(sale('mine', 'vip', '2026-11-22T10:00:00Z'));
		const rows = await t.db.deriveQueue.toArray();
		expect(rows.map((r) => [r.changes.sales?.length, r.lane])).toEqual([[2500, 1], [1, 0]]);

		const d = await opened(t.name);
		// What the till waits for: the small lane only, although it was queued after the bulk.
		expect(await d.drain(ctx('2026-11-23'), 'urgent')).toEqual({ [STATS_KIND]: ['vip'] });
		expect(await t.db.customerStats.count()).toBe(1);
		// The bulk row, a slice at a time: its rest stays queued under its own seq.
		const first = await d.drainSlice(ctx('2026-11-23'));
		expect(first.more).toBe(true);
		const left = await t.db.deriveQueue.toArray();
		expect(left.map((r) => [r.seq, r.changes.sales?.length, r.lane])).toEqual([[rows[0].seq, 500, 1]]);
		const rest = new Set(left[0].changes.sales);
		expect(rest.size).toBe(500);
		expect(rows[0].changes.sales!.slice(2000).every((id) => rest.has(id))).toBe(true);
		const second = await d.drainSlice(ctx('2026-11-23'));
		expect(second.more).toBe(true);
		expect(await d.drainSlice(ctx('2026-11-23'))).toEqual({ changes: {}, more: false });
		expect(await t.db.deriveQueue.count()).toBe(0);
		// Sliced or not, every sale counted once.
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
	});

	it('small bulk rows go together into one slice, up to 2,000 ids', async () => {
		const t = shop();
		for (let f = 0; f < 4; f++) await t.sell(...Array.from({ length: 600 }, (_, i) => sale(`f${f}-${i}`, `c${i % 200}`, '2026-11-20T10:00:00Z')));
		expect((await t.db.deriveQueue.toArray()).map((r) => r.lane)).toEqual([1, 1, 1, 1]);
		const d = await opened(t.name);
		expect((await d.drainSlice(ctx('2026-11-23'))).more).toBe(true);
		// Three whole rows (1,800) and 200 of the fourth.
		expect((await t.db.deriveQueue.toArray()).map((r) => r.changes.sales?.length)).toEqual([400]);
		await d.drain(ctx('2026-11-23'));
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
	});

	it('a killed worker mid-slice leaves the bulk row whole, and the next slice takes it again', async () => {
		const t = shop();
		await t.sell(...Array.from({ length: 2400 }, (_, i) => sale(`k${i}`, `c${i % 300}`, '2026-11-20T10:00:00Z')));
		const d = await opened(t.name, { faults: { beforeCommit: (what) => { if (what === 'drain') throw new WorkerCrashed(); } } });
		await expect(d.drainSlice(ctx('2026-11-23'))).rejects.toBeInstanceOf(WorkerCrashed);
		expect((await t.db.deriveQueue.toArray()).map((r) => r.changes.sales?.length)).toEqual([2400]);
		expect(await t.db.customerStats.count()).toBe(0);
		const again = await opened(t.name);
		await again.drain(ctx('2026-11-23'));
		expect(await t.db.deriveQueue.count()).toBe(0);
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
	});

	it('statistics in the shape of an earlier build are computed from scratch when a sale arrives, not left uncounted', async () => {
		const t = shop();
		await t.sell(sale('a', 'c1', '2026-11-20T10:00:00Z'));
		const d = await opened(t.name);
		await d.start(ctx('2026-11-23'));
		// The row as a build before the all-time day buckets wrote it.
		const current = (await t.db.customerStats.get('c1'))!;
		const { days: _days, lastBought: _bought, ...older } = current;
		await t.db.customerStats.put({ ...older, recent: [] } as unknown as CustomerStats);
		await t.sell(sale('b', 'c1', '2026-11-22T10:00:00Z'));
		await d.drain(ctx('2026-11-23'));
		const s = (await t.db.customerStats.get('c1'))!;
		expect(s.saleIds).toEqual(['a', 'b']);
		expect(s.totalSpend).toBe(2000);
		expect(s.days.map((b) => b.day)).toEqual(['2026-11-20', '2026-11-22']);
	});

	it('incremental derivation equals recomputation from scratch: random order, re-sent sales, late tablets, tracking, refunds, opening balances, midnight', async () => {
		let withOpening = 0;
		for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
			const rng = new Rng(seed);
			const t = shop();
			const d = await opened(t.name);
			const customers = Array.from({ length: 6 }, (_, i) => `c${i}`);
			const days = ['2025-10-01', '2025-11-25', '2026-03-03', '2026-11-20', '2026-11-22', '2026-11-23', '2026-11-25'];
			const made: Sale[] = [];
			let today = '2026-11-22';
			for (let step = 0; step < 60; step++) {
				const r = rng.next();
				if (r < 0.45) {
					const at = `${rng.pick(days)}T${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(10, 59))}:00Z`;
					const s = sale(`s${seed}-${step}`, rng.next() < 0.2 ? null : rng.pick(customers), at, {
						lines: [line({ qty: rng.int(1, 3), brand: rng.pick(['Potter', 'Acme', '']), unitPrice: rng.int(100, 5000) })]
					});
					made.push(s);
					await t.sell(s);
				} else if (r < 0.55 && made.length) {
					// An offline tablet re-sends a sale this one has (the same key: nothing new).
					await t.sell(rng.pick(made));
				} else if (r < 0.62 && made.length) {
					const anon = made.find((s) => !s.customerId);
					if (anon) await t.track(anon, rng.pick(customers));
				} else if (r < 0.7 && made.length) {
					const orig = rng.pick(made.filter((s) => s.customerId));
					if (orig) {
						const refund = sale(`r${seed}-${step}`, orig.customerId, '2026-11-22T15:00:00Z', {
							refundOf: orig.id,
							lines: [line({ ...orig.lines[0], qty: -1, refundOfLine: 0 })],
							pointsEarned: -1
						});
						made.push(refund);
						await t.sell(refund);
					}
				} else if (r < 0.78) {
					await t.adjust({ id: `a${seed}-${step}`, customerId: rng.pick(customers), points: rng.int(-20, 20) || 1, reason: 'x', at: '2026-11-21T00:00:00Z', by: 'Ann' });
				} else if (r < 0.84) {
					// An import brings (or a second import replaces, or a deletion takes away) an opening balance.
					const gone = rng.next() < 0.15;
					await t.open(rng.pick(customers), gone ? null : {
						at: `${rng.pick(days)}T09:00:00.000Z`, spend: rng.int(0, 200_000), orders: rng.int(0, 30), points: rng.int(0, 500),
						lastOrderDate: rng.next() < 0.5 ? rng.pick(['2024-05-01', '2025-12-24', '2026-11-01']) : ''
					});
				} else if (r < 0.93) {
					await d.drain(ctx(today));
				} else {
					// Midnight passes (sometimes rolled by the worker, sometimes only seen by the next
					// batch), or the tablet's clock is put back a few days.
					today = rng.pick(['2026-11-21', '2026-11-24', '2026-12-26', '2027-01-10']);
					if (rng.next() < 0.5) await d.roll(ctx(today));
				}
			}
			await d.drain(ctx(today));
			expect(await t.db.deriveQueue.count()).toBe(0);
			expect(await stored(t.db, today), `seed ${seed}`).toEqual(await fromScratch(t.db, today));
			withOpening += (await t.db.customerStats.toArray()).filter((x) => x.opening).length;
		}
		expect(withOpening).toBeGreaterThan(5);
	});

	it('an opening balance counts into statistics and memberships’ figures, replaced whole by a later import, never as a sale', async () => {
		const t = shop();
		const d = await opened(t.name);
		await t.sell(sale('a', 'c1', '2026-11-20T10:00:00Z'));
		await t.open('c1', { at: '2026-11-21T09:00:00.000Z', spend: 123_450, orders: 12, points: 300, lastOrderDate: '' });
		await d.drain(ctx('2026-11-23'));
		let s = (await t.db.customerStats.get('c1'))!;
		expect(s.totalSpend).toBe(1000 + 123_450);
		expect(s.visits).toBe(13);
		expect(s.spend12m).toBe(1000 + 123_450);
		expect(s.pointsBalance).toBe(10 + 300);
		expect(s.saleIds).toEqual(['a']);
		expect(s.lastVisit).toBe('2026-11-21T12:00:00.000Z');
		// A later import with other figures replaces the balance; its last order date moves it out of the 12 months.
		await t.open('c1', { at: '2026-11-22T09:00:00.000Z', spend: 50_000, orders: 4, points: 0, lastOrderDate: '2024-05-01' });
		await d.drain(ctx('2026-11-23'));
		s = (await t.db.customerStats.get('c1'))!;
		expect(s.totalSpend).toBe(51_000);
		expect(s.spend12m).toBe(1000);
		expect(s.visits).toBe(5);
		expect(s.visits12m).toBe(1);
		expect(s.firstVisit).toBe('2024-05-01T12:00:00.000Z');
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
		// A customer whose only history is an opening balance gets statistics, and loses them with it.
		await t.open('c2', { at: '2026-11-22T09:00:00.000Z', spend: 9_900, orders: 0, points: 0, lastOrderDate: '' });
		await d.drain(ctx('2026-11-23'));
		expect((await t.db.customerStats.get('c2'))?.totalSpend).toBe(9_900);
		await t.open('c2', null);
		await d.drain(ctx('2026-11-23'));
		expect(await t.db.customerStats.get('c2')).toBeUndefined();
		// A full rebuild gives the same.
		await t.open('c3', { at: '2026-11-22T09:00:00.000Z', spend: 700, orders: 1, points: 7, lastOrderDate: '2026-10-01' });
		await d.drain(ctx('2026-11-23'));
		const before = await stored(t.db, '2026-11-23');
		await d.rebuild(ctx('2026-11-23'), 'requested');
		expect(await stored(t.db, '2026-11-23')).toEqual(before);
		expect(before.get('c3')?.pointsBalance).toBe(7);
	});

	it('a worker killed mid-batch leaves no half-written statistics and keeps the queue; a new worker finishes', async () => {
		const t = shop();
		await t.sell(sale('a', 'c1', '2026-11-20T10:00:00Z'), sale('b', 'c2', '2026-11-20T10:05:00Z'));
		await t.sell(sale('c', 'c1', '2026-11-21T10:00:00Z'));
		const killed = await opened(t.name, {
			faults: {
				beforeCommit: (what) => {
					if (what === 'drain') throw new Error('worker killed');
				}
			}
		});
		await expect(killed.drain(ctx('2026-11-23'))).rejects.toThrow('worker killed');
		expect(await t.db.customerStats.count()).toBe(0);
		expect(await t.db.deriveQueue.count()).toBe(2);
		killed.close();

		const next = await opened(t.name);
		await next.drain(ctx('2026-11-23'));
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
		expect((await t.db.customerStats.get('c1'))?.visits).toBe(2);
	});
});

describe('rebuild', () => {
	async function shopWithCustomers(count: number) {
		const t = shop();
		const sales = Array.from({ length: count }, (_, i) =>
			sale(`s${i}`, `c${String(i).padStart(3, '0')}`, `2026-0${1 + (i % 9)}-10T10:00:00Z`)
		);
		await t.sell(...sales);
		await t.db.deriveQueue.clear();
		return t;
	}

	it('recomputes everyone, records when, and removes statistics of customers without history', async () => {
		const t = await shopWithCustomers(7);
		await t.db.customerStats.put({ ...computeStats('gone', [], [], '2026-11-23', TZ), totalSpend: 99 });
		const d = await opened(t.name, { chunk: 3 });
		const progress: DeriveProgress[] = [];
		const changes = await d.rebuild(ctx('2026-11-23'), 'requested', (p) => progress.push(p));
		expect(changes).toEqual({ [STATS_ALL_KIND]: ['*'] });
		expect(progress.map((p) => p.done)).toEqual([0, 3, 6, 7]);
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
		expect(await t.db.customerStats.get('gone')).toBeUndefined();
		const st = await d.state();
		expect(st).toMatchObject({ version: DERIVE_VERSION, rebuild: null, rebuiltAt: '2026-11-23T12:00:00.000Z', timeZone: TZ });
	});

	it('a rebuild interrupted (tab closed, worker killed) resumes where it stopped on the next start', async () => {
		const t = await shopWithCustomers(8);
		const killed = await opened(t.name, {
			chunk: 3,
			faults: {
				beforeCommit: (what, count) => {
					if (what === 'rebuild' && count === 2) throw new Error('tab closed');
				}
			}
		});
		await expect(killed.rebuild(ctx('2026-11-23'), 'requested')).rejects.toThrow('tab closed');
		killed.close();
		// The first chunk committed with its cursor; the second did not.
		expect(await t.db.customerStats.count()).toBe(3);
		const half = (await t.db.kv.get(DERIVE_STATE_KEY))?.value as DeriveState;
		expect(half.rebuild).toMatchObject({ cursor: 'c002', done: 3, total: 8, reason: 'requested' });

		const next = await opened(t.name, { chunk: 3 });
		const progress: number[] = [];
		await next.start(ctx('2026-11-23'), (p) => progress.push(p.done));
		expect(progress).toEqual([3, 6, 8]);
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
		expect((await next.state())?.rebuild).toBeNull();
	});

	it('sales drained while a rebuild runs (between its chunks, before and after its cursor) are all counted once', async () => {
		const t = await shopWithCustomers(9);
		const d = await opened(t.name, { chunk: 2 });
		const drains: Promise<unknown>[] = [];
		let step = 0;
		await d.rebuild(ctx('2026-11-23'), 'requested', (p) => {
			if (p.done === 0) return;
			step++;
			// A customer the rebuild has passed, and one it has not reached yet.
			const sold = [sale(`late${step}a`, 'c000', '2026-11-22T10:00:00Z'), sale(`late${step}b`, 'c008', '2026-11-22T10:00:00Z')];
			drains.push(t.sell(...sold).then(() => d.drain(ctx('2026-11-23'))));
		});
		await Promise.all(drains);
		await d.drain(ctx('2026-11-23'));
		expect(step).toBe(5);
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
		expect((await t.db.customerStats.get('c000'))?.visits).toBe(6);
		expect((await t.db.customerStats.get('c008'))?.visits).toBe(6);
	});

	it('a new derivation version or time zone rebuilds on start; a new day only rolls the windows', async () => {
		const t = await shopWithCustomers(4);
		const d = await opened(t.name);
		await d.start(ctx('2026-11-23'));
		const first = (await d.state())!;
		expect(first.rebuiltAt).toBe('2026-11-23T12:00:00.000Z');
		expect(await t.db.customerStats.count()).toBe(4);

		// The next day: a roll, not a rebuild.
		await d.start({ today: '2026-11-24', timeZone: TZ, now: '2026-11-24T08:00:00.000Z' });
		expect((await d.state())).toMatchObject({ asOf: '2026-11-24', rebuiltAt: first.rebuiltAt });

		// An update of the app with a new derivation: rebuilt on its first start.
		await t.db.kv.put({ key: DERIVE_STATE_KEY, value: { ...first, version: DERIVE_VERSION - 1 } });
		await t.db.customerStats.update('c000', { totalSpend: -1 });
		await d.start({ today: '2026-11-24', timeZone: TZ, now: '2026-11-24T09:00:00.000Z' });
		expect((await d.state())?.rebuiltAt).toBe('2026-11-24T09:00:00.000Z');
		expect((await t.db.customerStats.get('c000'))?.totalSpend).toBe(1000);

		await d.start({ today: '2026-11-24', timeZone: 'America/New_York', now: '2026-11-24T10:00:00.000Z' });
		expect(await d.state()).toMatchObject({ timeZone: 'America/New_York', rebuiltAt: '2026-11-24T10:00:00.000Z' });
	});

	it('at midnight the 12-month figures roll forward; a clock gone back recomputes from scratch', async () => {
		const t = shop();
		await t.sell(sale('old', 'c1', '2025-12-01T10:00:00Z'), sale('new', 'c1', '2026-11-01T10:00:00Z'));
		const d = await opened(t.name);
		await d.start(ctx('2026-11-23'));
		expect((await t.db.customerStats.get('c1'))?.spend12m).toBe(2000);
		const changes = await d.roll(ctx('2026-12-02'));
		expect(changes).toEqual({ [STATS_ALL_KIND]: ['*'] });
		expect((await t.db.customerStats.get('c1'))).toMatchObject({ spend12m: 1000, totalSpend: 2000, asOf: '2026-12-02' });
		await d.roll(ctx('2026-11-23'));
		expect((await t.db.customerStats.get('c1'))).toMatchObject({ spend12m: 2000, asOf: '2026-11-23' });
		// Nothing to roll: nothing written, nothing announced.
		expect(await d.roll(ctx('2026-11-23'))).toEqual({});
	});
});

describe('DeriveClient', () => {
	/** A worker that dies when asked to drain (its crashed promise rejects, the call never answers). */
	function dyingConnection(real: Deriver): DeriveConnection {
		let die: (err: unknown) => void = () => {};
		const crashed = new Promise<never>((_, reject) => (die = reject));
		crashed.catch(() => {});
		const api = Object.create(real) as Deriver;
		api.open = (name) => real.open(name);
		api.start = (c, cb) => real.start(c, cb);
		api.state = () => real.state();
		api.drain = () => {
			die(new WorkerCrashed('killed'));
			return new Promise(() => {});
		};
		return { api, callback: (fn) => fn, crashed, terminate: () => real.close() };
	}

	it('restarts a worker that died mid-derivation and finishes the work; announces what changed', async () => {
		const t = shop();
		const announced: ChangeSet[] = [];
		let connects = 0;
		const client = new DeriveClient({
			connect: () => (++connects === 1 ? dyingConnection(new Deriver()) : inProcessConnection(new Deriver())),
			dbName: t.name,
			context: () => ctx('2026-11-23'),
			announce: (c) => announced.push(c)
		});
		await client.start();
		await t.sell(sale('a', 'c1', '2026-11-20T10:00:00Z'));
		client.notify();
		await client.idle();
		expect(client.connections).toBe(2);
		expect((await t.db.customerStats.get('c1'))?.totalSpend).toBe(1000);
		expect(await t.db.deriveQueue.count()).toBe(0);
		expect(announced).toContainEqual({ [STATS_KIND]: ['c1'] });
		client.close();
	});

	it('settled() waits for the till\'s own flushes, not for an import\'s bulk lane; idle() waits for both', async () => {
		const t = shop();
		let open!: () => void;
		const gate = new Promise<void>((r) => (open = r));
		class Gated extends Deriver {
			override async drainSlice(c: DeriveContext) {
				await gate;
				return super.drainSlice(c);
			}
		}
		const client = new DeriveClient({ connect: () => inProcessConnection(new Gated()), dbName: t.name, context: () => ctx('2026-11-23'), announce: () => {} });
		await client.start();
		await t.sell(...Array.from({ length: 1200 }, (_, i) => sale(`b${i}`, `c${i % 400}`, '2026-11-20T10:00:00Z')));
		await t.sell(sale('mine', 'vip', '2026-11-22T10:00:00Z'));
		client.notify();
		await client.settled();
		expect((await t.db.customerStats.get('vip'))?.totalSpend).toBe(1000);
		expect(await t.db.customerStats.get('c1')).toBeUndefined();
		expect(client.status.pending).toBe(true);
		open();
		await client.idle();
		expect(await t.db.deriveQueue.count()).toBe(0);
		expect(await stored(t.db, '2026-11-23')).toEqual(await fromScratch(t.db, '2026-11-23'));
		expect(client.status.pending).toBe(false);
		client.close();
	});

	it('reports a failure that is not a crash and derives the queue on the next notify', async () => {
		const t = shop();
		let fail = true;
		const client = new DeriveClient({
			connect: () =>
				inProcessConnection(
					new Deriver({
						faults: {
							beforeCommit: (what) => {
								if (what === 'drain' && fail) throw new Error('disk full');
							}
						}
					})
				),
			dbName: t.name,
			context: () => ctx('2026-11-23'),
			announce: () => {}
		});
		await client.start();
		await t.sell(sale('a', 'c1', '2026-11-20T10:00:00Z'));
		client.notify();
		await client.idle();
		expect(client.status.error).toBeInstanceOf(Error);
		expect(await t.db.deriveQueue.count()).toBe(1);
		fail = false;
		client.notify();
		await client.idle();
		expect(client.status.error).toBeNull();
		expect((await t.db.customerStats.get('c1'))?.totalSpend).toBe(1000);
		client.close();
	});
});
