// Tiered groups: one metric over one window, levels [min, max), optional retention, staff overrides.
import { daysInMonth, isValidDate, monthsStart } from '../dates';
import type { FieldError } from '../errors';
import { sumDays, type DayField, type EvalContext, type RuleStats } from './facts';
import type { LevelOverride, TierConfig, TierLevel, TierMetric, TierWindow } from './types';

// ---- Validation ----------------------------------------------------------------------------------

export const MAX_RETENTION_MONTHS = 120;

/**
 * Errors at `tier.levels.N.<field>` (N: the level's index as given) and the gaps between levels
 * (warnings: saving is allowed, customers in a gap are in no level).
 */
export function validateTier(t: TierConfig): { errors: FieldError[]; gaps: { after: string; before: string }[] } {
	const errors: FieldError[] = [];
	const gaps: { after: string; before: string }[] = [];
	const err = (field: string, code: FieldError['code'], params?: Record<string, string>) =>
		errors.push(params ? { field, code, params } : { field, code });
	if (!['spend', 'grossMargin', 'transactions', 'visits'].includes(t.metric)) err('tier.metric', 'rule-unknown-condition', { kind: String(t.metric) });
	if (!validWindow(t.window)) err('tier.window', 'tier-window-invalid');
	if (!Number.isInteger(t.retentionMonths) || t.retentionMonths < 0 || t.retentionMonths > MAX_RETENTION_MONTHS)
		err('tier.retentionMonths', 'tier-retention-invalid');
	if (!Array.isArray(t.levels) || t.levels.length === 0) {
		err('tier.levels', 'tier-levels-required');
		return { errors, gaps };
	}
	const names = new Map<string, number>();
	const usable: { l: TierLevel; i: number }[] = [];
	t.levels.forEach((l, i) => {
		const name = typeof l.name === 'string' ? l.name.trim() : '';
		if (name === '') err(`tier.levels.${i}.name`, 'tier-level-name-required');
		else if (names.has(name.toLowerCase())) err(`tier.levels.${i}.name`, 'tier-level-name-taken', { name });
		else names.set(name.toLowerCase(), i);
		let ok = true;
		if (typeof l.min !== 'number' || !Number.isFinite(l.min) || l.min < 0) {
			err(`tier.levels.${i}.min`, 'tier-min-invalid');
			ok = false;
		}
		if (l.max !== null && (typeof l.max !== 'number' || !Number.isFinite(l.max) || (ok && l.max <= l.min))) {
			err(`tier.levels.${i}.max`, 'tier-max-invalid');
			ok = false;
		}
		if (ok) usable.push({ l, i });
	});
	usable.sort((a, b) => a.l.min - b.l.min || a.i - b.i);
	for (let k = 1; k < usable.length; k++) {
		const prev = usable[k - 1].l;
		const { l, i } = usable[k];
		if (prev.max === null || l.min < prev.max) err(`tier.levels.${i}.min`, 'tier-levels-overlap', { other: prev.name });
		else if (l.min > prev.max) gaps.push({ after: prev.id, before: l.id });
	}
	return { errors, gaps };
}

function validWindow(w: TierWindow): boolean {
	if (typeof w !== 'object' || w === null) return false;
	switch (w.kind) {
		case 'rollingMonths':
			return Number.isInteger(w.months) && w.months >= 1 && w.months <= 120;
		case 'since':
			return typeof w.date === 'string' && isValidDate(w.date);
		case 'calendarYear':
		case 'allTime':
			return true;
		default:
			return false;
	}
}

// ---- Value and level -----------------------------------------------------------------------------

const FIELD: Record<TierMetric, DayField> = { spend: 'spend', grossMargin: 'margin', transactions: 'transactions', visits: 'visits' };

/** First day of the tier's window ending on `day` ('' = from the first sale). */
export function tierWindowFrom(w: TierWindow, day: string): string {
	switch (w.kind) {
		case 'rollingMonths':
			return monthsStart(day, w.months);
		case 'calendarYear':
			return day.slice(0, 4) + '-01-01';
		case 'since':
			return w.date;
		case 'allTime':
			return '';
	}
}

/** The metric over the window ending `today` (inclusive); 0 without statistics. */
export function tierValue(stats: RuleStats | null, t: TierConfig, today: string): number {
	if (!stats) return 0;
	return sumDays(stats.days, FIELD[t.metric], tierWindowFrom(t.window, today), today);
}

/** Levels by min (the stored order is by min already; sorting again costs nothing at 3 levels). */
export function sortedLevels(t: TierConfig): TierLevel[] {
	return t.levels.slice().sort((a, b) => a.min - b.min);
}

/** Index in `levels` (sorted) of the level holding `value`, or −1 (below the lowest min, or in a gap). */
export function levelIndex(levels: readonly TierLevel[], value: number): number {
	for (let i = levels.length - 1; i >= 0; i--) {
		const l = levels[i];
		if (value >= l.min) return l.max === null || value < l.max ? i : -1;
	}
	return -1;
}

export type HeldBecause = 'value' | 'retention' | 'override' | null;

/** Whether a staff-set level applies on `today` (until is inclusive, the level must still exist). */
export function activeOverride(t: TierConfig, today: string, override: LevelOverride | undefined | null): LevelOverride | null {
	if (!override || override.until < today) return null;
	return t.levels.some((l) => l.id === override.levelId) ? override : null;
}

/** A tier prepared for one day: everything that depends only on the tier and the day, worked out once. */
export interface CompiledTier {
	tier: TierConfig;
	today: string;
	levels: TierLevel[];
	field: DayField;
	/** First day of the window ending today. */
	from: string;
	/** starts[j]: first day of the retention period P_j (see retainedIndex); empty without retention. */
	starts: string[];
}

export function compileTier(t: TierConfig, today: string): CompiledTier {
	const levels = sortedLevels(t);
	const starts: string[] = [];
	if (t.retentionMonths > 0) for (let j = 0; j < levels.length; j++) starts.push(monthsStart(today, (j + 1) * t.retentionMonths));
	return { tier: t, today, levels, field: FIELD[t.metric], from: tierWindowFrom(t.window, today), starts };
}

/** The level held with a compiled tier (see tierLevel). */
export function levelHeld(
	ct: CompiledTier,
	stats: RuleStats | null,
	override?: LevelOverride | null
): { levelId: string | null; because: HeldBecause } {
	const o = activeOverride(ct.tier, ct.today, override);
	if (o) return { levelId: o.levelId, because: 'override' };
	const byValue = levelByValue(ct, stats);
	const held = heldIndex(ct, stats, byValue);
	if (held === -1) return { levelId: null, because: null };
	return { levelId: ct.levels[held].id, because: held > byValue ? 'retention' : 'value' };
}

/** levelHeld's level id alone, without allocating: what evaluating 100,000 customers calls. */
export function heldLevelId(ct: CompiledTier, stats: RuleStats | null, override: LevelOverride | undefined): string | null {
	if (override && override.until >= ct.today && activeOverride(ct.tier, ct.today, override)) return override.levelId;
	const held = heldIndex(ct, stats, levelByValue(ct, stats));
	return held === -1 ? null : ct.levels[held].id;
}

function levelByValue(ct: CompiledTier, stats: RuleStats | null): number {
	return levelIndex(ct.levels, stats ? sumDays(stats.days, ct.field, ct.from, ct.today) : 0);
}

function heldIndex(ct: CompiledTier, stats: RuleStats | null, byValue: number): number {
	// Nothing can be kept above the top level: retention only matters below it.
	if (ct.starts.length === 0 || !stats || byValue >= ct.levels.length - 1) return byValue;
	return Math.max(byValue, retained(ct, stats, byValue));
}

// One compiled tier per configuration and day, for callers that do not compile (a "Why?", a test).
const compiledCache = new WeakMap<TierConfig, CompiledTier>();

function compiledFor(t: TierConfig, today: string): CompiledTier {
	let ct = compiledCache.get(t);
	if (!ct || ct.today !== today) compiledCache.set(t, (ct = compileTier(t, today)));
	return ct;
}

/**
 * The level a customer holds today: a staff-set level until its end day; else the higher of the
 * level by value and the level kept by retention (see retainedIndex).
 */
export function tierLevel(
	stats: RuleStats | null,
	t: TierConfig,
	ctx: Pick<EvalContext, 'today'>,
	override?: LevelOverride | null
): { levelId: string | null; because: HeldBecause } {
	return levelHeld(compiledFor(t, ctx.today), stats, override);
}

/**
 * Retention, defined from the day buckets and today alone so every tablet, and incremental and
 * full evaluation, agree:
 *
 *   Let N = retentionMonths, K = number of levels, and level(d) the level by value of the window
 *   ending on day d. For j = 0 … K−1 let P_j = the (j+1)·N months ending today (same month rule
 *   as every window: monthsStart). The retained level is max over j of (highest level(d) for d
 *   in P_j) − j levels.
 *
 * So a level last reached on day d is kept through the N months that start the day after d (P_0),
 * and then the customer steps down one level per further N months (P_1, P_2, …) unless their value
 * holds them higher: never more than one level at a time. Below the lowest level is no level.
 *
 * level(d) only changes on days a bucket enters a window (a sale's day), leaves it (rolling
 * months: bucketLeaves) or the window resets (1 January for calendar years), so the maximum over
 * P_j is taken over those days and P_j's first day: a few sums over a few buckets per customer.
 */
export function retainedIndex(stats: RuleStats, t: TierConfig, levels: readonly TierLevel[], today: string): number {
	const ct = compiledFor(t, today);
	return retained(levels === ct.levels ? ct : { ...ct, levels: [...levels] }, stats, -1);
}

// Scratch space reused across customers: retention runs for every customer of a tiered group.
const enters: string[] = [];
const leaves: string[] = [];
const amounts: number[] = [];

/** The retained level index; may answer `floor` early when nothing in the period can beat it. */
function retained(ct: CompiledTier, stats: RuleStats, floor: number): number {
	const { tier: t, today, starts, levels, field } = ct;
	const k = starts.length;
	const earliest = starts[k - 1];
	const w = t.window;
	// The buckets that count on some day of [earliest, today]: bucket b counts on day d when
	// enters ≤ d < leaves.
	let n = 0;
	// The most the value can reach on any day of the period: every positive bucket at once.
	let upper = 0;
	for (let i = stats.days.length - 1; i >= 0; i--) {
		const b = stats.days[i];
		if (b.day > today) continue;
		const leave =
			w.kind === 'rollingMonths' ? cachedLeaves(b.day, w.months)
			: w.kind === 'calendarYear' ? `${String(Number(b.day.slice(0, 4)) + 1).padStart(4, '0')}-01-01`
			: '9999-12-31';
		// Buckets are sorted and `leave` grows with the day: every earlier bucket has left too.
		if (leave <= earliest) break;
		if (w.kind === 'since' && b.day < w.date) break;
		enters[n] = b.day;
		leaves[n] = leave;
		amounts[n] = b[field];
		if (amounts[n] > 0) upper += amounts[n];
		n++;
	}
	// Most customers never came near the next level: no need to look day by day.
	if (floor >= 0 && floor + 1 < levels.length && upper < levels[floor + 1].min) return floor;
	// Nothing counted in the whole period: the value was 0 on every day of it.
	if (n === 0) return levelIndex(levels, 0);
	const candidates: string[] = starts.slice();
	for (let i = 0; i < n; i++) {
		if (enters[i] >= earliest) candidates.push(enters[i]);
		if (leaves[i] <= today) candidates.push(leaves[i]);
	}
	let best = -1;
	for (const d of candidates) {
		let v = 0;
		for (let i = 0; i < n; i++) if (enters[i] <= d && d < leaves[i]) v += amounts[i];
		const idx = levelIndex(levels, v);
		if (idx <= best) continue;
		// The widest period d falls in is P_j for the smallest j with d ≥ starts[j].
		let j = 0;
		while (j < k && d < starts[j]) j++;
		if (j < k) best = Math.max(best, idx - j);
	}
	return best;
}

// Day strings repeat across customers (a few hundred distinct days a year): work each out once.
const leavesCache = new Map<number, Map<string, string>>();

function cachedLeaves(day: string, months: number): string {
	let m = leavesCache.get(months);
	if (!m) leavesCache.set(months, (m = new Map()));
	let d = m.get(day);
	if (d === undefined) {
		if (m.size > 20_000) m.clear();
		m.set(day, (d = bucketLeaves(day, months)));
	}
	return d;
}

/**
 * The first day on which a bucket of `day` is no longer in a window of `months` months ending
 * that day: the same date `months` months later, or the 1st of the month after when that month
 * has no such date (the mirror of monthsStart).
 */
export function bucketLeaves(day: string, months: number): string {
	const total = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 + months;
	const y = Math.floor(total / 12);
	const m = (total % 12) + 1;
	const d = Number(day.slice(8, 10));
	const ys = String(y).padStart(4, '0');
	if (d <= daysInMonth(y, m)) return `${ys}-${String(m).padStart(2, '0')}-${day.slice(8, 10)}`;
	return m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${ys}-${String(m + 1).padStart(2, '0')}-01`;
}

// ---- Preset ----------------------------------------------------------------------------------------

/** "Spend tiers": Standard below 500, Gold 500 to 2,000, Platinum from 2,000, over rolling 12 months. */
export function SPEND_TIERS_PRESET(currencyMinor = 100): TierConfig {
	return {
		metric: 'spend',
		window: { kind: 'rollingMonths', months: 12 },
		levels: [
			{ id: 'standard', name: 'Standard', min: 0, max: 500 * currencyMinor, vip: false },
			{ id: 'gold', name: 'Gold', min: 500 * currencyMinor, max: 2000 * currencyMinor, vip: false },
			{ id: 'platinum', name: 'Platinum', min: 2000 * currencyMinor, max: null, vip: true }
		],
		retentionMonths: 0
	};
}
