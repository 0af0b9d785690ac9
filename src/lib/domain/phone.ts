// Phone numbers are stored as E.164 and searched by their digits.
//
// Why 'libphonenumber-js/min': its metadata is 83 KB against 157 KB for 'max', and the till
// ships it to every tablet. 'min' cannot tell a valid range from an unallocated one, so we
// accept any number whose length is possible for its country (isPossible) rather than
// isValid(); that is also what lets Ofcom's drama range (07700 900xxx), used in our tests
// and demo data, through. Shops want to record the number the customer gives, not argue with it.
import {
	Metadata,
	getCountryCallingCode,
	isSupportedCountry,
	parsePhoneNumberFromString,
	type CountryCode,
	type PhoneNumber
} from 'libphonenumber-js/min';

export type PhoneResult = { ok: true; e164: string } | { ok: false; code: 'phone-invalid' };

// Letters are refused rather than read as keypad letters: at a till they are typos.
const PHONE_CHARS_RE = /^[0-9+\-().\s/]*$/;

function country(code: string): CountryCode | undefined {
	const upper = code.toUpperCase();
	return isSupportedCountry(upper) ? upper : undefined;
}

export function normalizePhone(input: string, defaultCountry: string): PhoneResult {
	const trimmed = input.trim();
	if (trimmed === '') return { ok: true, e164: '' };
	if (!PHONE_CHARS_RE.test(trimmed)) return { ok: false, code: 'phone-invalid' };
	const parsed = parsePhoneNumberFromString(trimmed, { defaultCountry: country(defaultCountry) });
	if (!parsed || !parsed.isPossible()) return { ok: false, code: 'phone-invalid' };
	return { ok: true, e164: parsed.number };
}

function parseE164(e164: string): PhoneNumber | undefined {
	return e164.startsWith('+') ? parsePhoneNumberFromString(e164) : undefined;
}

/**
 * Digit strings a cashier might type the start of: '447700900123' (as dialled from abroad,
 * without '+' or '00'), '07700900123' (as dialled at home) and '7700900123'. The last is no key
 * of its own when the number is dialled at home as '0' + it (GB, FR, DE, AU, …: most numbers):
 * phoneQueryDigits also looks up '0' + what was typed, which finds the '07700900123' key. That
 * is one index entry fewer per customer, and the same customers found.
 */
export function phoneSearchKeys(e164: string): string[] {
	const digits = e164.replace(/\D/g, '');
	if (digits === '') return [];
	const parsed = parseE164(e164);
	if (!parsed) return [digits];
	const national = parsed.formatNational().replace(/\D/g, '');
	const significant = String(parsed.nationalNumber);
	const keys = [digits, national, ...(national === TRUNK_ZERO + significant ? [] : [significant])];
	return [...new Set(keys.filter(Boolean))];
}

/** The trunk prefix of most numbering plans: what phoneSearchKeys leaves out and phoneQueryDigits adds back. */
const TRUNK_ZERO = '0';

export function formatPhone(e164: string, defaultCountry: string): string {
	if (e164 === '') return '';
	const parsed = parseE164(e164);
	if (!parsed) return e164;
	// Compare calling codes, not countries: 'min' cannot always tell GB from JE/GG/IM, and all
	// of them dial each other nationally.
	const home = country(defaultCountry);
	return home && getCountryCallingCode(home) === parsed.countryCallingCode
		? parsed.formatNational()
		: parsed.formatInternational();
}

const QUERY_RE = /^[0-9+\-().\s]+$/;

function iddPrefix(defaultCountry: string): RegExp {
	const home = country(defaultCountry);
	if (!home) return /^00/;
	const metadata = new Metadata();
	metadata.selectNumberingPlan(home);
	const idd = metadata.numberingPlan?.IDDPrefix();
	return idd ? new RegExp(`^(?:${idd})`) : /^00/;
}

/**
 * The digit prefixes to look up for what was typed into a search box, or [] when it does
 * not look like (the start of) a phone number. International forms ('+44 7700', '0044 7700')
 * become the E.164 digits ('447700'), matching the first of phoneSearchKeys.
 */
export function phoneQueryDigits(query: string, defaultCountry: string): string[] {
	const q = query.trim();
	if (!QUERY_RE.test(q)) return [];
	const digits = q.replace(/\D/g, '');
	if (digits.length < 3) return [];
	if (q.startsWith('+')) return internationalDigits(digits, defaultCountry);
	const idd = iddPrefix(defaultCountry);
	if (idd.test(digits)) {
		const rest = digits.replace(idd, '');
		return rest.length >= 3 ? internationalDigits(rest, defaultCountry) : [];
	}
	// '7700 900' may be the start of a number dialled at home as '07700 900…' (its only key).
	return digits.startsWith(TRUNK_ZERO) ? [digits] : [digits, TRUNK_ZERO + digits];
}

// '+44 (0)7700' typed with the trunk zero: also look up the number without it.
function internationalDigits(digits: string, defaultCountry: string): string[] {
	const home = country(defaultCountry);
	const cc = home ? getCountryCallingCode(home) : '';
	if (cc && digits.startsWith(cc + '0') && digits.length > cc.length + 1) {
		return [digits, cc + digits.slice(cc.length + 1)];
	}
	return [digits];
}
