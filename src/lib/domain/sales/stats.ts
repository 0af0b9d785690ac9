// Per-customer statistics, derived on every tablet from the replicated sales and point
// adjustments (never replicated themselves).
//
// Two ways to the same answer: computeStats from scratch, and addSale/addAdjustment when one
// record arrives. Sales reach a tablet in any order and may be re-sent, so the incremental form
// keeps the ids it has counted (a sale is never counted twice) and every figure is a sum, a
// maximum or a minimum: the result does not depend on arrival order.
//
// Rolling 12-month figures cannot be kept by adding alone: days pass and old sales leave the
// window. So the stats keep one bucket per day that can still matter (from the window's first
// day on, including days after `asOf` when a tablet's clock ran ahead), and the windowed figures
// are re-summed from those buckets. At midnight rollWindow drops the buckets that left the
// window, without reading any sale; only a date going backwards needs computeStats again.
import { todayIn } from '../dates';
import type { PointAdjustment, Sale } from './types';

export interface DayBucket {
	/** 'YYYY-MM-DD' in the shop's time zone. */
	day: string;
	spend: number;
	margin: number;
	visits: number;
}

export interface CustomerStats {
	customerId: string;
	/** The day ('YYYY-MM-DD', shop's zone) the 12-month figures are computed for. */
	asOf: string;
	/** Money paid (sale totals after points), refunds subtracted. Minor units. */
	totalSpend: number;
	spend12m: number;
	/** Sum over lines of price × qty − discount − cost × qty; refunds subtract. */
	grossMargin: number;
	grossMargin12m: number;
	/** Sales whose quantities add up to more than zero; a refund neither adds nor removes one. */
	visits: number;
	visits12m: number;
	/** ISO instant of the latest and the earliest visit. */
	lastVisit: string | null;
	firstVisit: string | null;
	pointsEarned: number;
	pointsRedeemed: number;
	pointsAdjusted: number;
	/** earned − redeemed + adjusted; may be negative (two offline tablets redeeming the same points). */
	pointsBalance: number;
	/** totalSpend / visits, rounded; 0 without visits. */
	averageBasket: number;
	/** Up to TOP_N, most units first (net of refunds), then by name. */
	topBrands: { brand: string; count: number }[];
	topSizes: { variant: string; count: number }[];
	// Bookkeeping for the incremental form. Kept sorted so equal stats are equal field by field.
	saleIds: string[];
	adjustmentIds: string[];
	brandUnits: [string, number][];
	variantUnits: [string, number][];
	/** Day buckets from windowStart(asOf) on, sorted by day. */
	recent: DayBucket[];
}

export const TOP_N = 5;

// ---- Dates -----------------------------------------------------------------------------------

function ymd(y: number, m: number, d: number): string {
	return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/**
 * First day of the 12 months that end on `today` (inclusive): the day after the same date a
 * year earlier, so the window holds 365 days, or 366 when it spans 29 February.
 */
export function windowStart(today: string): string {
	const y = Number(today.slice(0, 4)) - 1;
	const m = Number(today.slice(5, 7));
	const d = Number(today.slice(8, 10));
	// From 29 February the year before has no such day: the window starts on 1 March.
	if (m === 2 && d === 29) return ymd(y, 3, 1);
	const t = new Date(Date.UTC(y, m - 1, d + 1));
	return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

const DAY_MS = 86_400_000;

/**
 * The shop-zone day of a sale, or null when it is surely before `from`. Formatting an instant in
 * a zone is the slow step of a full recompute; most sales are older than the window and skip it.
 */
function dayFrom(at: string, from: string, timeZone: string): string | null {
	const t = Date.parse(at);
	if (Number.isNaN(t)) return null;
	// No zone is more than 14 hours off UTC: two days of margin is safe.
	if (t < Date.parse(from + 'T00:00:00Z') - 2 * DAY_MS) return null;
	const day = dayOf(t, timeZone);
	return day >= from ? day : null;
}

// Every zone's offset is a whole number of quarter hours, so all instants of one quarter hour
// fall on the same local day: cache by quarter hour (a full recompute formats each once).
const QUARTER_HOUR = 900_000;
const dayCache = new Map<string, Map<number, string>>();

function dayOf(t: number, timeZone: string): string {
	let cache = dayCache.get(timeZone);
	if (!cache) dayCache.set(timeZone, (cache = new Map()));
	const q = Math.floor(t / QUARTER_HOUR);
	let day = cache.get(q);
	if (day === undefined) {
		if (cache.size > 100_000) cache.clear();
		day = todayIn(timeZone, new Date(q * QUARTER_HOUR));
		cache.set(q, day);
	}
	return day;
}

// ---- What one sale contributes -------------------------------------------------------------

interface Contribution {
	spend: number;
	margin: number;
	visit: boolean;
}

function contribution(sale: Sale): Contribution {
	let margin = 0;
	let qty = 0;
	for (const l of sale.lines) {
		margin += l.unitPrice * l.qty - l.discount - l.unitCost * l.qty;
		qty += l.qty;
	}
	return { spend: sale.total, margin, visit: qty > 0 };
}

function later(a: string | null, b: string): string {
	if (a === null) return b;
	const ta = Date.parse(a);
	const tb = Date.parse(b);
	return tb > ta || (tb === ta && b > a) ? b : a;
}

function earlier(a: string | null, b: string): string {
	if (a === null) return b;
	const ta = Date.parse(a);
	const tb = Date.parse(b);
	return tb < ta || (tb === ta && b < a) ? b : a;
}

function addUnits(units: Map<string, number>, key: string, n: number): void {
	if (key === '') return;
	const v = (units.get(key) ?? 0) + n;
	if (v === 0) units.delete(key);
	else units.set(key, v);
}

function sortedEntries(units: Map<string, number>): [string, number][] {
	return [...units].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function top(units: [string, number][]): [string, number][] {
	return units
		.filter(([, n]) => n > 0)
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
		.slice(0, TOP_N);
}

/** Everything derived from the sums: windowed figures, balance, average, top lists. */
function finish(s: CustomerStats): CustomerStats {
	let spend = 0;
	let margin = 0;
	let visits = 0;
	for (const b of s.recent) {
		if (b.day > s.asOf) break;
		spend += b.spend;
		margin += b.margin;
		visits += b.visits;
	}
	s.spend12m = spend;
	s.grossMargin12m = margin;
	s.visits12m = visits;
	s.pointsBalance = s.pointsEarned - s.pointsRedeemed + s.pointsAdjusted;
	s.averageBasket = s.visits > 0 ? Math.round(s.totalSpend / s.visits) : 0;
	s.topBrands = top(s.brandUnits).map(([brand, count]) => ({ brand, count }));
	s.topSizes = top(s.variantUnits).map(([variant, count]) => ({ variant, count }));
	return s;
}

export function emptyStats(customerId: string, today: string): CustomerStats {
	return {
		customerId,
		asOf: today,
		totalSpend: 0,
		spend12m: 0,
		grossMargin: 0,
		grossMargin12m: 0,
		visits: 0,
		visits12m: 0,
		lastVisit: null,
		firstVisit: null,
		pointsEarned: 0,
		pointsRedeemed: 0,
		pointsAdjusted: 0,
		pointsBalance: 0,
		averageBasket: 0,
		topBrands: [],
		topSizes: [],
		saleIds: [],
		adjustmentIds: [],
		brandUnits: [],
		variantUnits: [],
		recent: []
	};
}

// ---- From scratch --------------------------------------------------------------------------

/**
 * A customer's statistics from all the sales and adjustments this tablet holds (others' records
 * and repeated ids are ignored). `today` is 'YYYY-MM-DD' in the shop's `timeZone`.
 */
export function computeStats(
	customerId: string,
	sales: readonly Sale[],
	adjustments: readonly PointAdjustment[],
	today: string,
	timeZone: string
): CustomerStats {
	const s = emptyStats(customerId, today);
	const from = windowStart(today);
	const seen = new Set<string>();
	const brands = new Map<string, number>();
	const variants = new Map<string, number>();
	const buckets = new Map<string, DayBucket>();
	for (const sale of sales) {
		if (sale.customerId !== customerId || seen.has(sale.id)) continue;
		seen.add(sale.id);
		const c = contribution(sale);
		s.totalSpend += c.spend;
		s.grossMargin += c.margin;
		s.pointsEarned += sale.pointsEarned;
		s.pointsRedeemed += sale.pointsRedeemed;
		if (c.visit) {
			s.visits++;
			s.lastVisit = later(s.lastVisit, sale.at);
			s.firstVisit = earlier(s.firstVisit, sale.at);
		}
		for (const l of sale.lines) {
			addUnits(brands, l.brand, l.qty);
			addUnits(variants, l.variant, l.qty);
		}
		const day = dayFrom(sale.at, from, timeZone);
		if (day !== null) {
			let b = buckets.get(day);
			if (!b) buckets.set(day, (b = { day, spend: 0, margin: 0, visits: 0 }));
			b.spend += c.spend;
			b.margin += c.margin;
			if (c.visit) b.visits++;
		}
	}
	const adjSeen = new Set<string>();
	for (const a of adjustments) {
		if (a.customerId !== customerId || adjSeen.has(a.id)) continue;
		adjSeen.add(a.id);
		s.pointsAdjusted += a.points;
	}
	s.saleIds = [...seen].sort();
	s.adjustmentIds = [...adjSeen].sort();
	s.brandUnits = sortedEntries(brands);
	s.variantUnits = sortedEntries(variants);
	s.recent = [...buckets.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
	return finish(s);
}

// ---- Incremental ---------------------------------------------------------------------------

/** Index at which `id` is or would be inserted in the sorted `ids`. */
function search(ids: readonly string[], id: string): number {
	let lo = 0;
	let hi = ids.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (ids[mid] < id) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function insertSorted(ids: readonly string[], id: string): string[] | null {
	const i = search(ids, id);
	if (ids[i] === id) return null;
	return [...ids.slice(0, i), id, ...ids.slice(i)];
}

function mergeUnits(units: readonly [string, number][], lines: Sale['lines'], key: 'brand' | 'variant'): [string, number][] {
	const m = new Map(units);
	for (const l of lines) addUnits(m, l[key], l.qty);
	return sortedEntries(m);
}

/**
 * The stats with one more sale counted. Returns `stats` itself when the sale belongs to another
 * customer or was counted already. Windowed figures are for max(asOf, today): when the date went
 * backwards, needsWindowRecompute tells the caller to run computeStats.
 */
export function addSale(stats: CustomerStats, sale: Sale, today: string, timeZone: string): CustomerStats {
	if (sale.customerId !== stats.customerId) return stats;
	const saleIds = insertSorted(stats.saleIds, sale.id);
	if (saleIds === null) return stats;
	const base = today > stats.asOf ? (rollWindow(stats, today) ?? stats) : stats;
	const c = contribution(sale);
	const s: CustomerStats = {
		...base,
		saleIds,
		totalSpend: base.totalSpend + c.spend,
		grossMargin: base.grossMargin + c.margin,
		pointsEarned: base.pointsEarned + sale.pointsEarned,
		pointsRedeemed: base.pointsRedeemed + sale.pointsRedeemed,
		brandUnits: mergeUnits(base.brandUnits, sale.lines, 'brand'),
		variantUnits: mergeUnits(base.variantUnits, sale.lines, 'variant')
	};
	if (c.visit) {
		s.visits = base.visits + 1;
		s.lastVisit = later(base.lastVisit, sale.at);
		s.firstVisit = earlier(base.firstVisit, sale.at);
	}
	const day = dayFrom(sale.at, windowStart(s.asOf), timeZone);
	if (day !== null) {
		const recent = base.recent.slice();
		const i = recent.findIndex((b) => b.day >= day);
		if (i !== -1 && recent[i].day === day) {
			const b = recent[i];
			recent[i] = { day, spend: b.spend + c.spend, margin: b.margin + c.margin, visits: b.visits + (c.visit ? 1 : 0) };
		} else {
			const b = { day, spend: c.spend, margin: c.margin, visits: c.visit ? 1 : 0 };
			recent.splice(i === -1 ? recent.length : i, 0, b);
		}
		s.recent = recent;
	}
	return finish(s);
}

export function addAdjustment(stats: CustomerStats, adj: PointAdjustment): CustomerStats {
	if (adj.customerId !== stats.customerId) return stats;
	const adjustmentIds = insertSorted(stats.adjustmentIds, adj.id);
	if (adjustmentIds === null) return stats;
	return finish({ ...stats, adjustmentIds, pointsAdjusted: stats.pointsAdjusted + adj.points });
}

/**
 * Whether the 12-month figures stored for `stats.asOf` are wrong on `today`: a bucket left the
 * window, a future-dated sale entered it, or the date went backwards. Cheap: no sale is read.
 */
export function needsWindowRecompute(stats: CustomerStats, today: string): boolean {
	if (today === stats.asOf) return false;
	if (today < stats.asOf) return true;
	const from = windowStart(today);
	return stats.recent.some((b) => b.day < from || (b.day > stats.asOf && b.day <= today));
}

/**
 * The stats moved on to a later `today`, dropping the day buckets that left the window. Null when
 * `today` is earlier than `asOf`: the days that would come back were dropped, so only
 * computeStats can answer.
 */
export function rollWindow(stats: CustomerStats, today: string): CustomerStats | null {
	if (today < stats.asOf) return null;
	if (today === stats.asOf) return stats;
	const from = windowStart(today);
	return finish({ ...stats, asOf: today, recent: stats.recent.filter((b) => b.day >= from) });
}
