// The group report as a derivation: the shop's day totals kept up to date from each drained batch
// (and rebuilt with the derivation version), and the report read from what the derive stage keeps
// (members' statistics and the shop's days), never from the sales table. The arithmetic is the
// domain's (domain/reports/report.ts).
import type { ShopDB } from '$lib/store/schema';
import type { Sale } from '$lib/domain/sales/types';
import type { CustomerStats } from '$lib/domain/sales/stats';
import { contribution, saleDay } from '$lib/domain/sales/stats';
import { addDays, startOfDayIn } from '$lib/domain/dates';
import type { MembershipKey } from '$lib/domain/groups/types';
import { addToShopDay, emptyShopDay, groupReport, type GroupReport, type ReportMember, type ShopDay } from '$lib/domain/reports/report';
import type { DeriveContext } from './api';
import type { StatsFollower } from '$lib/groups/derive';

export const SHOP_DAY_TABLES = ['shopDays'] as const;

/** Sales per bulkGet while a rebuild reads the sales no chunk held. */
const SCAN_PAGE = 5000;

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
	/** Per day: the sums so far and the ids counted (sorted once, at the end). */
	#days = new Map<string, Omit<ShopDay, 'saleIds'> & { ids: string[] }>();
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
			let row = this.#days.get(day);
			if (!row) this.#days.set(day, (row = { ...emptyShopDay(day), ids: [] }));
			const c = contribution(s);
			row.sales += c.spend;
			row.margin += c.margin;
			row.transactions += c.visit ? 1 : 0;
			row.earned += c.earned;
			row.redeemed += c.redeemed;
			row.ids.push(s.id);
		}
	}

	/** The days as ShopDay rows (the same as addToShopDay one sale at a time would give). */
	rows(): ShopDay[] {
		return [...this.#days.values()].map(({ ids, ...sums }) => ({ ...sums, saleIds: ids.sort() }));
	}

	/** Reads the sales not seen yet, then writes every day. The caller holds the derivation lock. */
	async finish(db: ShopDB): Promise<number> {
		const keys = (await db.sales.toCollection().primaryKeys()) as string[];
		const missing = keys.filter((id) => !this.#seen.has(id));
		for (let i = 0; i < missing.length; i += SCAN_PAGE) this.add(await db.sales.bulkGet(missing.slice(i, i + SCAN_PAGE)));
		const rows = this.rows();
		await db.transaction('rw', [...SHOP_DAY_TABLES], async () => {
			await db.shopDays.clear();
			// put(): derived rows, replaced whole.
			await db.shopDays.bulkPut(rows);
		});
		return rows.length;
	}
}

/**
 * Every customer's spend by brand and category per day (CustomerStats.spendBy) in memory, compact:
 * one Int32Array of [day number, key number, amount] triples per customer, days and keys numbered
 * in tables shared by all (a shop has hundreds of days and keys, not millions). Filled from the
 * statistics rows the memberships' facts are built from (Memberships' StatsFollower), so the
 * report reads no customer's row. About 12 bytes a triple: ~25 MB at 100,000 customers with
 * 500,000 sales.
 */
export class SpendIndex implements StatsFollower {
	#days: string[] = [];
	#dayIds = new Map<string, number>();
	#keys: string[] = [];
	#keyIds = new Map<string, number>();
	#by = new Map<string, Int32Array | Float64Array>();

	reset(): void {
		this.#by.clear();
	}

	#id(table: string[], ids: Map<string, number>, value: string): number {
		let id = ids.get(value);
		if (id === undefined) {
			id = table.length;
			table.push(value);
			ids.set(value, id);
		}
		return id;
	}

	set(customerId: string, stats: CustomerStats | undefined): void {
		const flat = stats?.spendBy;
		if (!flat || flat.length === 0) {
			this.#by.delete(customerId);
			return;
		}
		const big = flat.some((v, i) => i % 3 === 2 && Math.abs(v as number) > 0x7fffffff);
		const a = big ? new Float64Array(flat.length) : new Int32Array(flat.length);
		for (let i = 0; i < flat.length; i += 3) {
			a[i] = this.#id(this.#days, this.#dayIds, flat[i] as string);
			a[i + 1] = this.#id(this.#keys, this.#keyIds, flat[i + 1] as string);
			a[i + 2] = flat[i + 2] as number;
		}
		this.#by.set(customerId, a);
	}

	/** The customer's spendBy in the flat form the domain reads ([day, key, amount, …], by day). */
	spendOf(customerId: string): (string | number)[] {
		const a = this.#by.get(customerId);
		if (!a) return [];
		const out: (string | number)[] = new Array(a.length);
		for (let i = 0; i < a.length; i += 3) {
			out[i] = this.#days[a[i]];
			out[i + 1] = this.#keys[a[i + 1]];
			out[i + 2] = a[i + 2];
		}
		return out;
	}
}

export interface ReportSource {
	/** Members of the key now. */
	members: string[];
	/** A member's day buckets and spend by brand and category (held in memory by the worker). */
	member(customerId: string): ReportMember;
	nameOf(customerId: string): string;
}

/** The report of `key` over [from, to] (shop-zone days, validated by the caller). Reads the shop's days and the moves only. */
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
	const [shopDays, events] = await db.transaction('r', ['shopDays', 'membershipEvents'], () =>
		Promise.all([
			db.shopDays.where('day').between(from, to, true, true).toArray(),
			db.membershipEvents.where('[key+at]').between([key, fromIso], [key, toIso], true, false).toArray()
		])
	);
	return groupReport({
		from,
		to,
		members: source.members.map((id) => source.member(id)),
		shopDays,
		moves: events.map((e) => ({ customerId: e.customerId, name: source.nameOf(e.customerId), change: e.change, at: e.at, why: e.why }))
	});
}
