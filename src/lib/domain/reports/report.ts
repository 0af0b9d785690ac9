// The group report (issue 9): a group's members' figures over a date range beside the shop's, as
// a pure function of what the derive stage keeps, so it never reads a sale:
// - each member's day buckets (CustomerStats.days: money, margin, transactions, points per
//   shop-zone day over all time) and spend by brand and category per day (CustomerStats.spendBy);
// - the shop's own day totals (ShopDay, below), which count every sale, with a customer or without.
//
// Who counts as a member: the group's members NOW (when the report is made), over all their
// purchases in the range, not "members at the time of each sale". The report answers "how do the
// people in this group buy", and a tier's Gold members are Gold because of what they bought; the
// members who joined and left in the range are listed beside the figures. The page says so.
import { addDays, daysBetween } from '../dates';
import type { FieldError } from '../errors';
import { validateDateRange } from '../benefits/validate';
import type { MembershipReason } from '../groups/types';
import { contribution, insertSorted, type DayBucket } from '../sales/stats';
import type { Sale } from '../sales/types';

/** One set of figures: the group's or the shop's, for the whole range or one period of it. */
export interface ReportFigures {
	/** Money paid (sale totals after points), refunds subtracted. Minor units. */
	sales: number;
	/** Sales with a quantity above zero; a refund neither adds nor removes one. */
	transactions: number;
	/** sales / transactions, rounded; 0 without transactions. */
	averageBasket: number;
	/** Price × qty − discount − cost × qty over the lines; refunds subtract. */
	margin: number;
	pointsEarned: number;
	pointsRedeemed: number;
}

/**
 * The shop's totals of one shop-zone day: every sale, with a customer or without. Derived. Points
 * earned count a sale's points whether or not a customer is attached (a sale carries them, and
 * tracking it later awards them), so the totals never change when a sale is tracked.
 */
export interface ShopDay {
	day: string;
	sales: number;
	margin: number;
	transactions: number;
	earned: number;
	redeemed: number;
	/** Sorted ids of the sales counted: a re-sent or re-queued sale (tracked later) is never counted twice. */
	saleIds: string[];
}

export type Granularity = 'day' | 'week' | 'month';

export interface ReportPeriod {
	/** First day of the period ('YYYY-MM-DD'; a week starts on Monday), clipped to the range. */
	start: string;
	end: string;
	group: ReportFigures;
	shop: ReportFigures;
}

export interface ReportWord {
	kind: 'brand' | 'category';
	text: string;
	/** Money the members paid for it in the range (minor units). */
	amount: number;
}

export interface ReportMove {
	customerId: string;
	name: string;
	change: 'joined' | 'left';
	at: string;
	why: MembershipReason;
}

export interface GroupReport {
	from: string;
	to: string;
	granularity: Granularity;
	/** Members now (whose purchases the figures count). */
	members: number;
	/** Of them, those who bought something in the range. */
	buyers: number;
	group: ReportFigures;
	shop: ReportFigures;
	/** The group's share of the shop's sales (0–1); null when the shop sold nothing in the range. */
	share: number | null;
	series: ReportPeriod[];
	/** Brands and categories the members paid most for, most first (at most `words`). */
	words: ReportWord[];
	moves: { joined: number; left: number; events: ReportMove[]; more: number };
}

/** What a member contributes: their statistics' day buckets and spend by brand and category. */
export interface ReportMember {
	days: readonly DayBucket[];
	spendBy?: readonly (string | number)[];
}

export interface GroupReportInput {
	from: string;
	to: string;
	members: Iterable<ReportMember>;
	/** The shop's day totals in the range (others are ignored). */
	shopDays: Iterable<Omit<ShopDay, 'saleIds'>>;
	/** Membership events of the group in the range, any order. */
	moves?: readonly ReportMove[];
	/** How many words and move events to return. */
	limits?: { words?: number; moves?: number };
}

export const REPORT_LIMITS = { words: 40, moves: 200 } as const;

/** The longest range a report covers (days): ten years. */
export const REPORT_MAX_DAYS = 3653;

/** A report's range: both days given, real, in order, and at most ten years long. At 'from' / 'to'. */
export function validateReportRange(from: string, to: string): FieldError[] {
	const errors = validateDateRange(from, to, ['from', 'to']);
	if (errors.length === 0 && daysBetween(from, to) + 1 > REPORT_MAX_DAYS) errors.push({ field: 'from', code: 'report-range-too-long', params: { max: 'ten' } });
	return errors;
}

// ---- The shop's day totals (maintained incrementally by the derive stage) ------------------------

export function emptyShopDay(day: string): ShopDay {
	return { day, sales: 0, margin: 0, transactions: 0, earned: 0, redeemed: 0, saleIds: [] };
}

/**
 * The day with one more sale counted (a new object), or null when that sale was counted already.
 * Sales are immutable except for the customer attached later, which the shop's totals ignore.
 */
export function addToShopDay(row: ShopDay, sale: Sale): ShopDay | null {
	const saleIds = insertSorted(row.saleIds, sale.id);
	if (saleIds === null) return null;
	const c = contribution(sale);
	return {
		day: row.day,
		sales: row.sales + c.spend,
		margin: row.margin + c.margin,
		transactions: row.transactions + (c.visit ? 1 : 0),
		earned: row.earned + c.earned,
		redeemed: row.redeemed + c.redeemed,
		saleIds
	};
}

// ---- Periods ---------------------------------------------------------------------------------------

/** Days for a range up to a month and a half, weeks up to six months, months beyond. */
export function granularityOf(from: string, to: string): Granularity {
	const days = daysBetween(from, to) + 1;
	return days <= 45 ? 'day' : days <= 186 ? 'week' : 'month';
}

/** The first day of the period `day` falls in (weeks from Monday). */
export function periodStart(day: string, g: Granularity): string {
	if (g === 'day') return day;
	if (g === 'month') return day.slice(0, 8) + '01';
	const weekday = (new Date(day + 'T00:00:00Z').getUTCDay() + 6) % 7;
	return addDays(day, -weekday);
}

function nextPeriod(start: string, g: Granularity): string {
	if (g === 'day') return addDays(start, 1);
	if (g === 'week') return addDays(start, 7);
	const y = Number(start.slice(0, 4));
	const m = Number(start.slice(5, 7));
	return m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${start.slice(0, 5)}${String(m + 1).padStart(2, '0')}-01`;
}

/** Every period of the range, in order, its first and last day clipped to the range. */
export function periodsOf(from: string, to: string, g: Granularity): { start: string; end: string }[] {
	const out: { start: string; end: string }[] = [];
	for (let p = periodStart(from, g); p <= to; ) {
		const next = nextPeriod(p, g);
		const end = addDays(next, -1);
		out.push({ start: p < from ? from : p, end: end > to ? to : end });
		p = next;
	}
	return out;
}

// ---- The report -------------------------------------------------------------------------------------

interface Sums {
	sales: number;
	transactions: number;
	margin: number;
	earned: number;
	redeemed: number;
}

const zero = (): Sums => ({ sales: 0, transactions: 0, margin: 0, earned: 0, redeemed: 0 });

function add(into: Sums, b: { spend?: number; sales?: number; transactions: number; margin: number; earned: number; redeemed: number }): void {
	into.sales += b.sales ?? b.spend ?? 0;
	into.transactions += b.transactions;
	into.margin += b.margin;
	into.earned += b.earned;
	into.redeemed += b.redeemed;
}

function figures(s: Sums): ReportFigures {
	return {
		sales: s.sales,
		transactions: s.transactions,
		averageBasket: s.transactions > 0 ? Math.round(s.sales / s.transactions) : 0,
		margin: s.margin,
		pointsEarned: s.earned,
		pointsRedeemed: s.redeemed
	};
}

/** Index of the first bucket on or after `day` (buckets sorted by day). */
function firstFrom(days: readonly { day: string }[], day: string): number {
	let lo = 0;
	let hi = days.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (days[mid].day < day) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export function groupReport(input: GroupReportInput): GroupReport {
	const { from, to } = input;
	const g = granularityOf(from, to);
	const periods = periodsOf(from, to, g);
	// Period index of each day of the range: one lookup per bucket.
	const index = new Map<string, number>();
	periods.forEach((p, i) => {
		for (let d = p.start; d <= p.end; d = addDays(d, 1)) index.set(d, i);
	});
	const groupBy = periods.map(zero);
	const shopBy = periods.map(zero);
	const group = zero();
	const shop = zero();
	const spend = new Map<string, number>();
	let members = 0;
	let buyers = 0;
	for (const m of input.members) {
		members++;
		let bought = false;
		for (let i = firstFrom(m.days, from); i < m.days.length && m.days[i].day <= to; i++) {
			const b = m.days[i];
			// An opening balance is no sale in the range: the report counts sales only.
			if (b.opening) continue;
			add(group, b);
			add(groupBy[index.get(b.day)!], b);
			if (b.transactions > 0) bought = true;
		}
		if (bought) buyers++;
		const flat = m.spendBy ?? [];
		for (let i = 0; i < flat.length; i += 3) {
			const day = flat[i] as string;
			if (day < from) continue;
			if (day > to) break;
			const k = flat[i + 1] as string;
			spend.set(k, (spend.get(k) ?? 0) + (flat[i + 2] as number));
		}
	}
	for (const d of input.shopDays) {
		const i = index.get(d.day);
		if (i === undefined) continue;
		add(shop, d);
		add(shopBy[i], d);
	}
	const limits = { ...REPORT_LIMITS, ...input.limits };
	const words: ReportWord[] = [...spend]
		.filter(([, amount]) => amount > 0)
		.map(([k, amount]): ReportWord => ({ kind: k.startsWith('b:') ? 'brand' : 'category', text: k.slice(2), amount }))
		.sort((a, b) => b.amount - a.amount || (a.text < b.text ? -1 : a.text > b.text ? 1 : a.kind < b.kind ? -1 : 1))
		.slice(0, limits.words);
	const moves = [...(input.moves ?? [])].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.customerId < b.customerId ? -1 : 1));
	const joined = new Set<string>();
	const left = new Set<string>();
	for (const e of moves) (e.change === 'joined' ? joined : left).add(e.customerId);
	return {
		from,
		to,
		granularity: g,
		members,
		buyers,
		group: figures(group),
		shop: figures(shop),
		share: shop.sales > 0 ? group.sales / shop.sales : null,
		series: periods.map((p, i) => ({ start: p.start, end: p.end, group: figures(groupBy[i]), shop: figures(shopBy[i]) })),
		words,
		moves: { joined: joined.size, left: left.size, events: moves.slice(0, limits.moves), more: Math.max(0, moves.length - limits.moves) }
	};
}

// ---- CSV ---------------------------------------------------------------------------------------------

/** Money as a plain decimal a spreadsheet reads as a number ('12.34', '-3.50'). */
function decimal(minor: number, digits: number): string {
	if (digits === 0) return String(minor);
	const sign = minor < 0 ? '-' : '';
	const a = Math.abs(minor);
	const unit = 10 ** digits;
	return `${sign}${Math.floor(a / unit)}.${String(a % unit).padStart(digits, '0')}`;
}

const CSV_HEADERS = ['period start', 'period end', 'scope', 'sales', 'transactions', 'average basket', 'gross margin', 'points earned', 'points redeemed'];

/**
 * The report's figures as CSV: one row for the group and one for the shop for the whole range,
 * then the same two for every period of the chart. Money in `currency` units with `digits` decimals.
 */
export function reportCsv(r: GroupReport, groupName: string, digits = 2): { headers: string[]; rows: string[][] } {
	const row = (start: string, end: string, scope: string, f: ReportFigures): string[] => [
		start,
		end,
		scope,
		decimal(f.sales, digits),
		String(f.transactions),
		decimal(f.averageBasket, digits),
		decimal(f.margin, digits),
		String(f.pointsEarned),
		String(f.pointsRedeemed)
	];
	const rows = [row(r.from, r.to, groupName, r.group), row(r.from, r.to, 'Whole shop', r.shop)];
	for (const p of r.series) rows.push(row(p.start, p.end, groupName, p.group), row(p.start, p.end, 'Whole shop', p.shop));
	return { headers: CSV_HEADERS, rows };
}
