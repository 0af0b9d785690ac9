// One receipt with what surrounds it (refunds made against it, its customer), kept live: a
// refund or a "track" on another tablet shows here at once.
import { liveQuery } from 'dexie';
import type { Customer } from '$lib/domain/customer';
import type { Sale } from '$lib/domain/sales/types';
import { refundableLines } from '$lib/domain/sales/refund';
import { shop } from '$lib/state/shop.svelte';
import { describeError } from '$lib/state/errors';
import { recorded } from '$lib/state/recorded';

interface Snapshot {
	sale: Sale | undefined;
	refunds: Sale[];
	customer: Customer | undefined;
	balance: number | null;
}

export class ReceiptView {
	loaded = $state(false);
	sale = $state<Sale | undefined>(undefined);
	refunds = $state<Sale[]>([]);
	customer = $state<Customer | null>(null);
	balance = $state<number | null>(null);

	readonly refundable: number[] = $derived(this.sale ? refundableLines(this.sale, this.refunds) : []);
	/** The sale names a customer this tablet does not hold. */
	readonly customerMissing = $derived(!!this.sale?.customerId && !this.customer);

	/** Follows sale `id`; returns the unsubscribe. */
	follow(id: string): () => void {
		// The sale this till has just recorded shows at once; the query below then keeps it live.
		const mine = recorded(id);
		this.sale = mine?.sale;
		this.refunds = [];
		this.customer = mine?.customer ?? null;
		this.balance = null;
		this.loaded = !!mine;
		const sub = liveQuery(async (): Promise<Snapshot> => {
			const sale = await shop.sales.get(id);
			const refunds = sale ? await shop.sales.refundsOf(id) : [];
			const customer = sale?.customerId ? await shop.customers.get(sale.customerId) : undefined;
			const stats = sale?.customerId ? await shop.sales.stats(sale.customerId) : undefined;
			return { sale, refunds, customer, balance: stats ? stats.pointsBalance : customer ? 0 : null };
		}).subscribe({
			next: (s) => {
				this.sale = s.sale;
				this.refunds = s.refunds.sort((a, b) => (a.at < b.at ? -1 : 1));
				this.customer = s.customer ?? null;
				this.balance = s.balance;
				this.loaded = true;
			},
			error: (err) => {
				shop.error = describeError(err);
			}
		});
		return () => sub.unsubscribe();
	}
}
