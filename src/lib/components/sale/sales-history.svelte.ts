// The latest sales of the shop with their customers' names, kept live, searchable by receipt number.
import { liveQuery } from 'dexie';
import { fullName } from '$lib/domain/customer';
import type { Sale } from '$lib/domain/sales/types';
import { shop } from '$lib/state/shop.svelte';
import { describeError } from '$lib/state/errors';

export const HISTORY_LIMIT = 200;

export class SalesHistory {
	loaded = $state(false);
	sales = $state<Sale[]>([]);
	names = $state<Record<string, string>>({});
	query = $state('');
	/** A sale found by its exact receipt number beyond the latest ones. */
	#older = $state<Sale | undefined>(undefined);

	readonly shown: Sale[] = $derived.by(() => {
		const q = this.query.trim().toUpperCase();
		if (!q) return this.sales;
		const hits = this.sales.filter((s) => s.receiptNo.includes(q));
		return this.#older && !hits.some((s) => s.id === this.#older!.id) ? [this.#older, ...hits] : hits;
	});

	start(): () => void {
		const sub = liveQuery(async () => {
			const sales = await shop.sales.recent(HISTORY_LIMIT);
			const ids = [...new Set(sales.map((s) => s.customerId).filter((id): id is string => !!id))];
			const customers = await Promise.all(ids.map((id) => shop.customers.get(id)));
			const names: Record<string, string> = {};
			customers.forEach((c, i) => (names[ids[i]] = c ? fullName(c) || 'Unnamed customer' : 'Customer not on this tablet'));
			return { sales, names };
		}).subscribe({
			next: (r) => {
				this.sales = r.sales;
				this.names = r.names;
				this.loaded = true;
			},
			error: (err) => (shop.error = describeError(err))
		});
		return () => sub.unsubscribe();
	}

	/** Looks the typed receipt number up in full, for sales older than the list. */
	async lookUp(): Promise<void> {
		const q = this.query.trim();
		this.#older = q ? await shop.sales.byReceiptNo(q) : undefined;
	}
}
