// The "Possible duplicates" view's state: the pairs found by the derive worker (off the main
// thread), the two customers of each pair shown, and what staff do with a pair.
import type { Customer } from '$lib/domain/customer';
import type { DuplicatePair, DuplicateReason } from '$lib/domain/duplicates';
import { shop } from '$lib/state/shop.svelte';
import { describeError } from '$lib/state/errors';

/** Pairs shown at once; "Show more" adds as many again. */
export const PAGE = 50;

export const REASON_LABELS: Record<DuplicateReason, string> = {
	card: 'Same card',
	email: 'Same email',
	phone: 'Same phone',
	'name-postcode': 'Similar name, same postcode',
	'name-birthdate': 'Similar name, same birth date'
};

export interface ShownPair extends DuplicatePair {
	left: Customer;
	right: Customer;
}

export class DuplicatesState {
	loading = $state(true);
	error = $state<string | null>(null);
	/** Every pair found, strongest first. */
	#pairs: DuplicatePair[] = [];
	total = $state(0);
	shown = $state.raw<ShownPair[]>([]);
	#limit = PAGE;
	/** Milliseconds the worker took (shown small, for the curious owner of a big shop). */
	took = $state(0);

	async load(): Promise<void> {
		this.loading = true;
		this.error = null;
		try {
			const scan = await shop.derive.duplicates();
			this.#pairs = scan.pairs;
			this.took = scan.readMs + scan.compareMs;
			await this.#fill();
		} catch (err) {
			this.error = describeError(err);
		} finally {
			this.loading = false;
		}
	}

	async more(): Promise<void> {
		this.#limit += PAGE;
		await this.#fill();
	}

	async dismiss(p: DuplicatePair): Promise<void> {
		try {
			await (await shop.loadMerges()).dismiss(p.a, p.b);
			this.#pairs = this.#pairs.filter((x) => x !== p && !(x.a === p.a && x.b === p.b));
			await this.#fill();
		} catch (err) {
			this.error = describeError(err);
		}
	}

	/** The first pairs still open (a merge or dismissal elsewhere meanwhile drops them), with both customers. */
	async #fill(): Promise<void> {
		const merges = await shop.loadMerges();
		this.#pairs = await merges.stillOpen(this.#pairs);
		this.total = this.#pairs.length;
		const page = this.#pairs.slice(0, this.#limit);
		const ids = [...new Set(page.flatMap((p) => [p.a, p.b]))];
		const found = await Promise.all(ids.map((id) => shop.customers.get(id)));
		const byId = new Map(found.filter((c): c is Customer => !!c).map((c) => [c.id, c]));
		this.shown = page.flatMap((p) => {
			const left = byId.get(p.a);
			const right = byId.get(p.b);
			return left && right ? [{ ...p, left, right }] : [];
		});
	}
}
