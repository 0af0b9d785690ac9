// What this till has just recorded, kept in memory for the receipt shown after "Paid".
import type { Customer } from '$lib/domain/customer';
import type { Sale } from '$lib/domain/sales/types';

/**
 * The sales this till has just recorded, with their customer: the receipt shown after "Paid"
 * starts from them instead of reading back what was just written (IndexedDB reads queue behind
 * any long write, such as an import's, and the cashier would watch "Opening receipt…").
 */
const justRecorded = new Map<string, { sale: Sale; customer: Customer | null }>();
const JUST_RECORDED = 8;

export function rememberRecorded(sale: Sale, customer: Customer | null): void {
	justRecorded.delete(sale.id);
	justRecorded.set(sale.id, { sale, customer });
	while (justRecorded.size > JUST_RECORDED) justRecorded.delete(justRecorded.keys().next().value!);
}

/** What the till recorded as sale `id`, if it was this till and recently. */
export function recorded(id: string): { sale: Sale; customer: Customer | null } | undefined {
	return justRecorded.get(id);
}
