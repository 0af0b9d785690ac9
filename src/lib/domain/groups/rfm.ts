// RFM segments: recency (days since the last visit), frequency (visits, i.e. sales with quantity
// > 0) and monetary value (total spend), each scored 1–5 by quintile over the customers who have
// bought at least once, then named by the first matching row of RFM_SEGMENTS.
//
// Scores by rank, so equal values always get equal scores: for frequency and money a customer
// scores 1 + ⌊5 × (customers with a strictly lower value) / n⌋, for recency the same with
// "strictly more days since their last visit". The four cut points per dimension are all that is
// stored (RfmThresholds), so scoring one customer after a sale needs no pass over the others.
import { daysBetween } from '../dates';
import { lastVisitDay, type CustomerFacts } from './facts';

export type Score = 1 | 2 | 3 | 4 | 5;

export interface RfmSegmentDef {
	id: string;
	name: string;
	/** Inclusive score ranges [lowest, highest]. */
	r: [Score, Score];
	f: [Score, Score];
	m: [Score, Score];
}

/** First match wins; together the rows cover every combination of scores. */
export const RFM_SEGMENTS: readonly RfmSegmentDef[] = [
	{ id: 'champions', name: 'Champions', r: [4, 5], f: [4, 5], m: [1, 5] },
	{ id: 'loyal', name: 'Loyal', r: [3, 3], f: [4, 5], m: [1, 5] },
	{ id: 'potential-loyalists', name: 'Potential loyalists', r: [4, 5], f: [2, 3], m: [1, 5] },
	{ id: 'new', name: 'New', r: [5, 5], f: [1, 1], m: [1, 5] },
	{ id: 'promising', name: 'Promising', r: [4, 4], f: [1, 1], m: [1, 5] },
	{ id: 'need-attention', name: 'Need attention', r: [3, 3], f: [3, 3], m: [1, 5] },
	{ id: 'about-to-sleep', name: 'About to sleep', r: [3, 3], f: [1, 2], m: [1, 5] },
	{ id: 'at-risk', name: 'At risk', r: [1, 2], f: [3, 5], m: [1, 4] },
	{ id: 'cant-lose', name: 'Can’t lose them', r: [1, 2], f: [3, 5], m: [5, 5] },
	{ id: 'hibernating', name: 'Hibernating', r: [2, 2], f: [1, 2], m: [1, 5] },
	{ id: 'lost', name: 'Lost', r: [1, 1], f: [1, 2], m: [1, 5] }
];

export const RFM_SEGMENT_IDS: ReadonlySet<string> = new Set(RFM_SEGMENTS.map((s) => s.id));

export interface RfmThresholds {
	/** The day the thresholds were computed ('YYYY-MM-DD', shop zone). */
	day: string;
	/** Customers who had bought at least once. */
	count: number;
	/** Recency scores ≥ s+2 when days since the last visit < recency[s] (ascending days: s = 0..3). */
	recency: number[];
	/** Frequency scores ≥ s+2 when visits > frequency[s]. */
	frequency: number[];
	/** Monetary scores ≥ s+2 when total spend > monetary[s]. */
	monetary: number[];
}

interface Rfm {
	recency: number;
	frequency: number;
	monetary: number;
}

function rfmOf(f: CustomerFacts, today: string): Rfm | null {
	const s = f.stats;
	if (!s || s.visits <= 0) return null;
	const last = lastVisitDay(s, '9999-12-31');
	if (last === null) return null;
	return { recency: Math.max(0, daysBetween(last, today)), frequency: s.visits, monetary: s.totalSpend };
}

/** Value at rank k of the ascending values, the cut for score s: k = ⌈(s−1)·n/5⌉. */
function cuts(sorted: number[], higherIsBetter: boolean): number[] {
	const n = sorted.length;
	const out: number[] = [];
	for (let s = 2; s <= 5; s++) {
		const k = Math.ceil(((s - 1) * n) / 5);
		// Better than k customers: strictly above the k-th lowest, or strictly below the k-th highest.
		out.push(higherIsBetter ? sorted[k - 1] : sorted[n - k]);
	}
	return out;
}

export function rfmThresholds(all: Iterable<CustomerFacts>, today: string): RfmThresholds {
	const r: number[] = [];
	const f: number[] = [];
	const m: number[] = [];
	for (const facts of all) {
		const v = rfmOf(facts, today);
		if (!v) continue;
		r.push(v.recency);
		f.push(v.frequency);
		m.push(v.monetary);
	}
	const asc = (a: number, b: number) => a - b;
	if (r.length === 0) return { day: today, count: 0, recency: [], frequency: [], monetary: [] };
	return {
		day: today,
		count: r.length,
		recency: cuts(r.sort(asc), false),
		frequency: cuts(f.sort(asc), true),
		monetary: cuts(m.sort(asc), true)
	};
}

function score(x: number, cutPoints: number[], higherIsBetter: boolean): Score {
	let s = 1;
	for (const c of cutPoints) if (higherIsBetter ? x > c : x < c) s++;
	return s as Score;
}

const within = (x: Score, [lo, hi]: [Score, Score]) => x >= lo && x <= hi;

/** The customer's segment and scores, or null when they have never bought (or nobody has). */
export function rfmSegment(
	f: CustomerFacts,
	th: RfmThresholds,
	today: string
): { segmentId: string; r: Score; f: Score; m: Score } | null {
	if (th.count === 0) return null;
	const v = rfmOf(f, today);
	if (!v) return null;
	const r = score(v.recency, th.recency, false);
	const fs = score(v.frequency, th.frequency, true);
	const m = score(v.monetary, th.monetary, true);
	const seg = segmentFor(r, fs, m);
	return { segmentId: seg.id, r, f: fs, m };
}

export function segmentFor(r: Score, f: Score, m: Score): RfmSegmentDef {
	const seg = RFM_SEGMENTS.find((s) => within(r, s.r) && within(f, s.f) && within(m, s.m));
	// The table covers every combination (tested); this guards the type only.
	if (!seg) throw new Error(`No RFM segment for R${r} F${f} M${m}`);
	return seg;
}
