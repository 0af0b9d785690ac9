// One gate for every customer write (form, import, sync of a local edit): returns the draft as
// it should be stored plus every problem at once, so a form can show all of them together.
// Uniqueness across customers (cards, email, phone) needs the database and is checked there.
import {
	CONSENT_CHANNELS,
	CONSENT_SOURCES,
	GENDERS,
	type Address,
	type Consent,
	type ConsentChannel,
	type CustomerDraft
} from './customer';
import { isValidDate, isValidInstant } from './dates';
import { normalizeEmail } from './email';
import type { ErrorCode, FieldError } from './errors';
import { normalizePhone } from './phone';
import { normalizeName } from './text';

export interface ValidationContext {
	defaultCountry: string;
	/** 'YYYY-MM-DD' in the shop's time zone. */
	today: string;
	storeIds?: string[];
}

export const LIMITS = { name: 100, notes: 5000, email: 254, addressLine: 200, tag: 50 } as const;
const OLDEST_BIRTH_DATE = '1900-01-01';
const CARD_RE = /^[A-Z0-9]{4,32}$/;

/** Cards as stored: printed characters only, so '2000-0123 4567' and '200001234567' are one card. */
export function normalizeCard(card: string): string {
	return card.replace(/[\s-]+/g, '').toUpperCase();
}

export function isValidCard(card: string): boolean {
	return CARD_RE.test(card);
}

export function normalizeTag(tag: string): string {
	return normalizeName(tag).toLowerCase();
}

// Crown dependencies share the UK postcode format.
const UK_LIKE = new Set(['GB', 'UK', 'GG', 'JE', 'IM']);
const UK_POSTCODE_RE = /^([A-Z]{1,2}[0-9][A-Z0-9]?|GIR)([0-9][A-Z]{2})$/;
const GENERIC_POSTCODE_RE = /^[A-Z0-9](?:[A-Z0-9 -]{0,10}[A-Z0-9])?$/;

/** Upper-cased with single spaces; UK postcodes also get their one space before the inward code. */
export function normalizePostcode(postcode: string, country: string): { postcode: string; ok: boolean } {
	const tidy = postcode.replace(/\s+/g, ' ').trim().toUpperCase();
	if (tidy === '') return { postcode: '', ok: true };
	if (UK_LIKE.has(country.toUpperCase())) {
		const m = UK_POSTCODE_RE.exec(tidy.replace(/ /g, ''));
		return m ? { postcode: `${m[1]} ${m[2]}`, ok: true } : { postcode: tidy, ok: false };
	}
	return { postcode: tidy, ok: GENERIC_POSTCODE_RE.test(tidy) };
}

export function validateCustomer(
	draft: CustomerDraft,
	ctx: ValidationContext
): { draft: CustomerDraft; errors: FieldError[] } {
	const errors: FieldError[] = [];
	const err = (field: string, code: ErrorCode, params?: Record<string, string>) =>
		errors.push(params ? { field, code, params } : { field, code });
	const tooLong = (field: string, value: string, max: number) => {
		if (value.length > max) err(field, 'field-too-long', { max: String(max) });
	};

	const firstName = normalizeName(draft.firstName);
	const lastName = normalizeName(draft.lastName);
	if (firstName === '' && lastName === '') err('firstName', 'name-required');
	tooLong('firstName', firstName, LIMITS.name);
	tooLong('lastName', lastName, LIMITS.name);

	let email = draft.email.trim().toLowerCase();
	if (email.length > LIMITS.email) tooLong('email', email, LIMITS.email);
	else {
		const r = normalizeEmail(email);
		if (r.ok) email = r.email;
		else err('email', r.code);
	}

	let phone = draft.phone.trim();
	const p = normalizePhone(phone, ctx.defaultCountry);
	if (p.ok) phone = p.e164;
	else err('phone', p.code);

	const birthDate = draft.birthDate.trim();
	if (birthDate !== '') {
		if (!isValidDate(birthDate)) err('birthDate', 'birth-date-invalid');
		else if (birthDate > ctx.today) err('birthDate', 'birth-date-future');
		else if (birthDate < OLDEST_BIRTH_DATE) err('birthDate', 'birth-date-too-old');
	}

	// An importer may hand over '' for "not given"; that is what 'not-stated' means.
	const gender = (draft.gender as string) === '' ? 'not-stated' : draft.gender;
	if (!(GENDERS as readonly string[]).includes(gender)) err('gender', 'gender-invalid');

	const cards = validateCards(draft.cards, err);
	const { addresses, defaultAddressId } = validateAddresses(draft, ctx, err);
	const consents = validateConsents(draft.consents, err);
	const tags = validateTags(draft.tags, err);

	const notes = draft.notes.trim();
	tooLong('notes', notes, LIMITS.notes);

	const storeId = draft.storeId.trim();
	if (storeId !== '' && ctx.storeIds && ctx.storeIds.length > 0 && !ctx.storeIds.includes(storeId)) {
		err('storeId', 'store-unknown', { storeId });
	}

	const registeredAt = draft.registeredAt.trim();
	if (!isValidInstant(registeredAt)) err('registeredAt', 'registered-at-invalid');

	return {
		draft: {
			firstName,
			lastName,
			email,
			phone,
			birthDate,
			gender,
			addresses,
			defaultAddressId,
			cards,
			consents,
			tags,
			notes,
			storeId,
			registeredAt
		},
		errors
	};
}

type Report = (field: string, code: ErrorCode, params?: Record<string, string>) => void;

// Field paths use the index the person sees in the form, so blanks are skipped but not renumbered.
function validateCards(input: readonly string[], err: Report): string[] {
	const cards: string[] = [];
	input.forEach((raw, i) => {
		const card = normalizeCard(raw);
		if (card === '') return;
		if (!isValidCard(card)) err(`cards.${i}`, 'card-invalid', { card });
		if (cards.includes(card)) err(`cards.${i}`, 'card-duplicate-in-customer', { card });
		else cards.push(card);
	});
	return cards;
}

function validateAddresses(
	draft: CustomerDraft,
	ctx: ValidationContext,
	err: Report
): { addresses: Address[]; defaultAddressId: string | null } {
	const addresses = draft.addresses.map((a, i): Address => {
		const country = a.country.trim().toUpperCase();
		if (country !== '' && !/^[A-Z]{2}$/.test(country)) err(`addresses.${i}.country`, 'country-invalid');
		const pc = normalizePostcode(a.postcode, country || ctx.defaultCountry);
		if (!pc.ok) err(`addresses.${i}.postcode`, 'postcode-invalid', { postcode: pc.postcode });
		const text = (key: 'label' | 'line1' | 'line2' | 'city' | 'region') => {
			const value = normalizeName(a[key]);
			if (value.length > LIMITS.addressLine) err(`addresses.${i}.${key}`, 'field-too-long', { max: String(LIMITS.addressLine) });
			return value;
		};
		return {
			id: a.id,
			label: text('label'),
			line1: text('line1'),
			line2: text('line2'),
			city: text('city'),
			region: text('region'),
			postcode: pc.postcode,
			country
		};
	});
	let defaultAddressId = draft.defaultAddressId;
	if (defaultAddressId === null) {
		// A customer with addresses always has a default delivery address.
		if (addresses.length > 0) defaultAddressId = addresses[0].id;
	} else if (!addresses.some((a) => a.id === defaultAddressId)) {
		err('defaultAddressId', 'default-address-missing');
	}
	return { addresses, defaultAddressId };
}

function validateConsents(
	input: CustomerDraft['consents'],
	err: Report
): Partial<Record<ConsentChannel, Consent>> {
	const consents: Partial<Record<ConsentChannel, Consent>> = {};
	for (const [channel, c] of Object.entries(input) as [string, Consent | undefined][]) {
		if (c === undefined) continue;
		const valid =
			(CONSENT_CHANNELS as readonly string[]).includes(channel) &&
			(c.status === 'granted' || c.status === 'withdrawn') &&
			typeof c.date === 'string' &&
			isValidInstant(c.date) &&
			(CONSENT_SOURCES as readonly string[]).includes(c.source) &&
			typeof c.recordedBy === 'string';
		if (!valid) err(`consents.${channel}`, 'consent-invalid', { channel });
		consents[channel as ConsentChannel] = {
			...c,
			recordedBy: typeof c.recordedBy === 'string' ? c.recordedBy.trim() : c.recordedBy
		};
	}
	return consents;
}

function validateTags(input: readonly string[], err: Report): string[] {
	const tags: string[] = [];
	input.forEach((raw, i) => {
		const tag = normalizeTag(raw);
		if (tag === '') return;
		if (tag.length > LIMITS.tag || /[,;]/.test(tag)) err(`tags.${i}`, 'tag-invalid', { tag });
		if (!tags.includes(tag)) tags.push(tag);
	});
	return tags;
}
