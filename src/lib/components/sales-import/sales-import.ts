// What the sales import wizard needs besides the import worker's check: the context read from
// this tablet's data, the preview's counts, and the two lists as downloadable CSV.
import { toCsv } from '$lib/domain/csv-write';
import { fullName } from '$lib/domain/customer';
import { formatPhone } from '$lib/domain/phone';
import { skuKey } from '$lib/domain/sales/items';
import type { CustomerKey, UnmatchedCustomer } from '$lib/domain/sales/sales-csv';
import type { Sale } from '$lib/domain/sales/types';
import type { Store } from '$lib/domain/settings';
import type { SalesCheck, SalesCheckContext } from '$lib/imports/api';
import type { ShopState } from '$lib/state/shop.svelte';

/**
 * The shop as it is on this tablet now: receipts already in, the catalogue, the settings. The
 * import worker matches the customers itself (one key scan of the search index, off the page).
 */
export async function salesImportContext(shop: ShopState): Promise<SalesCheckContext> {
	const [existingReceiptNos, items] = await Promise.all([shop.sales.receiptNumbers(), shop.items.all()]);
	const { defaultCountry, timeZone, currency } = shop.settings;
	// A plain copy: the settings are a reactive proxy, which cannot be posted to the worker.
	const stores: Store[] = JSON.parse(JSON.stringify(shop.settings.stores));
	return {
		existingReceiptNos,
		itemsBySku: new Map(items.map((i) => [skuKey(i.sku), i])),
		defaultCountry,
		timeZone,
		stores,
		currency,
		// A file without a store column is most likely this tablet's own store's history.
		defaultStoreId: stores.some((s) => s.id === shop.device.storeId) ? shop.device.storeId : undefined,
		// No loyalty rules: points come only from the file's own column. The old till's points
		// balance is not ours to recompute, and earning on years of history would inflate it.
		loyalty: undefined
	};
}

/** Sales listed in the preview; the rest are only counted. */
export const PREVIEW_SALES = 50;

/** customerId → name, for the customers the first sales of the preview matched. */
export async function customerNames(shop: ShopState, sales: Sale[]): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	const ids = sales.slice(0, PREVIEW_SALES).flatMap((s) => (s.customerId ? [s.customerId] : []));
	for (const id of new Set(ids)) {
		const c = await shop.customers.get(id);
		if (c) out[id] = fullName(c) || c.email || 'Customer';
	}
	return out;
}

export interface SalesImportSummary {
	sales: number;
	/** Rows (sale lines) in the sales that will be imported. */
	lines: number;
	/** Non-empty rows of the file that will not be imported. */
	leftOut: number;
	unmatched: number;
}

export function summarise(prepared: SalesCheck): SalesImportSummary {
	let lines = 0;
	for (const s of prepared.sales) lines += s.lines.length;
	return { sales: prepared.sales.length, lines, leftOut: prepared.rows - lines, unmatched: prepared.unmatched.length };
}

/** The phone as the shop writes it, when the file's number could be read; else as in the file. */
export function keyParts(key: CustomerKey, defaultCountry: string): { card: string; email: string; phone: string } {
	const phone = key.phone ? (key.phone.startsWith('+') ? formatPhone(key.phone, defaultCountry) : key.phone) : '';
	return { card: key.card ?? '', email: key.email ?? '', phone };
}

export function unmatchedCsv(unmatched: UnmatchedCustomer[], defaultCountry: string): string {
	const rows = unmatched.map((u) => {
		const k = keyParts(u.key, defaultCountry);
		return [String(u.rowNumber), u.receiptNo, k.card, k.email, k.phone];
	});
	return toCsv(['Row', 'Receipt number', 'Card', 'Email', 'Phone'], rows);
}
