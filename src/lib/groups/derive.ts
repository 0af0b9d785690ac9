// Group memberships as a derivation (DESIGN.md, "Derived"), run by the derive worker
// (derive/deriver.ts) inside its transactions. The rules themselves are the domain's
// (domain/groups/*): this file decides what to read, what to keep in memory and what to write.
//
// The facts of every customer are held in memory (loaded once, then updated from each batch), so
// a full evaluation, a live preview or a "Why?" never reads 100,000 rows again. The memory follows
// the tables: it is dropped whenever a transaction that changed it fails, and reloaded when another
// tab's worker wrote memberships since (a generation stamp in kv).
import type { ShopDB } from '$lib/store/schema';
import type { Customer } from '$lib/domain/customer';
import type { CustomerStats, DayBucket } from '$lib/domain/sales/stats';
import {
	ALL_CUSTOMERS_ID,
	RFM_GROUP_ID,
	type Explanation,
	type Group,
	type ManualMember,
	type Membership,
	type MembershipEvent,
	type MembershipKey,
	type MembershipReason,
	type StoredRule
} from '$lib/domain/groups/types';
import { factsOf, type CustomerFacts, type EvalContext } from '$lib/domain/groups/facts';
import { compileRule, validateRule } from '$lib/domain/groups/rules';
import { compileGroups, explain, groupOfKey, membershipKeys, type CompiledGroups } from '$lib/domain/groups/evaluate';
import { RFM_SEGMENTS, rfmThresholds, type RfmThresholds } from '$lib/domain/groups/rfm';
import { builtInGroups, isBuiltIn } from '$lib/domain/groups/groups';
import type { RulePreview } from './api';
import { groupBy } from '$lib/domain/collections';

/** Tables a membership derivation reads and writes (beside the statistics and the queue). */
export const MEMBERSHIP_TABLES = ['customers', 'customerStats', 'manualMembers', 'groups', 'memberships', 'membershipEvents', 'groupCounts', 'kv'] as const;

/** ChangeSet kind of customers whose memberships changed (the list and profiles follow it). */
export const MEMBERSHIPS_KIND = 'memberships';
/** Announced after a full evaluation that changed anyone's memberships. */
export const MEMBERSHIPS_ALL_KIND = 'memberships:all';

const STATE_KEY = 'groups.state';
const RFM_KEY = 'groups.rfm';
const RFM_MONTH_KEY = 'groups.rfmMonth';
/** Rows read per query while loading the facts. */
const LOAD_PAGE = 5000;

interface GroupsState {
	/** Changes with every write: another worker's write since this one loaded means reload. */
	gen: string;
	/** Day of the last full evaluation (date-dependent groups are re-evaluated on a new day). */
	day: string;
}

/** What the last full evaluation took (kv 'groups.lastEvaluation'). */
export interface LastEvaluation {
	at: string;
	customers: number;
	/** Groups evaluated (built-in ones included). */
	groups: number;
	rfm: boolean;
	/** Every customer against every group, in memory. */
	evaluateMs: number;
	/** Writing the rows, events and counts that changed. */
	writeMs: number;
	changed: number;
}

export const LAST_EVALUATION_KEY = 'groups.lastEvaluation';

interface RfmState {
	day: string;
	thresholds: RfmThresholds;
}

interface RfmMonth {
	month: string;
	since: string;
	segments: Record<string, string>;
}

export interface RfmMovement {
	since: string | null;
	from: string[];
	to: string[];
	counts: number[][];
}

/** What a batch touched, and why each customer's memberships may have changed. */
export interface Touched {
	customers: Set<string>;
	stats: Set<string>;
	manual: Set<string>;
	groups: boolean;
}

/**
 * Something kept beside the facts from the same statistics rows (the group report's spend by brand
 * and category): told of every row the facts are built from, so it never reads them again.
 */
export interface StatsFollower {
	reset(): void;
	set(customerId: string, stats: CustomerStats | undefined): void;
}

export class Memberships {
	#follower: StatsFollower | null;
	#loaded = false;
	#gen = '';
	#day = '';
	#facts = new Map<string, CustomerFacts>();
	#rows = new Map<string, Membership>();
	#counts = new Map<MembershipKey, number>();
	#groups: Group[] = [];
	#compiled: CompiledGroups | null = null;
	#compiledFor = '';
	#rfm: RfmState | null = null;

	constructor(follower: StatsFollower | null = null) {
		this.#follower = follower;
	}

	/** Whether the facts are in memory (perhaps stale: ensure() checks). */
	get loaded(): boolean {
		return this.#loaded;
	}

	/** Forget everything in memory (a transaction that changed it failed): reloaded on next use. */
	invalidate(): void {
		this.#loaded = false;
		this.#facts = new Map();
		this.#rows = new Map();
		this.#counts = new Map();
		this.#compiled = null;
	}

	/** Whether memberships were ever evaluated, and for which day. */
	async state(db: ShopDB): Promise<GroupsState | null> {
		return ((await db.kv.get(STATE_KEY))?.value as GroupsState | undefined) ?? null;
	}

	/** Loads the facts of every customer unless what is in memory is current. */
	async ensure(db: ShopDB): Promise<void> {
		const st = await this.state(db);
		if (this.#loaded && st?.gen === this.#gen) return;
		await this.#load(db, st);
	}

	async #load(db: ShopDB, st: GroupsState | null): Promise<void> {
		this.invalidate();
		this.#follower?.reset();
		const manual = groupBy(await db.manualMembers.toArray(), (m) => m.customerId);
		let after: string | null = null;
		for (;;) {
			const page: Customer[] =
				after === null
					? await db.customers.orderBy(':id').limit(LOAD_PAGE).toArray()
					: await db.customers.where(':id').above(after).limit(LOAD_PAGE).toArray();
			if (page.length === 0) break;
			const stats = await db.customerStats.bulkGet(page.map((c) => c.id));
			page.forEach((c, i) => {
				this.#facts.set(c.id, factsOf(c, stats[i], manual.get(c.id) ?? []));
				this.#follower?.set(c.id, stats[i]);
			});
			after = page[page.length - 1].id;
		}
		for (const row of await db.memberships.toArray()) this.#rows.set(row.customerId, row);
		for (const c of await db.groupCounts.toArray()) this.#counts.set(c.key, c.count);
		this.#groups = await readGroups(db);
		this.#rfm = ((await db.kv.get(RFM_KEY))?.value as RfmState | undefined) ?? null;
		this.#gen = st?.gen ?? '';
		this.#day = st?.day ?? '';
		this.#loaded = true;
	}

	#compile(ctx: EvalContext): CompiledGroups {
		// Relative dates in rules ("in the last 90 days") are fixed when compiled: once a day.
		if (!this.#compiled || this.#compiledFor !== ctx.today) {
			this.#compiled = compileGroups(this.#groups, ctx);
			this.#compiledFor = ctx.today;
		}
		return this.#compiled;
	}

	/** Customers in `key` now, from memory (after ensure()); "All customers" is everyone. */
	membersOf(key: MembershipKey): string[] {
		if (key === ALL_CUSTOMERS_ID) return [...this.#facts.keys()];
		const out: string[] = [];
		for (const [id, row] of this.#rows) if (row.keys.includes(key)) out.push(id);
		return out;
	}

	/** The customer's day buckets as held in memory (empty when they never bought). */
	daysOf(customerId: string): readonly DayBucket[] {
		return this.#facts.get(customerId)?.stats?.days ?? [];
	}

	/** The customer's full name as held in memory ('' when unknown, e.g. erased since). */
	nameOf(customerId: string): string {
		return this.#facts.get(customerId)?.name ?? '';
	}

	get #rfmOn(): boolean {
		const g = this.#groups.find((x) => x.id === RFM_GROUP_ID);
		return !!g && g.type === 'rfm' && g.enabled;
	}

	/**
	 * Re-reads what the batch touched, updates the facts and evaluates those customers (everyone,
	 * when a group definition changed). Inside the caller's transaction on MEMBERSHIP_TABLES.
	 * Returns the customers whose memberships changed, and whether everyone was evaluated.
	 */
	async apply(db: ShopDB, touched: Touched, ctx: EvalContext): Promise<{ changed: string[]; all: boolean }> {
		await this.ensure(db);
		const ids = [...new Set([...touched.customers, ...touched.stats, ...touched.manual])];
		// Manual memberships are read only for the customers whose memberships changed; the others'
		// are in memory (an import touching 5,000 customers makes no 5,000 queries).
		const manualIds = [...touched.manual];
		const [customers, stats, manual] = await Promise.all([
			db.customers.bulkGet(ids),
			db.customerStats.bulkGet(ids),
			Promise.all(manualIds.map((id) => db.manualMembers.where('[customerId+groupId]').between([id, ''], [id, '\uffff']).toArray()))
		]);
		const manualOf = new Map<string, ManualMember[]>(manualIds.map((id, i) => [id, manual[i]]));
		ids.forEach((id, i) => {
			const c = customers[i];
			const before = this.#facts.get(id);
			if (c) this.#facts.set(id, factsOf(c, stats[i], manualOf.get(id) ?? (before ? manualRows(before) : [])));
			else this.#facts.delete(id);
			this.#follower?.set(id, c ? stats[i] : undefined);
		});
		const why = (id: string): { why: MembershipReason; by?: string } =>
			touched.manual.has(id)
				? { why: 'manual', by: latest(manualOf.get(id) ?? [])?.by }
				: touched.customers.has(id)
					? { why: 'profile' }
					: { why: 'sale' };
		if (touched.groups) {
			const own = new Set(ids);
			const before = evaluable(this.#groups);
			this.#groups = await readGroups(db);
			this.#compiled = null;
			// A group that appears (created, RFM switched on) or goes (deleted, switched off) changes
			// the memberships of all its members at once: the history records no "joined" or "left"
			// for it (the row's `since` says when). At 100,000 customers that history was millions of
			// rows for a handful of new groups. A changed rule still records who moved, and why.
			const after = evaluable(this.#groups);
			const quiet = new Set([...before].filter((g) => !after.has(g)).concat([...after].filter((g) => !before.has(g))));
			const changed = await this.#evaluateAll(
				db,
				ctx,
				(id) => (own.has(id) ? why(id) : { why: 'rule' }),
				// A customer this batch itself touched (added by hand to a group just created) keeps theirs.
				(id, key) => own.has(id) || !quiet.has(groupOfKey(key))
			);
			return { changed, all: true };
		}
		const compiled = this.#compile(ctx);
		const rfm = this.#rfmOn ? (this.#rfm?.thresholds ?? null) : null;
		const next = new Map<string, MembershipKey[]>();
		for (const id of ids) {
			const f = this.#facts.get(id);
			next.set(id, f ? membershipKeys(compiled, f, rfm) : []);
		}
		const changed = await this.#write(db, next, ctx, why, () => true);
		// The facts in memory changed: another tab's worker must reload before it evaluates again.
		if (ids.length) await this.#stamp(db, this.#day || ctx.today);
		return { changed, all: false };
	}

	/**
	 * Every customer against every group: on a new day (date-dependent rules, rolling windows,
	 * RFM quintiles), after a rebuild, or when a definition changed. RFM thresholds are recomputed
	 * here. Inside the caller's transaction on MEMBERSHIP_TABLES.
	 */
	async evaluateAll(db: ShopDB, ctx: EvalContext, why: MembershipReason): Promise<string[]> {
		await this.ensure(db);
		this.#groups = await readGroups(db);
		this.#compiled = null;
		// The very first evaluation (an existing shop updated to this version) records no history:
		// nobody "joined" anything that day, the groups are simply computed for the first time.
		const first = (await this.state(db)) === null;
		return this.#evaluateAll(db, ctx, () => ({ why }), () => !first);
	}

	/** Facts are reloaded after a statistics rebuild or roll changed many rows at once. */
	async reload(db: ShopDB): Promise<void> {
		await this.#load(db, await this.state(db));
	}

	async #evaluateAll(
		db: ShopDB,
		ctx: EvalContext,
		why: (id: string) => { why: MembershipReason; by?: string },
		events: (id: string, key: MembershipKey) => boolean
	): Promise<string[]> {
		const t0 = performance.now();
		const compiled = this.#compile(ctx);
		let rfm: RfmThresholds | null = null;
		if (this.#rfmOn) rfm = rfmThresholds([...this.#facts.values()], ctx.today);
		const next = new Map<string, MembershipKey[]>();
		for (const [id, f] of this.#facts) next.set(id, membershipKeys(compiled, f, rfm));
		const t1 = performance.now();
		if (rfm) {
			this.#rfm = { day: ctx.today, thresholds: rfm };
			// put(): one value per key, replaced whole.
			await db.kv.put({ key: RFM_KEY, value: this.#rfm });
		}
		// Rows of customers who are gone.
		for (const id of this.#rows.keys()) if (!next.has(id)) next.set(id, []);
		const changed = await this.#write(db, next, ctx, why, events);
		const evaluation: LastEvaluation = {
			at: ctx.now,
			customers: this.#facts.size,
			groups: compiled.order.length,
			rfm: rfm !== null,
			evaluateMs: Math.round(t1 - t0),
			writeMs: Math.round(performance.now() - t1),
			changed: changed.length
		};
		// put(): the last full evaluation, for Settings and the benchmark.
		await db.kv.put({ key: LAST_EVALUATION_KEY, value: evaluation });
		if (rfm) await this.#snapshotMonth(db, ctx.today);
		await this.#stamp(db, ctx.today);
		return changed;
	}

	/** Writes the rows that changed, their events and the counts that changed. */
	async #write(
		db: ShopDB,
		next: Map<string, MembershipKey[]>,
		ctx: EvalContext,
		why: (id: string) => { why: MembershipReason; by?: string },
		events: (id: string, key: MembershipKey) => boolean
	): Promise<string[]> {
		const puts: Membership[] = [];
		const deletes: string[] = [];
		const log: MembershipEvent[] = [];
		const counts = new Map<MembershipKey, number>();
		const bump = (key: MembershipKey, by: number) => counts.set(key, (counts.get(key) ?? this.#counts.get(key) ?? 0) + by);
		const changed: string[] = [];
		for (const [id, keys] of next) {
			const before = this.#rows.get(id);
			const old = before?.keys ?? [];
			if (sameKeys(old, keys)) continue;
			changed.push(id);
			const since: Record<MembershipKey, string> = {};
			for (const k of keys) since[k] = before?.since[k] ?? ctx.now;
			const reason = why(id);
			const oldSet = new Set(old);
			const newSet = new Set(keys);
			for (const k of keys) {
				if (oldSet.has(k)) continue;
				bump(k, 1);
				if (events(id, k)) log.push(event(id, k, 'joined', ctx.now, reason));
			}
			for (const k of old) {
				if (newSet.has(k)) continue;
				bump(k, -1);
				if (events(id, k) && this.#facts.has(id)) log.push(event(id, k, 'left', ctx.now, reason));
			}
			if (keys.length) {
				const row: Membership = { customerId: id, keys, since };
				puts.push(row);
				this.#rows.set(id, row);
			} else {
				deletes.push(id);
				this.#rows.delete(id);
			}
		}
		const countPuts: { key: string; count: number }[] = [];
		const countDeletes: string[] = [];
		for (const [key, count] of counts) {
			if (count > 0) countPuts.push({ key, count });
			else countDeletes.push(key);
			if (count > 0) this.#counts.set(key, count);
			else this.#counts.delete(key);
		}
		// Customers who are gone take their history with them.
		const gone = deletes.filter((id) => !this.#facts.has(id));
		// Issued together (one transaction, different rows): each awaited alone costs a round trip.
		await Promise.all([
			// put(): a customer's memberships are one derived row, replaced whole; only changed rows.
			puts.length ? db.memberships.bulkPut(puts) : null,
			deletes.length ? db.memberships.bulkDelete(deletes) : null,
			gone.length ? db.membershipEvents.where('customerId').anyOf(gone).delete() : null,
			// add(): the history is append-only.
			log.length ? db.membershipEvents.bulkAdd(log) : null,
			// put(): one count per key, replaced whole.
			countPuts.length ? db.groupCounts.bulkPut(countPuts) : null,
			countDeletes.length ? db.groupCounts.bulkDelete(countDeletes) : null
		]);
		return changed;
	}

	async #stamp(db: ShopDB, day: string): Promise<void> {
		this.#gen = Math.random().toString(36).slice(2);
		this.#day = day;
		// put(): one state row, replaced whole.
		await db.kv.put({ key: STATE_KEY, value: { gen: this.#gen, day } satisfies GroupsState });
	}

	/** The segments of the first evaluation of each month: what rfmMovement compares with. */
	async #snapshotMonth(db: ShopDB, today: string): Promise<void> {
		const month = today.slice(0, 7);
		const stored = (await db.kv.get(RFM_MONTH_KEY))?.value as RfmMonth | undefined;
		if (stored?.month === month) return;
		await db.kv.put({ key: RFM_MONTH_KEY, value: { month, since: today, segments: this.#segments() } satisfies RfmMonth });
	}

	#segments(): Record<string, string> {
		const out: Record<string, string> = {};
		const prefix = `${RFM_GROUP_ID}/`;
		for (const [id, row] of this.#rows) {
			const key = row.keys.find((k) => k.startsWith(prefix));
			if (key) out[id] = key.slice(prefix.length);
		}
		return out;
	}

	// ---- Reads for the page (no transaction of their own: memory, plus a kv read) ----------------

	async preview(db: ShopDB, rule: StoredRule, excludeGroupId: string | null, ctx: EvalContext): Promise<RulePreview> {
		await this.ensure(db);
		const errors = validateRule(rule, this.#groups, excludeGroupId);
		if (errors.length) {
			// The message table loads only for this (a bug of the caller's): the worker needs it nowhere else.
			const { InvalidWriteError } = await import('$lib/domain/errors');
			throw new InvalidWriteError('Rule preview', errors);
		}
		const test = compileRule(rule, ctx);
		let count = 0;
		const sample: { id: string; name: string }[] = [];
		for (const [id, f] of this.#facts) {
			const keys = this.#rows.get(id)?.keys ?? [];
			const memberOf = (key: MembershipKey) => keys.includes(key) && !(excludeGroupId && (key === excludeGroupId || key.startsWith(`${excludeGroupId}/`)));
			if (!test(f, memberOf)) continue;
			count++;
			if (sample.length < 5) sample.push({ id, name: f.name });
		}
		return { count, total: this.#facts.size, sample };
	}

	async explain(db: ShopDB, customerId: string, groupId: string, ctx: EvalContext): Promise<Explanation> {
		await this.ensure(db);
		const f = this.#facts.get(customerId);
		if (!f) throw new Error(`No customer ${customerId} on this tablet`);
		const rfm = this.#rfmOn ? (this.#rfm?.thresholds ?? null) : null;
		return explain(this.#compile(ctx), f, groupId, rfm);
	}

	async rfmMovement(db: ShopDB): Promise<RfmMovement | null> {
		await this.ensure(db);
		if (!this.#rfmOn) return null;
		const month = (await db.kv.get(RFM_MONTH_KEY))?.value as RfmMonth | undefined;
		const ids = RFM_SEGMENTS.map((s) => s.id);
		const index = new Map(ids.map((id, i) => [id, i]));
		const counts = ids.map(() => ids.map(() => 0));
		const now = this.#segments();
		for (const [customerId, from] of Object.entries(month?.segments ?? {})) {
			const to = now[customerId];
			const i = index.get(from);
			const j = to === undefined ? undefined : index.get(to);
			if (i !== undefined && j !== undefined) counts[i][j]++;
		}
		return { since: month?.since ?? null, from: ids, to: ids, counts };
	}
}

/** Every definition that can be evaluated: the built-in groups (stored edits applied) and the rest. */
async function readGroups(db: ShopDB): Promise<Group[]> {
	const rows = await db.groups.toArray();
	const stored = new Map(rows.map((r) => [r.id, r]));
	const builtIn = builtInGroups().map((g) => stored.get(g.id)?.group ?? g);
	// A rule this version cannot read is never evaluated (its group simply has no members here).
	return [...builtIn, ...rows.filter((r) => !r.needsUpdate && !isBuiltIn(r.id)).map((r) => r.group)];
}

/** Ids of the groups that are evaluated: RFM only while switched on. */
function evaluable(groups: readonly Group[]): Set<string> {
	return new Set(groups.filter((g) => g.type !== 'rfm' || g.enabled).map((g) => g.id));
}

function event(customerId: string, key: MembershipKey, change: 'joined' | 'left', at: string, reason: { why: MembershipReason; by?: string }): MembershipEvent {
	const e: MembershipEvent = { customerId, key, change, at, why: reason.why };
	if (reason.by) e.by = reason.by;
	return e;
}

/** The manual memberships and levels facts were built from, as rows again (factsOf reads only these fields). */
function manualRows(f: CustomerFacts): ManualMember[] {
	const row = (groupId: string, member: boolean): ManualMember => ({ customerId: f.id, groupId, member, at: '', by: '', level: f.overrides[groupId] ?? null });
	return [...f.manual.map((g) => row(g, true)), ...Object.keys(f.overrides).filter((g) => !f.manual.includes(g)).map((g) => row(g, false))];
}

function latest(rows: ManualMember[]): ManualMember | undefined {
	return rows.reduce<ManualMember | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
}

function sameKeys(a: MembershipKey[], b: MembershipKey[]): boolean {
	return a.length === b.length && a.every((k, i) => k === b[i]);
}
