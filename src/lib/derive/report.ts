// The group report as a derivation: the shop's day totals kept up to date from each drained batch
// (and rebuilt with the derivation version), and the report read from what the derive stage keeps
// (members' statistics and the shop's days), never from the sales table. The arithmetic is the
// domain's (domain/reports/report.ts).
import type { ShopDB } from '$lib/store/schema';
import type { Sale } from '$lib/domain/sales/types';
import type { CustomerStats } from '$lib/domain/sales/stats';
import { saleDay } from '$lib/domain/sales/stats';
import { addDays, startOfDayIn } from '$lib/domain/dates';
import type { MembershipKey } from '$lib/domain/groups/types';
import { addToShopDay, emptyShopDay, groupReport, type GroupReport, type ReportMember, type ShopDay } from '$lib/domain/reports/report';
import type { DeriveContext } from './api';

export const SHOP_DAY_TABLES = ['shopDays'] as const;

/** Sales per bulkGet while a rebuild reads the sales no chunk held. */
const SCAN_PAGE = 5000;
/** Members' statistics per bulkGet while a report is read. */
const STATS_PAGE = 2000;

/**
 * Counts the batch's sales into the shop's day totals (a sale counted already is skipped). Inside
 * the caller's transaction on SHOP_DAY_TABLES. Returns the days written.
 */
export async function countIntoShopDays(db: ShopDB, sales: readonly (Sale | undefined)[], ctx: DeriveContext): Promise<string[]> {
	const byDay = new Map<string, Sale[]>();
	for (const s of sales) {
		if (!s) continue;
		const day = saleDay(s.at, ctx.timeZone);
		if (day === null) continue;
		const list = byDay.get(day);
		if (list) list.push(s);
		else byDay.set(day, [s]);
	}
	if (byDay.size === 0) return [];
	const days = [...byDay.keys()];
	const rows = await db.shopDays.bulkGet(days);
	const out: ShopDay[] = [];
	days.forEach((day, i) => {
		const before = rows[i] ?? emptyShopDay(day);
		let row = before;
		for (const s of byDay.get(day)!) row = addToShopDay(row, s) ?? row;
		if (row !== before) out.push(row);
	});
	// put(): a day's totals are one derived row, replaced whole.
	if (out.length) await db.shopDays.bulkPut(out);
	return out.map((r) => r.day);
}

/**
 * The shop's day totals for a rebuild, from the sales the rebuild reads anyway (every customer's,
 * chunk by chunk: add()), then finish() under the derivation lock adds every sale it has not seen
 * (anonymous sales, which no customer index holds, and sales drained while the rebuild ran) by
 * comparing the sales table's keys alone with what was counted, and replaces the table. Sales are
 * immutable but for the customer tracked later, which the shop's totals ignore, so a sale read in
 * any chunk counts the same.
 */
export class ShopDaysBuilder {
	#days = new Map<string, ShopDay>();
	#seen = new Set<string>();
	#timeZone: string;

	constructor(timeZone: string) {
		this.#timeZone = timeZone;
	}

	add(sales: readonly (Sale | undefined)[]): void {
		for (const s of sales) {
			if (!s || this.#seen.has(s.id)) continue;
			this.#seen.add(s.id);
			const day = saleDay(s.at, this.#timeZone);
			if (day === null) continue;
			const row = addToShopDay(this.#days.get(day) ?? emptyShopDay(day), s);
			if (row) this.#days.set(day, row);
		}
	}

	/** Reads the sales not seen yet, then writes every day. The caller holds the derivation lock. */
	async finish(db: ShopDB): Promise<number> {
		const keys = (await db.sales.toCollection().primaryKeys()) as string[];
		const missing = keys.filter((id) => !this.#seen.has(id));
		for (let i = 0; i < missing.length; i += SCAN_PAGE) this.add(await db.sales.bulkGet(missing.slice(i, i + SCAN_PAGE)));
		await db.transaction('rw', [...SHOP_DAY_TABLES], async () => {
			await db.shopDays.clear();
			// put(): derived rows, replaced whole.
			await db.shopDays.bulkPut([...this.#days.values()]);
		});
		return this.#days.size;
	}
}

export interface ReportSource {
	/** Members of the key now. */
	members: string[];
	nameOf(customerId: string): string;
}

/** The report of `key` over [from, to] (shop-zone days, validated by the caller). */
export async function readGroupReport(
	db: ShopDB,
	key: MembershipKey,
	from: string,
	to: string,
	ctx: DeriveContext,
	source: ReportSource
): Promise<GroupReport> {
	const fromIso = new Date(startOfDayIn(from, ctx.timeZone)).toISOString();
	const toIso = new Date(startOfDayIn(addDays(to, 1), ctx.timeZone)).toISOString();
	return db.transaction('r', ['customerStats', 'shopDays', 'membershipEvents'], async () => {
		const pages: Promise<(CustomerStats | undefined)[]>[] = [];
		for (let i = 0; i < source.members.length; i += STATS_PAGE) pages.push(db.customerStats.bulkGet(source.members.slice(i, i + STATS_PAGE)));
		const [stats, shopDays, events] = await Promise.all([
			Promise.all(pages),
			db.shopDays.where('day').between(from, to, true, true).toArray(),
			db.membershipEvents.where('[key+at]').between([key, fromIso], [key, toIso], true, false).toArray()
		]);
		const members: ReportMember[] = [];
		for (const page of stats) for (const s of page) members.push(s ? { days: s.days, spendBy: s.spendBy } : { days: [] });
		// Members without statistics (never bought) count as members who bought nothing.
		return groupReport({
			from,
			to,
			members,
			shopDays,
			moves: events.map((e) => ({ customerId: e.customerId, name: source.nameOf(e.customerId), change: e.change, at: e.at, why: e.why }))
		});
	});
}
