// Words and numbers of the group report, shared by its figures, chart, CSV and word cloud.
import { addDays, monthsStart } from '$lib/domain/dates';
import { formatMoney } from '$lib/domain/sales/items';
import type { Granularity, ReportFigures, ReportPeriod } from '$lib/domain/reports/report';
import { dayWords } from '$lib/components/groups/rule-words';

export type Measure = keyof ReportFigures;

export const MEASURES: { key: Measure; label: string; money: boolean }[] = [
	{ key: 'sales', label: 'Sales', money: true },
	{ key: 'transactions', label: 'Transactions', money: false },
	{ key: 'averageBasket', label: 'Average basket', money: true },
	{ key: 'margin', label: 'Gross margin', money: true },
	{ key: 'pointsEarned', label: 'Points earned', money: false },
	{ key: 'pointsRedeemed', label: 'Points redeemed', money: false }
];

export function measureValue(f: ReportFigures, m: Measure, currency: string): string {
	return MEASURES.find((x) => x.key === m)!.money ? formatMoney(f[m], currency) : f[m].toLocaleString('en-GB');
}

/** '12.3 %' of a 0–1 share; '—' when there is nothing to divide by. */
export function shareWords(share: number | null): string {
	if (share === null) return '—';
	return `${(share * 100).toLocaleString('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: share > 0 && share < 0.001 ? 2 : 1 })} %`;
}

const short = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const month = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** The chart's label of a period: '3 Mar', 'w/c 3 Mar', 'Mar 2026'. */
export function periodLabel(p: Pick<ReportPeriod, 'start'>, g: Granularity): string {
	const t = Date.parse(p.start + 'T00:00:00Z');
	if (g === 'month') return month.format(t);
	return g === 'week' ? `w/c ${short.format(t)}` : short.format(t);
}

/** '3 Mar 2026 – 31 Mar 2026' (one date when both are the same). */
export function rangeWords(from: string, to: string): string {
	return from === to ? dayWords(from) : `${dayWords(from)} – ${dayWords(to)}`;
}

export const GRANULARITY_WORDS: Record<Granularity, string> = { day: 'by day', week: 'by week (from Monday)', month: 'by month' };

/** Quick ranges ending today (shop's zone). */
export function presets(today: string): { label: string; from: string; to: string }[] {
	return [
		{ label: 'Last 30 days', from: addDays(today, -29), to: today },
		{ label: 'Last 3 months', from: monthsStart(today, 3), to: today },
		{ label: 'Last 12 months', from: monthsStart(today, 12), to: today },
		{ label: 'This year', from: today.slice(0, 4) + '-01-01', to: today }
	];
}
