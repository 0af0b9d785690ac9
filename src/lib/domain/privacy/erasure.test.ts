import { describe, expect, it } from 'vitest';
import { confirmationMatches, isDormant, parseRetentionYears } from './erasure';

describe('erasure confirmation', () => {
	it('accepts the full name (case, accents and spaces folded) or ERASE, nothing else', () => {
		expect(confirmationMatches('José García', 'José García')).toBe(true);
		expect(confirmationMatches('  jose   garcia ', 'José García')).toBe(true);
		expect(confirmationMatches('erase', 'José García')).toBe(true);
		expect(confirmationMatches('José', 'José García')).toBe(false);
		expect(confirmationMatches('', '')).toBe(false);
		expect(confirmationMatches('   ', 'José García')).toBe(false);
	});
});

describe('retention', () => {
	it('parses whole years from 1 to 50', () => {
		expect(parseRetentionYears(' 3 ')).toEqual({ ok: true, years: 3 });
		for (const bad of ['0', '51', '2.5', '', 'three', '-1']) expect(parseRetentionYears(bad)).toEqual({ ok: false });
	});

	it('flags customers with neither a sale nor a profile change since the cutoff', () => {
		const cutoff = '2023-12-01';
		const old = { registeredAt: '2019-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' };
		expect(isDormant(old, null, cutoff)).toBe(true);
		expect(isDormant(old, '2022-05-01T00:00:00.000Z', cutoff)).toBe(true);
		expect(isDormant(old, '2024-05-01T00:00:00.000Z', cutoff)).toBe(false);
		expect(isDormant({ ...old, updatedAt: '2025-01-01T00:00:00.000Z' }, null, cutoff)).toBe(false);
		expect(isDormant({ registeredAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' }, null, cutoff)).toBe(false);
		// A sale on the cutoff day itself is recent.
		expect(isDormant(old, '2023-12-01T08:00:00.000Z', cutoff)).toBe(false);
	});
});
