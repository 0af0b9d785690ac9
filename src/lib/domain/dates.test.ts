import { describe, expect, it } from 'vitest';
import { ageOn, birthMonth, daysInMonth, formatDay, isValidDate, isValidInstant, todayIn } from './dates';

describe('todayIn', () => {
	const now = new Date('2026-03-29T00:30:00Z');
	it('gives the calendar date in the shop zone', () => {
		// 00:30 UTC is 00:30 GMT in London (clocks go forward at 01:00 UTC that day)...
		expect(todayIn('Europe/London', now)).toBe('2026-03-29');
		// ...but already 13:30 in Auckland, and still the evening before in New York.
		expect(todayIn('Pacific/Auckland', new Date('2026-03-28T12:30:00Z'))).toBe('2026-03-29');
		expect(todayIn('Pacific/Auckland', new Date('2026-03-28T10:30:00Z'))).toBe('2026-03-28');
		expect(todayIn('America/New_York', now)).toBe('2026-03-28');
	});
	it('differs between zones at the same instant', () => {
		const instant = new Date('2026-03-28T11:30:00Z');
		expect(todayIn('Europe/London', instant)).toBe('2026-03-28');
		expect(todayIn('Pacific/Auckland', instant)).toBe('2026-03-29');
	});
	it('crosses midnight at local midnight, not UTC midnight', () => {
		expect(todayIn('Europe/London', new Date('2026-07-01T22:59:59Z'))).toBe('2026-07-01');
		expect(todayIn('Europe/London', new Date('2026-07-01T23:00:00Z'))).toBe('2026-07-02');
	});
	it('falls back to UTC for an unknown zone', () => {
		expect(todayIn('Mars/Olympus_Mons', new Date('2026-03-28T23:30:00Z'))).toBe('2026-03-28');
		expect(todayIn('', new Date('2026-03-28T23:30:00Z'))).toBe('2026-03-28');
	});
});

describe('isValidDate', () => {
	it.each(['2024-02-29', '2000-02-29', '1900-01-01', '2026-12-31'])('accepts %s', (d) => {
		expect(isValidDate(d)).toBe(true);
	});
	it.each(['2023-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-1', '26-01-01', '2026-01-01T00:00', '', 'abcd-ef-gh'])(
		'rejects %s',
		(d) => {
			expect(isValidDate(d)).toBe(false);
		}
	);
	it('knows month lengths', () => {
		expect(daysInMonth(2024, 2)).toBe(29);
		expect(daysInMonth(2100, 2)).toBe(28);
		expect(daysInMonth(2026, 4)).toBe(30);
	});
});

describe('ageOn', () => {
	it('counts full years', () => {
		expect(ageOn('1990-06-15', '2026-06-14')).toBe(35);
		expect(ageOn('1990-06-15', '2026-06-15')).toBe(36);
		expect(ageOn('2026-06-15', '2026-06-15')).toBe(0);
	});
	it('ages 29 February birthdays on 1 March in non-leap years', () => {
		expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
		expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
		expect(ageOn('2008-02-29', '2028-02-28')).toBe(19);
		expect(ageOn('2008-02-29', '2028-02-29')).toBe(20);
	});
	it('returns null for unknown or future birth dates', () => {
		expect(ageOn('', '2026-01-01')).toBeNull();
		expect(ageOn('2026-02-30', '2026-03-01')).toBeNull();
		expect(ageOn('2027-01-01', '2026-01-01')).toBeNull();
	});
});

describe('birthMonth', () => {
	it('reads the month', () => {
		expect(birthMonth('1985-03-21')).toBe(3);
		expect(birthMonth('1985-12-01')).toBe(12);
		expect(birthMonth('')).toBeNull();
		expect(birthMonth('1985-13-01')).toBeNull();
	});
});

describe('isValidInstant', () => {
	it.each(['2026-03-29T00:30:00Z', '2026-03-29T00:30:00.123Z', '2026-03-29T00:30Z', '2026-03-29T01:30:00+01:00'])('accepts %s', (s) => {
		expect(isValidInstant(s)).toBe(true);
	});
	it.each(['2026-03-29', '2026-03-29T00:30:00', '2026-02-30T00:00:00Z', '2026-03-29T24:00:00Z', '2026-03-29T00:60:00Z', 'yesterday', ''])('rejects %s', (s) => {
		expect(isValidInstant(s)).toBe(false);
	});
});

describe('formatDay', () => {
	it('formats a calendar day in the locale, never moved by a zone, and leaves a non-date as it is', () => {
		expect(formatDay('2026-03-31')).toBe('31 Mar 2026');
		expect(formatDay('2026-03-31', 'en-US')).toBe('Mar 31, 2026');
		expect(formatDay('2026-01-01', 'de-DE')).toBe('01.01.2026');
		expect(formatDay('not a day')).toBe('not a day');
	});
});
