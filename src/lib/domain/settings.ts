// Shop-wide settings, replicated to every tablet (one Yjs map, last writer wins per key).

export interface Store {
	id: string;
	name: string;
}

export interface ShopSettings {
	shopName: string;
	/** ISO 3166-1 alpha-2 used to read phone numbers typed without a country code. */
	defaultCountry: string;
	/** IANA time zone in which dates (age, birthday month, rolling windows) are evaluated. */
	timeZone: string;
	/** ISO 4217. */
	currency: string;
	stores: Store[];
}

export const DEFAULT_SETTINGS: ShopSettings = {
	shopName: 'My shop',
	defaultCountry: 'GB',
	timeZone: 'Europe/London',
	currency: 'GBP',
	stores: [{ id: 'main', name: 'Main store' }]
};
