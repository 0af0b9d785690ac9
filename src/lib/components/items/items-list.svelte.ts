// The catalogue as the Items screen shows it: every item, live (an import or an edit on another
// tablet shows at once), narrowed in memory by what is typed. Catalogues are thousands of items,
// not hundreds of thousands: filtering them per keystroke is plain JavaScript.
import { liveQuery } from 'dexie';
import type { Item } from '$lib/domain/sales/types';
import { fold } from '$lib/domain/text';
import { shop } from '$lib/state/shop.svelte';
import { describeError } from '$lib/state/errors';

export class ItemListState {
	query = $state('');
	loaded = $state(false);
	#all = $state.raw<Item[]>([]);

	readonly total: number = $derived(this.#all.length);
	readonly rows: Item[] = $derived.by(() => {
		const words = fold(this.query).split(' ').filter(Boolean);
		if (words.length === 0) return this.#all;
		return this.#all.filter((it) => {
			const hay = fold(`${it.sku} ${it.barcode} ${it.name} ${it.brand} ${it.category} ${it.variant}`);
			return words.every((w) => hay.includes(w));
		});
	});

	/** Begins following the catalogue; returns stop. */
	start(): () => void {
		const sub = liveQuery(() => shop.items.all()).subscribe({
			next: (items) => {
				this.#all = items;
				this.loaded = true;
			},
			error: (err) => {
				shop.error = describeError(err);
			}
		});
		return () => sub.unsubscribe();
	}
}
