// How sales, items and point adjustments live in Yjs.
//
// sales-YYYY-MM, Y.Map 'sales':  '<saleId>'           → the finalised Sale (immutable, one JSON value)
//                                '<saleId>/customer'  → { customerId, at, by }: "track a sale", set once
// items,         Y.Map 'items':  '<itemId>'           → the Item (last writer wins per item)
// points,        Y.Map 'adjustments': '<adjId>'       → a PointAdjustment (immutable)
//
// Sales are keyed by a random id, so a sale re-sent by an offline tablet is the same key with the
// same value: it can never be counted twice, and never lost.
import * as Y from 'yjs';
import type { Item, PointAdjustment, Sale } from '$lib/domain/sales/types';

export const SALES_MAP = 'sales';
export const ITEMS_MAP = 'items';
export const ADJUSTMENTS_MAP = 'adjustments';

export interface TrackedCustomer {
	customerId: string;
	at: string;
	by: string;
}

export const salesMap = (doc: Y.Doc) => doc.getMap<Sale | TrackedCustomer>(SALES_MAP);
export const itemsMap = (doc: Y.Doc) => doc.getMap<Item>(ITEMS_MAP);
export const adjustmentsMap = (doc: Y.Doc) => doc.getMap<PointAdjustment>(ADJUSTMENTS_MAP);

export function saleIdOfKey(key: string): string {
	const slash = key.indexOf('/');
	return slash === -1 ? key : key.slice(0, slash);
}

/** The sale as every tablet sees it: the record plus the customer it was tracked to later, if any. */
export function readSale(map: Y.Map<Sale | TrackedCustomer>, id: string): Sale | undefined {
	const sale = map.get(id) as Sale | undefined;
	if (!sale) return undefined;
	if (sale.customerId) return sale;
	const tracked = map.get(`${id}/customer`) as TrackedCustomer | undefined;
	return tracked ? { ...sale, customerId: tracked.customerId } : sale;
}

export function writeSale(map: Y.Map<Sale | TrackedCustomer>, sale: Sale): void {
	// Re-writing an existing sale would only create a new Yjs item with the same value: skip it.
	if (!map.has(sale.id)) map.set(sale.id, sale);
}

export function trackSale(map: Y.Map<Sale | TrackedCustomer>, saleId: string, t: TrackedCustomer): boolean {
	const sale = map.get(saleId) as Sale | undefined;
	if (!sale || sale.customerId || map.has(`${saleId}/customer`)) return false;
	map.set(`${saleId}/customer`, t);
	return true;
}
