import { describe, expect, it } from 'vitest';
import { formatDate, formatInstantDate } from './labels';

describe('dates in the shop locale', () => {
	it('shows a calendar date as is, whatever the zone', () => {
		expect(formatDate('1985-03-21')).toBe('21 Mar 1985');
		expect(formatDate('not a date')).toBe('not a date');
	});

	it('shows an instant in the given zone, with one format per zone reused across rows', () => {
		const late = '2026-03-28T23:30:00Z';
		expect(formatInstantDate(late, 'UTC')).toBe('28 Mar 2026');
		expect(formatInstantDate(late, 'Pacific/Auckland')).toBe('29 Mar 2026');
		// Again after the other zone: the cached formats do not leak into each other.
		expect(formatInstantDate(late, 'UTC')).toBe('28 Mar 2026');
		expect(formatInstantDate('', 'UTC')).toBe('');
	});

	it('falls back to the browser zone for an unknown zone instead of failing', () => {
		expect(formatInstantDate('2026-03-28T12:00:00Z', 'Mars/Olympus')).toMatch(/^\d{1,2} Mar 2026$/);
	});
});
