// The customer as every part of the app sees it. Pure data: no DOM, Dexie or Yjs.
// Replicated field by field (last writer wins per field, see src/lib/sync/customers.ts), so every
// top-level field here is one unit of merge: two tablets editing different fields both keep their edit.

export const GENDERS = ['female', 'male', 'other', 'not-stated'] as const;
export type Gender = (typeof GENDERS)[number];

export const CONSENT_CHANNELS = ['email', 'sms', 'post'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export const CONSENT_SOURCES = ['till', 'back-office', 'import', 'online'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export interface Consent {
	status: 'granted' | 'withdrawn';
	/** ISO 8601 instant when the customer gave or withdrew it. */
	date: string;
	source: ConsentSource;
	/** Who recorded it: the staff member or device name. */
	recordedBy: string;
}

export interface Address {
	/** Random id, stable across edits so the default delivery address survives reordering. */
	id: string;
	label: string;
	line1: string;
	line2: string;
	city: string;
	region: string;
	postcode: string;
	/** ISO 3166-1 alpha-2. */
	country: string;
}

export interface Customer {
	/** Random id (never personal data: ids are Yjs map keys). */
	id: string;
	firstName: string;
	lastName: string;
	/** Lower-cased, trimmed; '' when unknown. */
	email: string;
	/** E.164 ('+447700900123'); '' when unknown. */
	phone: string;
	/** 'YYYY-MM-DD'; '' when unknown. */
	birthDate: string;
	gender: Gender;
	addresses: Address[];
	/** Id of one of `addresses`, or null. */
	defaultAddressId: string | null;
	/** Customer card numbers, digits/letters as printed, no spaces. */
	cards: string[];
	consents: Partial<Record<ConsentChannel, Consent>>;
	tags: string[];
	notes: string;
	/** Store where the customer registered ('' when unknown). */
	storeId: string;
	/** ISO 8601 instant of registration. */
	registeredAt: string;
	/** ISO 8601 instant of the last change to any field (derived on projection from the edits). */
	updatedAt: string;
}

/** The editable part of a customer: what forms and imports produce. */
export type CustomerDraft = Omit<Customer, 'id' | 'updatedAt'>;

export const CUSTOMER_FIELDS = [
	'firstName',
	'lastName',
	'email',
	'phone',
	'birthDate',
	'gender',
	'addresses',
	'defaultAddressId',
	'cards',
	'consents',
	'tags',
	'notes',
	'storeId',
	'registeredAt'
] as const satisfies readonly (keyof CustomerDraft)[];
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

export function emptyDraft(now: string, storeId = ''): CustomerDraft {
	return {
		firstName: '',
		lastName: '',
		email: '',
		phone: '',
		birthDate: '',
		gender: 'not-stated',
		addresses: [],
		defaultAddressId: null,
		cards: [],
		consents: {},
		tags: [],
		notes: '',
		storeId,
		registeredAt: now
	};
}

export function fullName(c: Pick<Customer, 'firstName' | 'lastName'>): string {
	return [c.firstName, c.lastName].filter(Boolean).join(' ');
}

export function defaultAddress(c: Pick<Customer, 'addresses' | 'defaultAddressId'>): Address | undefined {
	return c.addresses.find((a) => a.id === c.defaultAddressId) ?? c.addresses[0];
}
