// How many points a customer may still redeem this day, week (Monday to Sunday) or calendar
// month, in the shop's time zone, from the sales and refunds already recorded. Points given back
// by a refund return to the period of the sale they were redeemed on, so refunding last month's
// sale never opens extra allowance this month.
import { addDays, startOfDayIn, todayIn } from '../dates';
import type { FieldError } from '../errors';
import type { EffectiveLimit, EffectivePerks, RedemptionPeriod } from './types';

/** What allowance needs of a sale or refund of this customer. */
export interface RedemptionRecord {
	id: string;
	/** ISO instant. */
	at: string;
	/** Redeemed on a sale (> 0); given back on a refund (< 0). */
	pointsRedeemed: number;
	refundOf: string | null;
}

export interface PeriodBounds {
	/** First day of the period and first day of the next one ('YYYY-MM-DD', shop's zone). */
	firstDay: string;
	nextDay: string;
	/** [start, end) as instants (ms): local midnights, daylight saving included. */
	start: number;
	end: number;
}

/** The day, week from Monday, or calendar month that `now` falls in, in `timeZone`. */
export function periodBounds(period: RedemptionPeriod, now: number, timeZone: string): PeriodBounds {
	const today = todayIn(timeZone, new Date(now));
	let firstDay: string;
	let nextDay: string;
	if (period === 'day') {
		firstDay = today;
		nextDay = addDays(today, 1);
	} else if (period === 'week') {
		const dow = new Date(today + 'T00:00:00Z').getUTCDay(); // 0 = Sunday
		firstDay = addDays(today, -((dow + 6) % 7));
		nextDay = addDays(firstDay, 7);
	} else {
		const y = Number(today.slice(0, 4));
		const m = Number(today.slice(5, 7));
		firstDay = `${today.slice(0, 7)}-01`;
		nextDay = m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${today.slice(0, 4)}-${String(m + 1).padStart(2, '0')}-01`;
	}
	return { firstDay, nextDay, start: startOfDayIn(firstDay, timeZone), end: startOfDayIn(nextDay, timeZone) };
}

export interface Allowance {
	limit: EffectiveLimit;
	bounds: PeriodBounds;
	used: number;
	remaining: number;
}

/** Points redeemed in the period of `now` (net of refunds of sales in that period) and what is left of `limit`. */
export function allowanceFor(limit: EffectiveLimit, history: readonly RedemptionRecord[], now: number, timeZone: string): Allowance {
	const bounds = periodBounds(limit.period, now, timeZone);
	const saleAt = new Map<string, number>();
	for (const r of history) if (r.refundOf === null) saleAt.set(r.id, Date.parse(r.at));
	let used = 0;
	for (const r of history) {
		if (!Number.isFinite(r.pointsRedeemed) || r.pointsRedeemed === 0) continue;
		// A refund counts in its sale's period; a refund whose sale is not here counts when it happened.
		const t = (r.refundOf !== null ? saleAt.get(r.refundOf) : undefined) ?? Date.parse(r.at);
		if (t >= bounds.start && t < bounds.end) used += r.pointsRedeemed;
	}
	used = Math.max(0, used);
	return { limit, bounds, used, remaining: Math.max(0, limit.points - used) };
}

/** Every limit that applies, and the one that leaves least (null when there is no limit). */
export function allowances(
	perks: Pick<EffectivePerks, 'limits'>,
	history: readonly RedemptionRecord[],
	now: number,
	timeZone: string
): { all: Allowance[]; tightest: Allowance | null } {
	const all = perks.limits.map((l) => allowanceFor(l, history, now, timeZone));
	const tightest = all.reduce<Allowance | null>((t, a) => (t === null || a.remaining < t.remaining ? a : t), null);
	return { all, tightest };
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * Whether the customer may redeem `wanted` points now: refused when loyalty is switched off for
 * them, or when it goes beyond any limit, with what is left (and when it resets) in the params.
 */
export function checkRedemption(
	perks: Pick<EffectivePerks, 'limits' | 'loyaltyEnabled' | 'loyaltyOffBy'>,
	history: readonly RedemptionRecord[],
	wanted: number,
	now: number,
	timeZone: string,
	field = 'points'
): FieldError[] {
	if (wanted <= 0) return [];
	if (!perks.loyaltyEnabled) return [{ field, code: 'redemption-loyalty-off', params: { group: perks.loyaltyOffBy ?? '' } }];
	const over = allowances(perks, history, now, timeZone)
		.all.filter((a) => wanted > a.remaining)
		.sort((a, b) => a.remaining - b.remaining)[0];
	if (!over) return [];
	return [
		{
			field,
			code: 'redemption-over-allowance',
			params: {
				remaining: String(over.remaining),
				limit: String(over.limit.points),
				period: over.limit.period,
				group: over.limit.label,
				resets: dayFormat.format(Date.parse(over.bounds.nextDay + 'T00:00:00Z'))
			}
		}
	];
}
