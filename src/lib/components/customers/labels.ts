// Words the UI shows for domain values (one place, so the form, profile and filters agree).
import type { ConsentChannel, ConsentSource, Gender } from '$lib/domain/customer';

export const GENDER_LABELS: Record<Gender, string> = {
	female: 'Female',
	male: 'Male',
	other: 'Other',
	'not-stated': 'Not stated'
};

export const CHANNEL_LABELS: Record<ConsentChannel, string> = {
	email: 'Email',
	sms: 'SMS',
	post: 'Post'
};

export const SOURCE_LABELS: Record<ConsentSource, string> = {
	till: 'Till',
	'back-office': 'Back office',
	import: 'Import',
	online: 'Online'
};

/** Month names in the browser's language, January = 1. */
export function monthNames(style: 'long' | 'short' = 'long'): string[] {
	const fmt = new Intl.DateTimeFormat(undefined, { month: style, timeZone: 'UTC' });
	return Array.from({ length: 12 }, (_, i) => fmt.format(Date.UTC(2000, i, 1)));
}

/** The locale dates are shown in (formatMoney and domain/dates.ts default to it too). */
const SHOP_LOCALE = 'en-GB';

/**
 * Date formats by time zone, made once: creating an Intl.DateTimeFormat costs far more than
 * formatting with one, and the customer list formats a date in every row it draws.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string | undefined): Intl.DateTimeFormat {
	const key = timeZone ?? '';
	let f = dateFormats.get(key);
	if (!f) {
		try {
			f = new Intl.DateTimeFormat(SHOP_LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone });
		} catch {
			// An unknown zone (a typo in settings): the browser's own, rather than no date at all.
			f = new Intl.DateTimeFormat(SHOP_LOCALE, { day: 'numeric', month: 'short', year: 'numeric' });
		}
		dateFormats.set(key, f);
	}
	return f;
}

/** '1985-03-21' → '21 Mar 1985' in the shop's locale; the date is a calendar date, no zone. */
export function formatDate(ymd: string): string {
	if (!/^\d{4}-\d{2}-\d{2}/.test(ymd)) return ymd;
	const [y, m, d] = ymd.slice(0, 10).split('-').map(Number);
	// The shop's locale, as money and the other dates (domain/dates.ts), never the browser's default.
	return dateFormat('UTC').format(Date.UTC(y, m - 1, d));
}

/** An ISO instant as a date in the shop's time zone. */
export function formatInstantDate(iso: string, timeZone?: string): string {
	const t = Date.parse(iso);
	if (Number.isNaN(t)) return '';
	return dateFormat(timeZone).format(t);
}
