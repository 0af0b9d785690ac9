import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, validateLoyalty } from './settings';

describe('loyalty settings', () => {
	it('accepts the defaults and sensible rates', () => {
		expect(validateLoyalty(DEFAULT_SETTINGS.loyalty)).toEqual([]);
		expect(validateLoyalty({ pointsPerUnit: 2.5, rounding: 'nearest', pointValue: 5, earnOnRedeemed: true })).toEqual([]);
	});
	it('refuses negative, fractional or absurd values with a code per field', () => {
		const errors = validateLoyalty({ pointsPerUnit: -1, rounding: 'sideways' as 'up', pointValue: 0.5, earnOnRedeemed: false });
		expect(errors.map((e) => [e.field, e.code])).toEqual([
			['pointsPerUnit', 'loyalty-rate-invalid'],
			['pointValue', 'point-value-invalid'],
			['rounding', 'rounding-invalid']
		]);
		expect(validateLoyalty({ ...DEFAULT_SETTINGS.loyalty, pointsPerUnit: 1000 })).toHaveLength(1);
	});
});
