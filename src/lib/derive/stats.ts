// Statistics as a derivation over the database: per-customer figures from the sales and point
// adjustments tables (both copied from the replicated documents by the projections). The arithmetic
// is the domain's (domain/sales/stats.ts); this file decides what to read and what to write, and
// runs inside a transaction the caller opened on STATS_TABLES.
import type { ShopDB } from '$lib/store/schema';
import type { PointAdjustment, Sale } from '$lib/domain/sales/types';
import {
	addAdjustment,
	addSale,
	computeStats,
	countsOpening,
	isStatsCurrent,
	needsWindowRecompute,
	rollWindow,
	type CustomerStats
} from '$lib/domain/sales/stats';
import type { DeriveContext } from './api';
import { groupBy } from '$lib/domain/collections';
import type { OpeningBalance } from '$lib/domain/opening';

export const STATS_TABLES = ['sales', 'adjustments', 'openingBalances', 'customerStats'] as const;

/** A customer's whole history, read by index: for statistics computed from scratch. */
async function historyOf(
	db: ShopDB,
	ids: string[]
): Promise<{ sales: Sale[][]; adjustments: PointAdjustment[][]; openings: (OpeningBalance | undefined)[] }> {
	// One equals() query per customer, all in flight at once (anyOf() walks a cursor key by key).
	const [sales, adjustments, openings] = await Promise.all([
		Promise.all(ids.map((id) => db.sales.where('customerId').equals(id).toArray())),
		Promise.all(ids.map((id) => db.adjustments.where('customerId').equals(id).toArray())),
		db.openingBalances.bulkGet(ids)
	]);
	return { sales, adjustments, openings };
}

/**
 * Counts the given sales (read by the caller, who also counts them into the shop's day totals)
 * and adjustments into their customers' statistics. Incremental where it
 * is exact: a counted id is never counted again (re-sent sales, repeated queue entries), the
 * windows roll forward on the way, and a customer is computed from scratch when they have no
 * statistics yet, when `fromScratch` says so (a rebuild has not reached them), or when the date
 * went back before their statistics' day. A customer whose opening balance arrived, changed or
 * went (`openingIds`) is computed from scratch too: the balance is one figure that replaces the
 * last, not an amount to add. Returns the customers whose statistics were written.
 */
export async function countIntoStats(
	db: ShopDB,
	sales: readonly (Sale | undefined)[],
	adjustmentIds: string[],
	ctx: DeriveContext,
	fromScratch: (customerId: string) => boolean,
	openingIds: string[] = []
): Promise<string[]> {
	const adjustments = await db.adjustments.bulkGet(adjustmentIds);
	const batch = new Map<string, { sales: Sale[]; adjustments: PointAdjustment[] }>();
	const of = (id: string) => batch.get(id) ?? batch.set(id, { sales: [], adjustments: [] }).get(id)!;
	for (const s of sales) if (s?.customerId) of(s.customerId).sales.push(s);
	for (const a of adjustments) if (a?.customerId) of(a.customerId).adjustments.push(a);
	for (const id of openingIds) of(id);
	if (batch.size === 0) return [];

	const ids = [...batch.keys()];
	const current = await db.customerStats.bulkGet(ids);
	const opened = new Set(openingIds);
	// From scratch: no statistics yet, a rebuild has not reached them, or they are in an earlier
	// build's shape (addSale leaves those unchanged: the sale would go uncounted).
	const scratch = ids.filter(
		(id, i) => opened.has(id) || !current[i] || !isStatsCurrent(current[i]!) || fromScratch(id) || ctx.today < current[i]!.asOf
	);
	const history = await historyOf(db, scratch);
	const out = new Map<string, CustomerStats>();
	const currentOf = new Map(ids.map((id, i) => [id, current[i]]));
	const gone: string[] = [];
	scratch.forEach((id, i) => {
		const before = currentOf.get(id);
		const opening = history.openings[i] ?? null;
		// An opening balance written again unchanged (a repeated queue row): nothing to write.
		if (opened.has(id) && !batch.get(id)!.sales.length && !batch.get(id)!.adjustments.length && before && isStatsCurrent(before) &&
			!fromScratch(id) && ctx.today === before.asOf && countsOpening(before, opening, ctx.timeZone)) return;
		// A customer with neither history nor an opening balance keeps no statistics row.
		if (!opening && history.sales[i].length === 0 && history.adjustments[i].length === 0) {
			if (before) gone.push(id);
			return;
		}
		out.set(id, computeStats(id, history.sales[i], history.adjustments[i], ctx.today, ctx.timeZone, opening));
	});
	const skip = new Set(scratch);
	ids.forEach((id, i) => {
		if (skip.has(id)) return;
		const before = current[i]!;
		let s = before;
		for (const sale of batch.get(id)!.sales) s = addSale(s, sale, ctx.today, ctx.timeZone);
		for (const adj of batch.get(id)!.adjustments) s = addAdjustment(s, adj);
		// Nothing new (every id counted already): nothing to write or announce.
		if (s !== before) out.set(id, s);
	});
	// put(): statistics are derived rows, replaced whole.
	if (out.size) await db.customerStats.bulkPut([...out.values()]);
	// The opening balance was their only history (a customer deleted with it): as a rebuild leaves them.
	if (gone.length) await db.customerStats.bulkDelete(gone);
	return [...out.keys(), ...gone];
}

/** Every customer with sales, adjustments or an opening balance, sorted: the rows a rebuild writes. */
export async function customersWithHistory(db: ShopDB): Promise<string[]> {
	const [withSales, adjusted, opened] = await Promise.all([
		db.sales.orderBy('customerId').uniqueKeys() as Promise<string[]>,
		db.adjustments.orderBy('customerId').uniqueKeys() as Promise<string[]>,
		db.openingBalances.toCollection().primaryKeys() as Promise<string[]>
	]);
	return [...new Set([...withSales, ...adjusted, ...opened])].sort();
}

export interface CustomerHistory {
	sales: Sale[];
	adjustments: PointAdjustment[];
	openings: OpeningBalance[];
}

/**
 * Every sale and adjustment of `ids` (sorted, consecutive in the index): one range read per table,
 * in a read-only transaction of its own, so it can run while the previous chunk is written.
 */
export function readRange(db: ShopDB, ids: string[]): Promise<CustomerHistory> {
	const [lo, hi] = [ids[0], ids[ids.length - 1]];
	return db.transaction('r', ['sales', 'adjustments', 'openingBalances'], async () => {
		const [sales, adjustments, openings] = await Promise.all([
			db.sales.where('customerId').between(lo, hi, true, true).toArray(),
			db.adjustments.where('customerId').between(lo, hi, true, true).toArray(),
			db.openingBalances.where(':id').between(lo, hi, true, true).toArray()
		]);
		return { sales, adjustments, openings };
	});
}

/** Statistics from scratch for `ids` from their whole history (readRange); inside the caller's transaction. */
export async function writeRange(db: ShopDB, ids: string[], history: CustomerHistory, ctx: DeriveContext): Promise<void> {
	const salesOf = groupBy(history.sales, (s) => s.customerId!);
	const adjOf = groupBy(history.adjustments, (a) => a.customerId);
	const openingOf = new Map(history.openings.map((o) => [o.customerId, o]));
	// put(): statistics are derived rows, replaced whole.
	await db.customerStats.bulkPut(
		ids.map((id) => computeStats(id, salesOf.get(id) ?? [], adjOf.get(id) ?? [], ctx.today, ctx.timeZone, openingOf.get(id) ?? null))
	);
}

/** Statistics rows of customers who no longer have any history (e.g. after a restore). */
export async function removeStaleStats(db: ShopDB, keep: string[]): Promise<number> {
	const wanted = new Set(keep);
	const stale = ((await db.customerStats.toCollection().primaryKeys()) as string[]).filter((id) => !wanted.has(id));
	if (stale.length) await db.customerStats.bulkDelete(stale);
	return stale.length;
}

/**
 * Rolls up to `limit` statistics rows after `after` forward to ctx.today: day buckets that left
 * the 12-month window are dropped without reading a sale; a row whose day is later than today
 * (the clock went back) is computed from scratch. Rows whose figures do not change are not
 * written. Returns the last row looked at (null when there are no more) and the rows written.
 */
export async function rollStats(
	db: ShopDB,
	after: string | null,
	limit: number,
	ctx: DeriveContext
): Promise<{ last: string | null; changed: string[] }> {
	const rows =
		after === null
			? await db.customerStats.orderBy(':id').limit(limit).toArray()
			: await db.customerStats.where(':id').above(after).limit(limit).toArray();
	if (rows.length === 0) return { last: null, changed: [] };
	const rolled: CustomerStats[] = [];
	const back: string[] = [];
	for (const s of rows) {
		if (!needsWindowRecompute(s, ctx.today)) continue;
		const r = rollWindow(s, ctx.today);
		if (r) rolled.push(r);
		else back.push(s.customerId);
	}
	const history = await historyOf(db, back);
	back.forEach((id, i) =>
		rolled.push(computeStats(id, history.sales[i], history.adjustments[i], ctx.today, ctx.timeZone, history.openings[i] ?? null))
	);
	// put(): statistics are derived rows, replaced whole.
	if (rolled.length) await db.customerStats.bulkPut(rolled);
	return { last: rows[rows.length - 1].customerId, changed: rolled.map((s) => s.customerId) };
}
