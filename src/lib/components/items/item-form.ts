// What the item form edits (amounts as typed) and how it becomes an item to validate.
// Money stays text until saving: '12,50' or '£12.50' are read by parseMoney in the shop's currency.
import type { FieldError } from '$lib/domain/errors';
import { formatMoney, minorPerUnit, parseMoney, type ItemDraft } from '$lib/domain/sales/items';
import type { Item, RedeemMode } from '$lib/domain/sales/types';

export interface ItemFormState {
	sku: string;
	barcode: string;
	name: string;
	brand: string;
	category: string;
	variant: string;
	price: string;
	cost: string;
	redeem: RedeemMode;
	pointsPrice: string;
	active: boolean;
}

export const REDEEM_LABELS: Record<RedeemMode, string> = {
	none: 'No',
	partial: 'Partly',
	full: 'Wholly'
};

/** The amount as a person types it: '12.50', no symbol or grouping. */
export function moneyText(minor: number, currency: string): string {
	if (!minor) return '';
	const per = minorPerUnit(currency);
	const digits = Math.round(Math.log10(per));
	return (minor / per).toFixed(digits);
}

export function toFormState(item: Item | undefined, currency: string): ItemFormState {
	return {
		sku: item?.sku ?? '',
		barcode: item?.barcode ?? '',
		name: item?.name ?? '',
		brand: item?.brand ?? '',
		category: item?.category ?? '',
		variant: item?.variant ?? '',
		price: item ? moneyText(item.price, currency) : '',
		cost: item ? moneyText(item.cost, currency) : '',
		redeem: item?.redeem ?? 'none',
		pointsPrice: item?.pointsPrice ? String(item.pointsPrice) : '',
		active: item?.active ?? true
	};
}

/** The draft to validate, plus the errors only the text can show (an amount that cannot be read). */
export function fromFormState(f: ItemFormState, currency: string, id?: string): { draft: ItemDraft; errors: FieldError[] } {
	const errors: FieldError[] = [];
	const money = (field: 'price' | 'cost', text: string): number => {
		if (text.trim() === '') return 0;
		const n = parseMoney(text, currency);
		if (n === null) errors.push({ field, code: 'money-unreadable', params: { value: text.trim() } });
		return n ?? NaN;
	};
	const pointsText = f.pointsPrice.trim();
	let pointsPrice = 0;
	if (f.redeem !== 'none' && pointsText !== '') {
		pointsPrice = /^\d+$/.test(pointsText) ? Number(pointsText) : NaN;
		if (Number.isNaN(pointsPrice)) errors.push({ field: 'pointsPrice', code: 'points-invalid' });
	}
	const draft: ItemDraft = {
		...(id ? { id } : {}),
		sku: f.sku,
		barcode: f.barcode,
		name: f.name,
		brand: f.brand,
		category: f.category,
		variant: f.variant,
		price: money('price', f.price),
		cost: money('cost', f.cost),
		redeem: f.redeem,
		pointsPrice: Number.isNaN(pointsPrice) ? 0 : pointsPrice,
		active: f.active
	};
	return { draft, errors };
}

/** A validation error on a field already reported as unreadable says less: keep the first. */
export function mergeErrors(first: FieldError[], more: FieldError[]): FieldError[] {
	const seen = new Set(first.map((e) => e.field));
	return [...first, ...more.filter((e) => !seen.has(e.field))];
}

export function priceLabel(item: Pick<Item, 'price'>, currency: string): string {
	return formatMoney(item.price, currency);
}

/** Who holds each SKU and barcode already, for validateItem and prepareItemImport. */
export function catalogueContext(items: readonly Item[]): {
	existingSkus: Map<string, { id: string; name: string }>;
	existingBarcodes: Map<string, { id: string; name: string }>;
} {
	const existingSkus = new Map<string, { id: string; name: string }>();
	const existingBarcodes = new Map<string, { id: string; name: string }>();
	for (const it of items) {
		existingSkus.set(it.sku.trim().toUpperCase(), { id: it.id, name: it.name });
		if (it.barcode) existingBarcodes.set(it.barcode, { id: it.id, name: it.name });
	}
	return { existingSkus, existingBarcodes };
}
