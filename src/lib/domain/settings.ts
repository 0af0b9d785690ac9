// Shop-wide settings, replicated to every tablet (one Yjs map, last writer wins per key).
import { DEFAULT_LOYALTY, type LoyaltySettings } from './sales/types';
import type { FieldError } from './errors';
import { DEFAULT_CARD_RANGE, validateCardRange, type CardRange } from './cards';

export interface Store {
	id: string;
	name: string;
}

import { RETENTION_MAX_YEARS, RETENTION_MIN_YEARS } from '$lib/domain/privacy/erasure';

export interface ShopSettings {
	shopName: string;
	/** ISO 3166-1 alpha-2 used to read phone numbers typed without a country code. */
	defaultCountry: string;
	/** IANA time zone in which dates (age, birthday month, rolling windows) are evaluated. */
	timeZone: string;
	/** ISO 4217. */
	currency: string;
	stores: Store[];
	/** How customers earn and redeem points (one setting: the rules change together). */
	loyalty: LoyaltySettings;
	/** The in-store range new customer cards are numbered from (EAN-13). */
	cardRange: CardRange;
	/** Retention: customers with no sale and no profile change for this many years are flagged (1–50). */
	retentionYears: number;
}

export const DEFAULT_SETTINGS: ShopSettings = {
	shopName: 'My shop',
	defaultCountry: 'GB',
	timeZone: 'Europe/London',
	currency: 'GBP',
	stores: [{ id: 'main', name: 'Main store' }],
	loyalty: DEFAULT_LOYALTY,
	cardRange: DEFAULT_CARD_RANGE,
	retentionYears: 3
};

/** Points per currency unit: 0 (no points) up to 100; a point's value: 0 to 10,000 minor units. */
export function validateLoyalty(l: LoyaltySettings): FieldError[] {
	const errors: FieldError[] = [];
	if (!Number.isFinite(l.pointsPerUnit) || l.pointsPerUnit < 0 || l.pointsPerUnit > 100) {
		errors.push({ field: 'pointsPerUnit', code: 'loyalty-rate-invalid' });
	}
	if (!Number.isInteger(l.pointValue) || l.pointValue < 0 || l.pointValue > 10_000) {
		errors.push({ field: 'pointValue', code: 'point-value-invalid' });
	}
	if (!['down', 'nearest', 'up'].includes(l.rounding)) errors.push({ field: 'rounding', code: 'rounding-invalid' });
	return errors;
}

/** Checks the settings a write would change (a patch checks only the keys it has). */
export function validateSettings(patch: Partial<ShopSettings>): FieldError[] {
	const errors: FieldError[] = [];
	if (patch.shopName !== undefined && patch.shopName.trim() === '') errors.push({ field: 'shopName', code: 'shop-name-required' });
	if (patch.defaultCountry !== undefined && !/^[A-Z]{2}$/.test(patch.defaultCountry)) {
		errors.push({ field: 'defaultCountry', code: 'country-invalid' });
	}
	if (patch.timeZone !== undefined && !validTimeZone(patch.timeZone)) errors.push({ field: 'timeZone', code: 'time-zone-invalid' });
	if (patch.currency !== undefined && !/^[A-Z]{3}$/.test(patch.currency)) errors.push({ field: 'currency', code: 'currency-invalid' });
	if (patch.stores !== undefined) {
		if (patch.stores.length === 0) errors.push({ field: 'stores', code: 'stores-required' });
		const ids = new Set<string>();
		patch.stores.forEach((s, i) => {
			if (!s.id.trim() || !s.name.trim() || ids.has(s.id)) errors.push({ field: `stores.${i}`, code: 'store-invalid' });
			ids.add(s.id);
		});
	}
	if (patch.loyalty !== undefined) {
		errors.push(...validateLoyalty(patch.loyalty).map((e) => ({ ...e, field: `loyalty.${e.field}` })));
	}
	if (patch.cardRange !== undefined) {
		errors.push(...validateCardRange(patch.cardRange).map((e) => ({ ...e, field: `cardRange.${e.field}` })));
	}
	if (patch.retentionYears !== undefined) {
		const y = patch.retentionYears;
		if (!Number.isInteger(y) || y < RETENTION_MIN_YEARS || y > RETENTION_MAX_YEARS) errors.push({ field: 'retentionYears', code: 'retention-years-invalid' });
	}
	return errors;
}

function validTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return zone !== '';
	} catch {
		return false;
	}
}
