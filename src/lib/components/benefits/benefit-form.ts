// What the benefit editor edits (numbers as typed) and how it becomes a draft to check and save.
// Percentages, factors and money stay text until read: '12,5', '7 %', '£8.50' are read here in the
// shop's currency; text that cannot be read becomes NaN, which validateBenefit reports at its
// field (and money that cannot be read says so in its own words).
import type { BenefitDraft } from '$lib/domain/benefits/validate';
import type { BenefitKind, BenefitValue, EntryPrice, PriceMatch, RedemptionPeriod } from '$lib/domain/benefits/types';
import type { FieldError } from '$lib/domain/errors';
import type { MembershipKey } from '$lib/domain/groups/types';
import { parseMoney } from '$lib/domain/sales/items';
import { moneyText } from '$lib/components/items/item-form';

export type MatchKind = PriceMatch['kind'];
export type PriceKind = EntryPrice['kind'];

export interface EntryForm {
	/** Keeps a row's inputs with the row when another row is removed. */
	uid: number;
	match: MatchKind;
	itemId: string;
	brand: string;
	category: string;
	price: PriceKind;
	/** Money as typed (fixed price or amount off each). */
	amount: string;
	/** Percentage as typed. */
	pct: string;
}

export interface BenefitForm {
	kind: BenefitKind;
	target: MembershipKey;
	pct: string;
	name: string;
	entries: EntryForm[];
	factor: string;
	points: string;
	period: RedemptionPeriod;
	enabled: boolean;
	categories: string[];
}

let uids = 0;

export function emptyEntry(match: MatchKind = 'item'): EntryForm {
	return { uid: ++uids, match, itemId: '', brand: '', category: '', price: 'pctOff', amount: '', pct: '' };
}

export function emptyForm(target: MembershipKey, kind: BenefitKind = 'discount'): BenefitForm {
	return { kind, target, pct: '', name: '', entries: [emptyEntry()], factor: '', points: '', period: 'week', enabled: false, categories: [] };
}

/** '7', '12.5', '12,5', '7 %', '1.5×' → the number; anything else → NaN. */
export function readDecimal(text: string): number {
	const t = text.trim().replace(/\s*[%×x]$/i, '').replace(',', '.');
	return /^-?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : NaN;
}

/** A whole number as typed, group separators allowed ('1,000', '1 000'); anything else NaN. */
export function readWhole(text: string): number {
	const t = text.trim().replace(/[\s\u00a0\u202f,']/g, '');
	return /^-?\d+$/.test(t) ? Number(t) : NaN;
}

const num = (n: number) => (Number.isFinite(n) ? String(n) : '');

/** The form for editing a stored benefit. */
export function toForm(b: BenefitValue & { target: MembershipKey }, currency: string): BenefitForm {
	const f = emptyForm(b.target, b.kind);
	switch (b.kind) {
		case 'discount':
			return { ...f, pct: num(b.pct) };
		case 'priceBook':
			return {
				...f,
				name: b.name,
				entries: b.entries.map((e) => {
					const row = emptyEntry(e.match.kind);
					if (e.match.kind === 'item') row.itemId = e.match.itemId;
					else if (e.match.kind === 'brand') row.brand = e.match.brand;
					else row.category = e.match.category;
					row.price = e.price.kind;
					if (e.price.kind === 'pctOff') row.pct = num(e.price.pct);
					else row.amount = moneyText(e.price.amount, currency) || '0';
					return row;
				})
			};
		case 'pointsMultiplier':
			return { ...f, factor: num(b.factor) };
		case 'redemptionLimit':
			return { ...f, points: num(b.points), period: b.period };
		case 'loyalty':
			return { ...f, enabled: b.enabled };
		case 'appAccess':
			return { ...f, categories: [...b.categories] };
		case 'vip':
			return f;
	}
}

function entryOf(e: EntryForm, i: number, currency: string, errors: FieldError[]) {
	const match: PriceMatch =
		e.match === 'item' ? { kind: 'item', itemId: e.itemId } : e.match === 'brand' ? { kind: 'brand', brand: e.brand } : { kind: 'category', category: e.category };
	let price: EntryPrice;
	if (e.price === 'pctOff') price = { kind: 'pctOff', pct: readDecimal(e.pct) };
	else {
		const text = e.amount.trim();
		const amount = text === '' ? null : parseMoney(text, currency);
		if (text !== '' && amount === null) errors.push({ field: `entries.${i}.price`, code: 'money-unreadable', params: { value: text } });
		price = { kind: e.price, amount: amount ?? NaN };
	}
	return { match, price };
}

/**
 * The draft to check and save, plus the errors only the text can show (money that cannot be
 * read). Values of other kinds are left out, so switching kind never saves stale fields.
 */
export function fromForm(f: BenefitForm, currency: string): { draft: BenefitDraft; errors: FieldError[] } {
	const errors: FieldError[] = [];
	const target = f.target;
	let value: BenefitValue;
	switch (f.kind) {
		case 'discount':
			value = { kind: 'discount', pct: readDecimal(f.pct) };
			break;
		case 'priceBook':
			value = { kind: 'priceBook', name: f.name.trim(), entries: f.entries.map((e, i) => entryOf(e, i, currency, errors)) };
			break;
		case 'pointsMultiplier':
			value = { kind: 'pointsMultiplier', factor: readDecimal(f.factor) };
			break;
		case 'redemptionLimit':
			value = { kind: 'redemptionLimit', points: readWhole(f.points), period: f.period };
			break;
		case 'loyalty':
			value = { kind: 'loyalty', enabled: f.enabled };
			break;
		case 'appAccess':
			value = { kind: 'appAccess', categories: [...f.categories] };
			break;
		case 'vip':
			value = { kind: 'vip' };
			break;
	}
	return { draft: { ...value, target }, errors };
}

/**
 * The errors to show: the form's own (unreadable text) first, then the check's, one message per
 * field (an amount that cannot be read is not also "enter an amount").
 */
export function mergeErrors(own: readonly FieldError[], checked: readonly FieldError[]): FieldError[] {
	const fields = new Set(own.map((e) => e.field));
	return [...own, ...checked.filter((e) => !fields.has(e.field))];
}

/** Errors on `field` and below it ('entries' → 'entries.3.price' too when `deep`). */
export function errorsOn(errors: readonly FieldError[], field: string, deep = false): FieldError[] {
	return errors.filter((e) => e.field === field || (deep && e.field.startsWith(field + '.')));
}

/** Errors the editor has no field for (shown at the top so nothing is silently refused). */
export function unplacedErrors(errors: readonly FieldError[], f: BenefitForm): FieldError[] {
	const placed = (field: string) => {
		if (field === 'target' || field === 'kind') return true;
		switch (f.kind) {
			case 'discount':
				return field === 'pct';
			case 'priceBook':
				return field === 'name' || field === 'entries' || /^entries\.\d+\.(match|price)$/.test(field) || /^entries\.\d+$/.test(field);
			case 'pointsMultiplier':
				return field === 'factor';
			case 'redemptionLimit':
				return field === 'points' || field === 'period';
			case 'appAccess':
				return field === 'categories' || /^categories\.\d+$/.test(field);
			default:
				return false;
		}
	};
	return errors.filter((e) => !placed(e.field));
}
