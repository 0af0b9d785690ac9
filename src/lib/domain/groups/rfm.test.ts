import { describe, expect, it } from 'vitest';
import { addDays } from '../dates';
import { makeFacts, makeSale } from './factories';
import { RFM_SEGMENTS, rfmSegment, rfmThresholds, segmentFor, type Score } from './rfm';

const today = '2026-06-15';

/** A customer whose last visit was `recency` days ago, with `visits` sales adding up to `spend`. */
function customer(id: string, recency: number, visits: number, spend: number) {
	const last = addDays(today, -recency);
	const sales = Array.from({ length: visits }, (_, i) =>
		makeSale(`${id}-${i}`, id, `${addDays(last, -i * 3)}T12:00:00Z`, i === 0 ? spend - (visits - 1) * 10 : 10)
	);
	return makeFacts({ id }, sales, today);
}

// days since last visit, visits, total spend, and the expected scores and segment, worked out by hand:
// n = 10; the cut for score s is the value at rank 2(s − 1) (k = ⌈(s−1)·10/5⌉).
// F sorted 1,1,1,2,3,5,6,7,8,10 → cuts 1,2,5,7 (score = 1 + cuts strictly below).
// M sorted 100,150,300,600,800,2000,2500,4000,5000,9000 → cuts 150,600,2000,4000.
// R sorted 1,3,5,10,20,45,60,120,200,400 → cuts 200,60,20,5 (score = 1 + cuts strictly above).
const FIXTURE: [string, number, number, number, string, string][] = [
	['c1', 1, 10, 5000, 'R5 F5 M5', 'champions'],
	['c2', 3, 8, 4000, 'R5 F5 M4', 'champions'],
	['c3', 5, 1, 300, 'R4 F1 M2', 'promising'],
	['c4', 10, 6, 2500, 'R4 F4 M4', 'champions'],
	['c5', 20, 2, 800, 'R3 F2 M3', 'about-to-sleep'],
	['c6', 45, 5, 2000, 'R3 F3 M3', 'need-attention'],
	['c7', 60, 1, 100, 'R2 F1 M1', 'hibernating'],
	['c8', 120, 7, 9000, 'R2 F4 M5', 'cant-lose'],
	['c9', 200, 3, 600, 'R1 F3 M2', 'at-risk'],
	['c10', 400, 1, 150, 'R1 F1 M1', 'lost']
];

describe('RFM on a hand-computed fixture', () => {
	const facts = FIXTURE.map(([id, r, f, m]) => customer(id, r, f, m));
	const never = makeFacts({ id: 'c11' });
	const th = rfmThresholds([...facts, never], today);

	it('computes the quintile cut points over the customers who bought', () => {
		expect(th).toEqual({ day: today, count: 10, recency: [200, 60, 20, 5], frequency: [1, 2, 5, 7], monetary: [150, 600, 2000, 4000] });
	});

	it('scores and segments every customer; a customer who never bought has no segment', () => {
		for (const [i, [id, , , , scores, segment]] of FIXTURE.entries()) {
			const got = rfmSegment(facts[i], th, today);
			expect(got && `R${got.r} F${got.f} M${got.m}`, id).toBe(scores);
			expect(got?.segmentId, id).toBe(segment);
		}
		expect(rfmSegment(never, th, today)).toBeNull();
	});

	it('does not depend on the order of the customers', () => {
		expect(rfmThresholds([...facts].reverse(), today)).toEqual(th);
	});
});

describe('RFM scores', () => {
	it('gives equal values equal scores', () => {
		const same = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => customer(id, 10, 2, 500));
		const th = rfmThresholds(same, today);
		const segs = same.map((f) => rfmSegment(f, th, today));
		expect(new Set(segs.map((s) => JSON.stringify(s))).size).toBe(1);
		expect(segs[0]).toMatchObject({ r: 1, f: 1, m: 1 });
	});

	it('has no thresholds when nobody has bought', () => {
		const th = rfmThresholds([makeFacts()], today);
		expect(th.count).toBe(0);
		expect(rfmSegment(customer('x', 1, 1, 100), th, today)).toBeNull();
	});
});

describe('RFM_SEGMENTS', () => {
	it('lists the usual segments in first-match order', () => {
		expect(RFM_SEGMENTS.map((s) => s.name)).toEqual([
			'Champions', 'Loyal', 'Potential loyalists', 'New', 'Promising', 'Need attention', 'About to sleep',
			'At risk', 'Can’t lose them', 'Hibernating', 'Lost'
		]);
	});

	it('covers every combination of scores, and every segment is reachable', () => {
		const used = new Set<string>();
		for (let r = 1; r <= 5; r++)
			for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) used.add(segmentFor(r as Score, f as Score, m as Score).id);
		expect(used.size).toBe(RFM_SEGMENTS.length);
	});

	it('follows the usual score patterns', () => {
		const seg = (r: number, f: number, m = 3) => segmentFor(r as Score, f as Score, m as Score).id;
		expect(seg(4, 4)).toBe('champions');
		expect(seg(5, 5)).toBe('champions');
		expect(seg(3, 5)).toBe('loyal');
		expect(seg(5, 2)).toBe('potential-loyalists');
		expect(seg(5, 1)).toBe('new');
		expect(seg(4, 1)).toBe('promising');
		expect(seg(3, 3)).toBe('need-attention');
		expect(seg(3, 1)).toBe('about-to-sleep');
		expect(seg(1, 5, 4)).toBe('at-risk');
		expect(seg(2, 3, 4)).toBe('at-risk');
		expect(seg(2, 5, 5)).toBe('cant-lose');
		expect(seg(2, 2)).toBe('hibernating');
		expect(seg(1, 1)).toBe('lost');
	});
});
