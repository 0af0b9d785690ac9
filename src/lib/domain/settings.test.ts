import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, validateLoyalty, validateSettings } from './settings';

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

describe('validateSettings', () => {
	it('accepts the defaults and checks only the keys a patch has', () => {
		expect(validateSettings(DEFAULT_SETTINGS)).toEqual([]);
		expect(validateSettings({ shopName: 'Corner Deli' })).toEqual([]);
		expect(validateSettings({})).toEqual([]);
	});
	it('refuses an empty name, an unknown zone or currency, no stores, a store twice and bad loyalty', () => {
		const errors = validateSettings({
			shopName: '  ',
			defaultCountry: 'gb',
			timeZone: 'Mars/Olympus',
			currency: 'pounds',
			stores: [
				{ id: 'a', name: 'Camden' },
				{ id: 'a', name: 'Soho' }
			],
			loyalty: { ...DEFAULT_SETTINGS.loyalty, pointValue: -1 }
		});
		expect(errors.map((e) => [e.field, e.code])).toEqual([
			['shopName', 'shop-name-required'],
			['defaultCountry', 'country-invalid'],
			['timeZone', 'time-zone-invalid'],
			['currency', 'currency-invalid'],
			['stores.1', 'store-invalid'],
			['loyalty.pointValue', 'point-value-invalid']
		]);
		expect(validateSettings({ stores: [] }).map((e) => e.code)).toEqual(['stores-required']);
		expect(validateSettings({ timeZone: '' }).map((e) => e.code)).toEqual(['time-zone-invalid']);
	});
});
