// What the customer form edits, and the mapping between what it shows and what it saves.
// The form keeps blank card and address rows the person added, but the saved draft leaves them out;
// errors come back with the saved draft's indexes ('cards.0'), so they are mapped back to the rows shown.
import type { Address, CustomerDraft } from '$lib/domain/customer';
import type { FieldError } from '$lib/domain/errors';
import { formatPhone } from '$lib/domain/phone';

export interface FormState {
	draft: CustomerDraft;
	/** Comma separated, as typed. */
	tagsText: string;
}

export function toFormState(initial: CustomerDraft, defaultCountry: string): FormState {
	const draft = plainCopy(initial);
	draft.phone = initial.phone ? formatPhone(initial.phone, defaultCountry) : '';
	// One empty card row from the start: scanning a card into a new profile is the common case.
	if (draft.cards.length === 0) draft.cards = [''];
	return { draft, tagsText: initial.tags.join(', ') };
}

// Props may be reactive proxies; JSON round-trip gives a plain, cloneable copy.
function plainCopy<T>(v: T): T {
	return JSON.parse(JSON.stringify(v)) as T;
}

export function splitTags(text: string): string[] {
	return text
		.split(/[,;\n]/)
		.map((t) => t.trim())
		.filter(Boolean);
}

const blankAddress = (a: Address) =>
	[a.label, a.line1, a.line2, a.city, a.region, a.postcode].every((v) => v.trim() === '');

export interface Compacted {
	draft: CustomerDraft;
	/** saved index → shown index */
	cardRows: number[];
	addressRows: number[];
}

/** The draft to validate and save: blank rows dropped, tags split. */
export function compact(state: FormState): Compacted {
	const d = state.draft;
	const cardRows: number[] = [];
	const cards: string[] = [];
	d.cards.forEach((c, i) => {
		if (c.trim() !== '') {
			cards.push(c.trim());
			cardRows.push(i);
		}
	});
	const addressRows: number[] = [];
	const addresses: Address[] = [];
	d.addresses.forEach((a, i) => {
		if (!blankAddress(a)) {
			addresses.push({ ...a });
			addressRows.push(i);
		}
	});
	const defaultAddressId = addresses.some((a) => a.id === d.defaultAddressId)
		? d.defaultAddressId
		: (addresses[0]?.id ?? null);
	return {
		draft: {
			...plainCopy(d),
			cards,
			addresses,
			defaultAddressId,
			tags: splitTags(state.tagsText)
		},
		cardRows,
		addressRows
	};
}

/** Rewrites 'cards.1' / 'addresses.0.postcode' from saved indexes to the rows the form shows. */
export function remapErrors(errors: FieldError[], c: Compacted): FieldError[] {
	return errors.map((e) => {
		const m = /^(cards|addresses)\.(\d+)(.*)$/.exec(e.field);
		if (!m) return e;
		const rows = m[1] === 'cards' ? c.cardRows : c.addressRows;
		const shown = rows[Number(m[2])];
		return shown === undefined ? e : { ...e, field: `${m[1]}.${shown}${m[3]}` };
	});
}

/** The form field an error belongs to: the path itself if the form shows it, else its nearest shown parent. */
export function placeFor(field: string, shown: Set<string>): string | null {
	let f = field;
	for (;;) {
		if (shown.has(f)) return f;
		const dot = f.lastIndexOf('.');
		if (dot < 0) return null;
		f = f.slice(0, dot);
	}
}

export const ADDRESS_PARTS = ['label', 'line1', 'line2', 'city', 'region', 'postcode', 'country'] as const;

/** Every path the form has a place for. */
export function shownPaths(d: CustomerDraft): Set<string> {
	const s = new Set<string>([
		'firstName',
		'lastName',
		'email',
		'phone',
		'birthDate',
		'gender',
		'storeId',
		'tags',
		'notes',
		'cards',
		'addresses',
		'defaultAddressId',
		'consents',
		'consents.email',
		'consents.sms',
		'consents.post'
	]);
	d.cards.forEach((_, i) => s.add(`cards.${i}`));
	d.addresses.forEach((_, i) => {
		for (const p of ADDRESS_PARTS) s.add(`addresses.${i}.${p}`);
	});
	return s;
}

export function fieldId(path: string): string {
	return 'cf-' + path.replace(/\./g, '-');
}
