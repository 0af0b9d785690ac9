// Per-customer statistics, derived on every tablet from the replicated sales and point
// adjustments (never replicated themselves).
//
// Two ways to the same answer: computeStats from scratch, and addSale/addAdjustment when one
// record arrives. Sales reach a tablet in any order and may be re-sent, so the incremental form
// keeps the ids it has counted (a sale is never counted twice) and every figure is a sum, a
// maximum or a minimum: the result does not depend on arrival order.
//
// Windowed figures (the rolling 12 months the list shows, and any window a group rule or a tier
// asks for) cannot be kept by adding alone: days pass and old sales leave the window. So the
// stats keep one bucket per shop-zone day with a sale, over all time (a handful per customer),
// and every windowed figure is a short sum over those buckets. At midnight rollWindow re-sums
// the 12-month figures from the buckets, without reading any sale, in either direction.
import { todayIn } from '../dates';
import { openingDay, openingInstant, type OpeningBalance } from '../opening';
import type { PointAdjustment, Sale } from './types';

/** What one shop-zone day of a customer's sales adds up to. */
export interface DayBucket {
	/** 'YYYY-MM-DD' in the shop's time zone. */
	day: string;
	/** Money paid, refunds subtracted (minor units). */
	spend: number;
	margin: number;
	/** 1 when the customer bought something that day (a sale with quantity > 0), else 0: visits are distinct days. */
	visits: number;
	/** Sales with quantity > 0 that day; a refund neither adds nor removes one. */
	transactions: number;
	/** Points earned and redeemed that day (a refund's negative figures subtract). For the group report. */
	earned: number;
	redeemed: number;
	/**
	 * Set on the one bucket that holds the customer's opening balance (domain/opening.ts): kept apart
	 * from the sales of its day, after them, so the group report (which counts sales) can leave it
	 * out while tiers, rules and the windowed figures count it like any other day.
	 */
	opening?: true;
}

/** The opening balance as counted, so a change to it is seen (counted again from scratch). */
export interface CountedOpening {
	at: string;
	spend: number;
	orders: number;
	points: number;
	/** The shop-zone day it is dated at: its last order date, else the day of the import. */
	day: string;
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
	/** Such sales in the rolling 12 months (the sum of the buckets' transactions). */
	visits12m: number;
	/** ISO instant of the latest and the earliest visit. */
	lastVisit: string | null;
	firstVisit: string | null;
	pointsEarned: number;
	pointsRedeemed: number;
	pointsAdjusted: number;
	/** earned − redeemed + adjusted + the opening balance's points; may be negative (two offline tablets redeeming the same points). */
	pointsBalance: number;
	/**
	 * The opening balance counted in: its spend in totalSpend, its orders in visits (and in the
	 * windows that include its day), its points in pointsBalance, its day in lastVisit/firstVisit
	 * when it has orders. Null without one.
	 */
	opening: CountedOpening | null;
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
	/** One bucket per shop-zone day with a sale, over all time, sorted by day (days after asOf included). */
	days: DayBucket[];
	/**
	 * Last shop-zone day something was bought (a line with quantity > 0), by 'b:' + brand,
	 * 'c:' + category and 'i:' + item id, as flat pairs sorted by key: [key, day, key, day, …].
	 * Read it with lastBoughtDay. Pairs rather than an object: ~15 keys a customer cost a quarter
	 * of the memory this way (100,000 customers are held in the derive worker).
	 */
	lastBought: string[];
	/**
	 * Money paid per shop-zone day by brand ('b:' + brand) and category ('c:' + category), as flat
	 * triples sorted by day then key: [day, key, amount, …]; refunds subtract, zero sums are dropped.
	 * A line's amount is what was paid for it (price × qty − discount − the part paid with points),
	 * so a sale's lines add up to its total. Read by the group report's word cloud; not kept in the
	 * facts the derive worker holds in memory (RuleStats leaves it out).
	 */
	spendBy: (string | number)[];
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

/** The shop-zone day of a sale, or null when its instant is unreadable. */
export function saleDay(at: string, timeZone: string): string | null {
	const t = Date.parse(at);
	return Number.isNaN(t) ? null : dayOf(t, timeZone);
}

// Every zone's offset is a whole number of quarter hours, so all instants of one quarter hour
// fall on the same local day: cache by quarter hour (a full recompute formats each once).
const QUARTER_HOUR = 900_000;
const dayCache = new Map<string, Map<number, string>>();
// One string per distinct day, shared by every bucket of every customer: 100,000 customers hold
// about half a million buckets, and a separate copy of each day string would cost megabytes.
const dayStrings = new Map<string, string>();

function intern(day: string): string {
	const known = dayStrings.get(day);
	if (known !== undefined) return known;
	if (dayStrings.size > 50_000) dayStrings.clear();
	dayStrings.set(day, day);
	return day;
}

function dayOf(t: number, timeZone: string): string {
	let cache = dayCache.get(timeZone);
	if (!cache) dayCache.set(timeZone, (cache = new Map()));
	const q = Math.floor(t / QUARTER_HOUR);
	let day = cache.get(q);
	if (day === undefined) {
		if (cache.size > 100_000) cache.clear();
		day = intern(todayIn(timeZone, new Date(q * QUARTER_HOUR)));
		cache.set(q, day);
	}
	return day;
}

// ---- What one sale contributes -------------------------------------------------------------

export interface Contribution {
	spend: number;
	margin: number;
	visit: boolean;
	earned: number;
	redeemed: number;
}

/** What one sale adds to its day (a refund: negative spend, margin and points, no visit). */
export function contribution(sale: Sale): Contribution {
	let margin = 0;
	let qty = 0;
	for (const l of sale.lines) {
		margin += l.unitPrice * l.qty - l.discount - l.unitCost * l.qty;
		qty += l.qty;
	}
	return { spend: sale.total, margin, visit: qty > 0, earned: sale.pointsEarned || 0, redeemed: sale.pointsRedeemed || 0 };
}

/** What was paid for one line: its price after discount, less the part paid with points. */
export function linePaid(l: Sale['lines'][number]): number {
	return l.unitPrice * l.qty - l.discount - l.pointsValue;
}

/** The spendBy keys of one line. */
function spendKeys(l: Sale['lines'][number]): string[] {
	const keys: string[] = [];
	if (l.brand !== '') keys.push(boughtKey('b:', l.brand));
	if (l.category !== '') keys.push(boughtKey('c:', l.category));
	return keys;
}

function addSpend(m: Map<string, Map<string, number>>, day: string, lines: Sale['lines']): void {
	for (const l of lines) {
		const paid = linePaid(l);
		if (paid === 0) continue;
		for (const k of spendKeys(l)) {
			let d = m.get(day);
			if (!d) m.set(day, (d = new Map()));
			const v = (d.get(k) ?? 0) + paid;
			if (v === 0) d.delete(k);
			else d.set(k, v);
		}
	}
}

function spendMap(flat: readonly (string | number)[]): Map<string, Map<string, number>> {
	const m = new Map<string, Map<string, number>>();
	for (let i = 0; i < flat.length; i += 3) {
		const day = flat[i] as string;
		let d = m.get(day);
		if (!d) m.set(day, (d = new Map()));
		d.set(flat[i + 1] as string, flat[i + 2] as number);
	}
	return m;
}

function spendFlat(m: Map<string, Map<string, number>>): (string | number)[] {
	const out: (string | number)[] = [];
	for (const day of [...m.keys()].sort()) {
		const d = m.get(day)!;
		for (const k of [...d.keys()].sort()) out.push(day, k, d.get(k)!);
	}
	return out;
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
	const from = windowStart(s.asOf);
	let spend = 0;
	let margin = 0;
	let visits = 0;
	// Newest first: the loop stops at the first day before the window.
	for (let i = s.days.length - 1; i >= 0; i--) {
		const b = s.days[i];
		if (b.day < from) break;
		if (b.day > s.asOf) continue;
		spend += b.spend;
		margin += b.margin;
		visits += b.transactions;
	}
	s.spend12m = spend;
	s.grossMargin12m = margin;
	s.visits12m = visits;
	s.pointsBalance = s.pointsEarned - s.pointsRedeemed + s.pointsAdjusted + (s.opening?.points ?? 0);
	s.averageBasket = s.visits > 0 ? Math.round(s.totalSpend / s.visits) : 0;
	s.topBrands = top(s.brandUnits).map(([brand, count]) => ({ brand, count }));
	s.topSizes = top(s.variantUnits).map(([variant, count]) => ({ variant, count }));
	return s;
}

// One string per distinct key, shared by every customer's lastBought (a catalogue has far fewer
// brands, categories and items than there are customers).
const keyStrings = new Map<string, string>();

function boughtKey(prefix: string, value: string): string {
	const k = prefix + value;
	const known = keyStrings.get(k);
	if (known !== undefined) return known;
	if (keyStrings.size > 100_000) keyStrings.clear();
	keyStrings.set(k, k);
	return k;
}

/** The lastBought keys one line contributes (none for a returned line). */
function boughtKeys(l: Sale['lines'][number]): string[] {
	if (l.qty <= 0) return [];
	const keys: string[] = [];
	if (l.brand !== '') keys.push(boughtKey('b:', l.brand));
	if (l.category !== '') keys.push(boughtKey('c:', l.category));
	if (l.itemId !== '') keys.push(boughtKey('i:', l.itemId));
	return keys;
}

function sortedPairs(m: Map<string, string>): string[] {
	const out: string[] = [];
	for (const k of [...m.keys()].sort()) out.push(k, m.get(k)!);
	return out;
}

/** The last day `key` ('b:' + brand, 'c:' + category, 'i:' + item id) was bought, or undefined. */
export function lastBoughtDay(lastBought: readonly string[], key: string): string | undefined {
	let lo = 0;
	let hi = lastBought.length >> 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		const k = lastBought[mid * 2];
		if (k === key) return lastBought[mid * 2 + 1];
		if (k < key) lo = mid + 1;
		else hi = mid;
	}
	return undefined;
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
		opening: null,
		averageBasket: 0,
		topBrands: [],
		topSizes: [],
		saleIds: [],
		adjustmentIds: [],
		brandUnits: [],
		variantUnits: [],
		days: [],
		lastBought: [],
		spendBy: []
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
	timeZone: string,
	opening: OpeningBalance | null = null
): CustomerStats {
	const s = emptyStats(customerId, today);
	const seen = new Set<string>();
	const brands = new Map<string, number>();
	const variants = new Map<string, number>();
	const buckets = new Map<string, DayBucket>();
	const bought = new Map<string, string>();
	const spend = new Map<string, Map<string, number>>();
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
		const day = saleDay(sale.at, timeZone);
		if (day === null) continue;
		let b = buckets.get(day);
		if (!b) buckets.set(day, (b = { day, spend: 0, margin: 0, visits: 0, transactions: 0, earned: 0, redeemed: 0 }));
		b.spend += c.spend;
		b.margin += c.margin;
		b.earned += c.earned;
		b.redeemed += c.redeemed;
		addSpend(spend, day, sale.lines);
		if (c.visit) {
			b.transactions++;
			b.visits = 1;
		}
		for (const l of sale.lines) {
			for (const k of boughtKeys(l)) {
				const last = bought.get(k);
				if (last === undefined || day > last) bought.set(k, day);
			}
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
	s.days = [...buckets.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
	s.lastBought = sortedPairs(bought);
	s.spendBy = spendFlat(spend);
	if (opening && opening.customerId === customerId) countOpening(s, opening, timeZone);
	return finish(s);
}

/** The opening balance as statistics count it, or null (an unreadable import instant). */
export function countedOpening(o: OpeningBalance, timeZone: string): CountedOpening | null {
	const importDay = saleDay(o.at, timeZone);
	if (importDay === null) return null;
	return { at: o.at, spend: o.spend, orders: o.orders, points: o.points, day: openingDay(o, importDay) };
}

/** Whether `stats` counted exactly `o` (null: none). */
export function countsOpening(stats: CustomerStats, o: OpeningBalance | null, timeZone: string): boolean {
	const want = o ? countedOpening(o, timeZone) : null;
	const had = stats.opening;
	if (!want || !had) return !want && !had;
	return want.at === had.at && want.spend === had.spend && want.orders === had.orders && want.points === had.points && want.day === had.day;
}

/** Adds the opening balance to sums made from sales only (computeStats; the caller finishes). */
function countOpening(s: CustomerStats, o: OpeningBalance, timeZone: string): void {
	const c = countedOpening(o, timeZone);
	if (!c) return;
	s.opening = c;
	s.totalSpend += c.spend;
	s.visits += c.orders;
	if (c.orders > 0) {
		const at = openingInstant(c.day);
		s.lastVisit = later(s.lastVisit, at);
		s.firstVisit = earlier(s.firstVisit, at);
	}
	// Its own bucket after the day's sales: windows count it, the group report leaves it out.
	s.days.push({ day: c.day, spend: c.spend, margin: 0, visits: c.orders, transactions: c.orders, earned: 0, redeemed: 0, opening: true });
	s.days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : (a.opening ? 1 : 0) - (b.opening ? 1 : 0)));
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

/** `ids` (sorted) with `id` inserted in order, or null when it is there already. */
export function insertSorted(ids: readonly string[], id: string): string[] | null {
	const i = search(ids, id);
	if (ids[i] === id) return null;
	return [...ids.slice(0, i), id, ...ids.slice(i)];
}

function mergeUnits(units: readonly [string, number][], lines: Sale['lines'], key: 'brand' | 'variant'): [string, number][] {
	const m = new Map(units);
	for (const l of lines) addUnits(m, l[key], l.qty);
	return sortedEntries(m);
}

/** The buckets with one sale's contribution added to its day (a new array; the input is not changed). */
function addToDays(days: readonly DayBucket[], day: string, c: Contribution): DayBucket[] {
	const out = days.slice();
	// Sales mostly arrive in order: search from the end.
	let i = out.length;
	// The opening balance's bucket stays apart, after the sales of its day.
	while (i > 0 && (out[i - 1].day > day || (out[i - 1].day === day && out[i - 1].opening))) i--;
	const t = c.visit ? 1 : 0;
	if (i > 0 && out[i - 1].day === day) {
		const b = out[i - 1];
		out[i - 1] = {
			day: b.day,
			spend: b.spend + c.spend,
			margin: b.margin + c.margin,
			visits: b.visits || t,
			transactions: b.transactions + t,
			earned: b.earned + c.earned,
			redeemed: b.redeemed + c.redeemed
		};
	} else {
		out.splice(i, 0, { day, spend: c.spend, margin: c.margin, visits: t, transactions: t, earned: c.earned, redeemed: c.redeemed });
	}
	return out;
}

function addBought(lastBought: string[], lines: Sale['lines'], day: string): string[] {
	let m: Map<string, string> | null = null;
	for (const l of lines) {
		for (const k of boughtKeys(l)) {
			const last = m ? m.get(k) : lastBoughtDay(lastBought, k);
			if (last !== undefined && last >= day) continue;
			if (!m) {
				m = new Map();
				for (let i = 0; i < lastBought.length; i += 2) m.set(lastBought[i], lastBought[i + 1]);
			}
			m.set(k, day);
		}
	}
	return m ? sortedPairs(m) : lastBought;
}

/**
 * The stats with one more sale counted. Returns `stats` itself when the sale belongs to another
 * customer or was counted already. Windowed figures are for max(asOf, today).
 */
export function addSale(stats: CustomerStats, sale: Sale, today: string, timeZone: string): CustomerStats {
	if (sale.customerId !== stats.customerId) return stats;
	const saleIds = insertSorted(stats.saleIds, sale.id);
	if (saleIds === null) return stats;
	// Statistics of an earlier build (no day buckets) cannot take a sale incrementally; the caller
	// checks isStatsCurrent and computes them from scratch, this only keeps them from breaking.
	if (!isStatsCurrent(stats)) return stats;
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
	const day = saleDay(sale.at, timeZone);
	if (day !== null) {
		s.days = addToDays(base.days, day, c);
		s.lastBought = addBought(base.lastBought, sale.lines, day);
		const spend = spendMap(base.spendBy);
		addSpend(spend, day, sale.lines);
		s.spendBy = spendFlat(spend);
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
 * Whether `stats` has the shape this build computes (day buckets over all time and lastBought):
 * statistics stored by an earlier build lack them, and only computeStats can fill them in.
 */
export function isStatsCurrent(stats: CustomerStats): boolean {
	return Array.isArray(stats.days) && Array.isArray(stats.lastBought) && Array.isArray(stats.spendBy) && stats.opening !== undefined;
}

/**
 * Whether the 12-month figures stored for `stats.asOf` are wrong on `today`: a bucket left the
 * window, a future-dated sale entered it, or the date went backwards over a bucket. Cheap: no
 * sale is read. Always true for statistics stored by an earlier build (see isStatsCurrent).
 */
export function needsWindowRecompute(stats: CustomerStats, today: string): boolean {
	if (!isStatsCurrent(stats)) return true;
	if (today === stats.asOf) return false;
	const [lo, hi] = today < stats.asOf ? [today, stats.asOf] : [stats.asOf, today];
	// The window [windowStart(d), d] gains or loses exactly the days in (lo, hi] at its end and
	// those in [windowStart(lo), windowStart(hi)) at its start.
	const fromLo = windowStart(lo);
	const fromHi = windowStart(hi);
	return stats.days.some((b) => (b.day > lo && b.day <= hi) || (b.day >= fromLo && b.day < fromHi));
}

/**
 * The stats moved to another `today` (later, or earlier after a clock correction): the 12-month
 * figures re-summed from the day buckets, without reading any sale. Null for statistics stored by
 * an earlier build without day buckets: computeStats must start them again.
 */
export function rollWindow(stats: CustomerStats, today: string): CustomerStats | null {
	if (!isStatsCurrent(stats)) return null;
	if (today === stats.asOf) return stats;
	return finish({ ...stats, asOf: today });
}
