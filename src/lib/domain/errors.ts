// Validation outcomes are values: a code per field, turned into words in exactly one place.

export type ErrorCode =
	| 'name-required'
	| 'email-invalid'
	| 'phone-invalid'
	| 'birth-date-invalid'
	| 'birth-date-future'
	| 'birth-date-too-old'
	| 'card-invalid'
	| 'card-duplicate-in-customer'
	| 'card-already-assigned'
	| 'card-duplicate-in-file'
	| 'default-address-missing'
	| 'postcode-invalid'
	| 'country-invalid'
	| 'gender-invalid'
	| 'consent-invalid'
	| 'store-unknown'
	| 'registered-at-invalid'
	| 'email-exists'
	| 'phone-exists'
	| 'tag-invalid'
	| 'field-too-long'
	| 'customer-gone';

export interface FieldError {
	/** Path of the field: 'firstName', 'cards.1', 'addresses.0.postcode', 'consents.email'. */
	field: string;
	code: ErrorCode;
	params?: Record<string, string>;
}

type Params = Record<string, string>;

const MESSAGES: Record<ErrorCode, (p: Params) => string> = {
	'name-required': () => 'Enter a first or last name',
	'customer-gone': () => 'This customer was deleted on another tablet, so the changes could not be saved',
	'email-invalid': () => 'This does not look like an email address, e.g. jane@example.com',
	'phone-invalid': () =>
		'This is not a phone number we can read. Include the country code for numbers from abroad, e.g. +33 1 23 45 67 89',
	'birth-date-invalid': () => 'Enter the date of birth as a real date, e.g. 1985-03-21',
	'birth-date-future': () => 'The date of birth cannot be in the future',
	'birth-date-too-old': () => 'The date of birth cannot be before 1900',
	'card-invalid': (p) => `${card(p)} is not a card number we can read: use 4 to 32 letters or digits`,
	'card-duplicate-in-customer': (p) => `${card(p)} is listed twice for this customer`,
	'card-already-assigned': (p) => `${card(p)} already belongs to ${p.ownerName || 'another customer'}`,
	'card-duplicate-in-file': (p) =>
		p.row ? `${card(p)} is also on row ${p.row}` : `${card(p)} appears more than once in this file`,
	'default-address-missing': () => 'Choose one of this customer’s addresses as the default delivery address',
	'postcode-invalid': (p) =>
		p.postcode ? `${p.postcode} is not a postcode we recognise` : 'This is not a postcode we recognise',
	'country-invalid': () => 'Choose a country (two-letter code, e.g. GB)',
	'gender-invalid': () => 'Choose female, male, other or not stated',
	'consent-invalid': (p) =>
		p.channel
			? `The ${channelLabel(p.channel)} consent record is incomplete: it needs a status, a date and a source`
			: 'This consent record is incomplete: it needs a status, a date and a source',
	'store-unknown': (p) =>
		p.storeId ? `Store ${p.storeId} is not one of this shop’s stores` : 'This is not one of this shop’s stores',
	'registered-at-invalid': () => 'The registration date is not a valid date and time',
	'email-exists': (p) =>
		p.ownerName ? `This email address already belongs to ${p.ownerName}` : 'This email address already belongs to another customer',
	'phone-exists': (p) =>
		p.ownerName ? `This phone number already belongs to ${p.ownerName}` : 'This phone number already belongs to another customer',
	'tag-invalid': (p) =>
		p.tag
			? `Tag “${p.tag}” is not allowed: use up to 50 characters without commas or semicolons`
			: 'Use tags of up to 50 characters without commas or semicolons',
	'field-too-long': (p) => (p.max ? `Keep this under ${p.max} characters` : 'This is too long')
};

function card(p: Params): string {
	return p.card ? `Card ${p.card}` : 'This card';
}

function channelLabel(channel: string): string {
	return channel === 'sms' ? 'SMS' : channel;
}

export function messageFor(e: FieldError): string {
	return MESSAGES[e.code](e.params ?? {});
}
