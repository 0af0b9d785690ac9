import { describe, expect, it } from 'vitest';
import { messageFor } from '../errors';
import { allowanceFor, allowances, checkRedemption, periodBounds, type RedemptionRecord } from './allowance';
import type { EffectiveLimit } from './types';

const TZ = 'Europe/London';
const t = (iso: string) => Date.parse(iso);
const daily: EffectiveLimit = { points: 500, period: 'day', label: 'Gold' };
const weekly: EffectiveLimit = { points: 800, period: 'week', label: 'Club' };
const monthly: EffectiveLimit = { points: 1000, period: 'month', label: 'Gold' };
let n = 0;
const sale = (at: string, points: number, id = `s${++n}`): RedemptionRecord => ({ id, at, pointsRedeemed: points, refundOf: null });
const refund = (of: string, at: string, points: number): RedemptionRecord => ({ id: `r${++n}`, at, pointsRedeemed: -points, refundOf: of });
const perks = (limits: EffectiveLimit[]) => ({ limits, loyaltyEnabled: true, loyaltyOffBy: null });

describe('periods in the shop’s zone', () => {
	it('a summer day runs from local midnight (23:00 UTC the day before)', () => {
		const b = periodBounds('day', t('2026-06-10T12:00:00Z'), TZ);
		expect(b).toEqual({ firstDay: '2026-06-10', nextDay: '2026-06-11', start: t('2026-06-09T23:00:00Z'), end: t('2026-06-10T23:00:00Z') });
	});

	it('the day the clocks go forward has 23 hours, the day they go back 25', () => {
		const spring = periodBounds('day', t('2026-03-29T12:00:00Z'), TZ);
		expect([spring.start, spring.end]).toEqual([t('2026-03-29T00:00:00Z'), t('2026-03-29T23:00:00Z')]);
		const autumn = periodBounds('day', t('2026-10-25T12:00:00Z'), TZ);
		expect([autumn.start, autumn.end]).toEqual([t('2026-10-24T23:00:00Z'), t('2026-10-26T00:00:00Z')]);
		expect((autumn.end - autumn.start) / 3_600_000).toBe(25);
	});

	it('a week runs Monday to Sunday', () => {
		expect(periodBounds('week', t('2026-06-10T12:00:00Z'), TZ)).toMatchObject({ firstDay: '2026-06-08', nextDay: '2026-06-15' }); // Wednesday
		expect(periodBounds('week', t('2026-06-14T22:30:00Z'), TZ)).toMatchObject({ firstDay: '2026-06-08' }); // Sunday 23:30 local
		expect(periodBounds('week', t('2026-06-14T23:30:00Z'), TZ)).toMatchObject({ firstDay: '2026-06-15', nextDay: '2026-06-22' }); // Monday 00:30 local
	});

	it('a month is the calendar month, December into January', () => {
		expect(periodBounds('month', t('2026-05-31T22:30:00Z'), TZ)).toMatchObject({ firstDay: '2026-05-01', nextDay: '2026-06-01' });
		expect(periodBounds('month', t('2026-05-31T23:30:00Z'), TZ)).toMatchObject({ firstDay: '2026-06-01', nextDay: '2026-07-01' });
		expect(periodBounds('month', t('2026-12-31T12:00:00Z'), TZ)).toMatchObject({ firstDay: '2026-12-01', nextDay: '2027-01-01' });
	});
});

describe('remaining allowance', () => {
	it('23:59 and 00:01 local are different days', () => {
		const history = [sale('2026-06-10T22:59:00Z', 300)]; // 23:59 on 10 June, BST
		expect(allowanceFor(daily, history, t('2026-06-10T22:59:30Z'), TZ)).toMatchObject({ used: 300, remaining: 200 });
		expect(allowanceFor(daily, history, t('2026-06-10T23:01:00Z'), TZ)).toMatchObject({ used: 0, remaining: 500 }); // 00:01 on 11 June
	});

	it('in UTC the same instants are one day', () => {
		const history = [sale('2026-06-10T22:59:00Z', 300)];
		expect(allowanceFor(daily, history, t('2026-06-10T23:01:00Z'), 'UTC').remaining).toBe(200);
	});

	it('on the day the clocks go forward', () => {
		const history = [sale('2026-03-29T00:30:00Z', 100), sale('2026-03-29T22:30:00Z', 150), sale('2026-03-29T23:30:00Z', 400)];
		// 00:30 GMT and 23:30 BST are 29 March; 23:30 UTC is 00:30 BST on 30 March.
		expect(allowanceFor(daily, history, t('2026-03-29T12:00:00Z'), TZ).used).toBe(250);
		expect(allowanceFor(daily, history, t('2026-03-30T08:00:00Z'), TZ).used).toBe(400);
	});

	it('on the day the clocks go back (01:30 happens twice, both the same day)', () => {
		const history = [sale('2026-10-25T00:30:00Z', 100), sale('2026-10-25T01:30:00Z', 100), sale('2026-10-25T23:30:00Z', 100)];
		expect(allowanceFor(daily, history, t('2026-10-25T23:59:00Z'), TZ).used).toBe(300);
	});

	it('across the week boundary', () => {
		const history = [sale('2026-06-08T09:00:00Z', 300), sale('2026-06-14T22:00:00Z', 400), sale('2026-06-14T23:10:00Z', 50)];
		expect(allowanceFor(weekly, history, t('2026-06-14T22:30:00Z'), TZ)).toMatchObject({ used: 700, remaining: 100 });
		expect(allowanceFor(weekly, history, t('2026-06-15T10:00:00Z'), TZ)).toMatchObject({ used: 50, remaining: 750 });
	});

	it('across the month boundary', () => {
		const history = [sale('2026-05-31T22:00:00Z', 900), sale('2026-05-31T23:05:00Z', 10)];
		expect(allowanceFor(monthly, history, t('2026-05-31T22:30:00Z'), TZ).remaining).toBe(100);
		expect(allowanceFor(monthly, history, t('2026-06-01T09:00:00Z'), TZ).remaining).toBe(990);
	});

	it('a refund gives points back to the period of its sale, not to today', () => {
		const s = sale('2026-06-10T10:00:00Z', 400, 'x1');
		const history = [s, refund('x1', '2026-06-11T10:00:00Z', 400), sale('2026-06-11T11:00:00Z', 450)];
		expect(allowanceFor(daily, history, t('2026-06-10T20:00:00Z'), TZ).used).toBe(0); // as seen later: returned
		expect(allowanceFor(daily, history, t('2026-06-11T12:00:00Z'), TZ)).toMatchObject({ used: 450, remaining: 50 });
	});

	it('a refund of a sale not on this list counts when it happened, never below zero', () => {
		const history = [refund('elsewhere', '2026-06-11T10:00:00Z', 300), sale('2026-06-11T11:00:00Z', 100)];
		expect(allowanceFor(daily, history, t('2026-06-11T12:00:00Z'), TZ)).toMatchObject({ used: 0, remaining: 500 });
	});

	it('several limits: the one that leaves least decides', () => {
		const history = [sale('2026-06-08T09:00:00Z', 600), sale('2026-06-10T09:00:00Z', 100)];
		const { all, tightest } = allowances(perks([daily, weekly]), history, t('2026-06-10T12:00:00Z'), TZ);
		expect(all.map((a) => a.remaining)).toEqual([400, 100]);
		expect(tightest?.limit).toBe(weekly);
		expect(allowances(perks([]), history, t('2026-06-10T12:00:00Z'), TZ).tightest).toBeNull();
	});
});

describe('checkRedemption', () => {
	const history = [sale('2026-06-10T09:00:00Z', 300)];
	const now = t('2026-06-10T12:00:00Z');

	it('allows up to what is left', () => {
		expect(checkRedemption(perks([daily]), history, 200, now, TZ)).toEqual([]);
		expect(checkRedemption(perks([]), history, 99_999, now, TZ)).toEqual([]);
		expect(checkRedemption(perks([daily]), history, 0, now, TZ)).toEqual([]);
	});

	it('refuses beyond it, with what is left and when it starts again', () => {
		const errors = checkRedemption(perks([daily]), history, 201, now, TZ, 'lines.0.points');
		expect(errors).toEqual([
			{ field: 'lines.0.points', code: 'redemption-over-allowance', params: { remaining: '200', limit: '500', period: 'day', group: 'Gold', resets: 'Thu 11 Jun' } }
		]);
		expect(messageFor(errors[0])).toBe('Gold members may redeem at most 500 points a day: 200 left (it starts again on Thu 11 Jun)');
	});

	it('names the tightest limit when several are exceeded', () => {
		const h = [sale('2026-06-08T09:00:00Z', 700)];
		const [e] = checkRedemption(perks([daily, weekly]), h, 600, now, TZ);
		expect(e.params).toMatchObject({ remaining: '100', period: 'week', group: 'Club', resets: 'Mon 15 Jun' });
		expect(messageFor(e)).toContain('a week (Monday to Sunday)');
	});

	it('refuses any redemption when loyalty is off for the customer', () => {
		const [e] = checkRedemption({ limits: [], loyaltyEnabled: false, loyaltyOffBy: 'Staff' }, [], 1, now, TZ);
		expect(e).toEqual({ field: 'points', code: 'redemption-loyalty-off', params: { group: 'Staff' } });
		expect(messageFor(e)).toBe('Loyalty is switched off for Staff members: no points can be redeemed or earned');
	});
});
