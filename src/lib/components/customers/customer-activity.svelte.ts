// A customer's sales, point adjustments and statistics, kept live: a sale recorded on another
// tablet (or a refund, a "track", an adjustment) shows on their profile as soon as it syncs.
import { liveQuery } from 'dexie';
import type { PointAdjustment, Sale } from '$lib/domain/sales/types';
import type { CustomerStats } from '$lib/domain/sales/stats';
import { shop } from '$lib/state/shop.svelte';
import { describeError } from '$lib/state/errors';
import { formatDateTime } from '$lib/domain/dates';
import type { OpeningBalance } from '$lib/domain/opening';
import { ledgerOf, type LedgerEntry } from '$lib/domain/sales/ledger';

export type { LedgerEntry };

export class CustomerActivity {
	loaded = $state(false);
	sales = $state.raw<Sale[]>([]);
	adjustments = $state.raw<PointAdjustment[]>([]);
	stats = $state.raw<CustomerStats | null>(null);
	/** What an import brought from the previous system (spend, orders, points), if anything. */
	opening = $state.raw<OpeningBalance | null>(null);

	readonly ledger: LedgerEntry[] = $derived(ledgerOf(this.sales, this.adjustments, this.opening));
	readonly balance: number = $derived(this.stats?.pointsBalance ?? 0);

	/** Follows customer `id`; returns the unsubscribe. */
	follow(id: string): () => void {
		this.loaded = false;
		let history = false;
		let figures = false;
		const error = (err: unknown) => {
			shop.error = describeError(err);
		};
		// Two live queries: the statistics arrive from the derive worker a moment after the sale
		// itself, and a one-row read shows them at once instead of reading the whole history again.
		const historySub = liveQuery(() => Promise.all([shop.sales.ofCustomer(id), shop.sales.adjustmentsOf(id)])).subscribe({
			next: ([sales, adjustments]) => {
				this.sales = sales;
				this.adjustments = adjustments;
				history = true;
				this.loaded = history && figures;
			},
			error
		});
		const statsSub = liveQuery(() => shop.sales.stats(id)).subscribe({
			next: (stats) => {
				this.stats = stats ?? null;
				figures = true;
				this.loaded = history && figures;
			},
			error
		});
		const openingSub = liveQuery(() => shop.db.openingBalances.get(id)).subscribe({
			next: (o) => (this.opening = o ?? null),
			error
		});
		return () => {
			historySub.unsubscribe();
			statsSub.unsubscribe();
			openingSub.unsubscribe();
		};
	}
}

/** An ISO instant as date and time in the shop's zone: '21 Mar 2026, 14:05'. */
export function formatInstant(iso: string, timeZone: string): string {
	return Number.isNaN(Date.parse(iso)) ? iso : formatDateTime(iso, timeZone);
}

/** '+120' / '−40' / '0': the sign always shown, a real minus sign. */
export function signedPoints(n: number): string {
	if (n > 0) return `+${n.toLocaleString('en-GB')}`;
	if (n < 0) return `−${Math.abs(n).toLocaleString('en-GB')}`;
	return '0';
}
