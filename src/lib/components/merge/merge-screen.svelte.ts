// The merge screen's state: the two customers (which one is kept can be swapped), the owner's
// choice per field, the combined result previewed, refusals and the merge itself.
import type { Customer } from '$lib/domain/customer';
import { defaultChoices, mergedDraft, type MergeChoiceField, type MergeChoices, type MergeSide } from '$lib/domain/merge';
import { messageFor, type FieldError } from '$lib/domain/errors';
import { shop } from '$lib/state/shop.svelte';
import { describeError } from '$lib/state/errors';

export class MergeScreenState {
	loading = $state(true);
	kept = $state.raw<Customer | null>(null);
	other = $state.raw<Customer | null>(null);
	choices = $state<MergeChoices | null>(null);
	/** Refusals (self, merged away, deleted): the screen shows them instead of the form. */
	refusals = $state.raw<string[]>([]);
	/** Where a refused customer was merged into, to offer a link there. */
	survivorLinks = $state.raw<{ id: string; name: string }[]>([]);
	saving = $state(false);
	error = $state<string | null>(null);

	preview = $derived(this.kept && this.other && this.choices ? mergedDraft(this.kept, this.other, this.choices) : null);

	async load(keepId: string, otherId: string): Promise<void> {
		this.loading = true;
		this.refusals = [];
		this.survivorLinks = [];
		try {
			const merges = await shop.loadMerges();
			const errors = await merges.check(keepId, otherId);
			if (errors.length) {
				this.#refuse(errors);
				return;
			}
			const [k, o] = await Promise.all([shop.customers.get(keepId), shop.customers.get(otherId)]);
			if (!k || !o) return this.#refuse([{ field: 'other', code: 'merge-customer-gone' }]);
			this.kept = k;
			this.other = o;
			this.choices = defaultChoices(k, o);
		} catch (err) {
			this.error = describeError(err);
		} finally {
			this.loading = false;
		}
	}

	/** Keep the other record instead: the choices follow the values, not the sides. */
	swap(): void {
		if (!this.kept || !this.other || !this.choices) return;
		const flipped = Object.fromEntries(Object.entries(this.choices).map(([f, s]) => [f, s === 'kept' ? 'other' : 'kept'])) as MergeChoices;
		[this.kept, this.other] = [this.other, this.kept];
		this.choices = flipped;
	}

	choose(field: MergeChoiceField, side: MergeSide): void {
		if (this.choices) this.choices = { ...this.choices, [field]: side };
	}

	/** Merges; resolves with the kept id on success. */
	async merge(): Promise<string | null> {
		if (!this.kept || !this.other || !this.choices) return null;
		this.saving = true;
		this.error = null;
		try {
			const r = await (await shop.loadMerges()).merge(this.kept.id, this.other.id, this.choices);
			if (r.ok) return r.keptId;
			this.#refuse(r.errors);
			return null;
		} catch (err) {
			this.error = describeError(err);
			return null;
		} finally {
			this.saving = false;
		}
	}

	#refuse(errors: FieldError[]): void {
		this.refusals = errors.map(messageFor);
		this.survivorLinks = errors.filter((e) => e.params?.intoId).map((e) => ({ id: e.params!.intoId, name: e.params!.intoName || 'the customer it was merged into' }));
	}
}
