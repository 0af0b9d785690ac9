// A customer's consent history and erasure, kept live for the profile, and the personal-data export.
import { liveQuery } from 'dexie';
import type { ConsentEvent } from '$lib/domain/privacy/consent';
import { assemblePersonalData, exportFileName } from '$lib/domain/privacy/export';
import { stripDerived } from '$lib/customers/service';
import type { ErasureRow } from '$lib/store/schema';
import { shop } from '$lib/state/shop.svelte';
import { keyNames } from '$lib/state/groups.svelte';
import { describeError } from '$lib/state/errors';
import { downloadText } from '$lib/components/ui/download';

export class CustomerPrivacy {
	history = $state.raw<ConsentEvent[]>([]);
	erasure = $state.raw<ErasureRow | null>(null);
	loaded = $state(false);

	/** Follows customer `id`; returns the unsubscribe (for $effect). */
	follow(id: string): () => void {
		this.loaded = false;
		const sub = liveQuery(() => Promise.all([shop.customers.consentHistory(id), shop.erasures.erasureOf(id)])).subscribe({
			next: ([history, erasure]) => {
				this.history = history;
				this.erasure = erasure ?? null;
				this.loaded = true;
			},
			error: (err) => (shop.error = describeError(err))
		});
		return () => sub.unsubscribe();
	}
}

/** Calls back with the erasure log (newest first) now and after every change; returns the unsubscribe. */
export function followErasureLog(cb: (rows: ErasureRow[]) => void): () => void {
	const sub = liveQuery(() => shop.erasures.log()).subscribe({ next: cb, error: (err) => (shop.error = describeError(err)) });
	return () => sub.unsubscribe();
}

/** Gathers everything held about the customer and downloads it as one JSON file. */
export async function exportPersonalData(id: string): Promise<void> {
	const customer = await shop.customers.get(id);
	if (!customer) throw new Error('This customer no longer exists.');
	const [consentHistory, sales, adjustments, stats, groups, membershipHistory, records, opening, merged] = await Promise.all([
		shop.customers.consentHistory(id),
		shop.sales.ofCustomer(id),
		shop.sales.adjustmentsOf(id),
		shop.sales.stats(id),
		shop.groups.groupsOf(id),
		shop.groups.history(id),
		shop.groups.list(),
		shop.db.openingBalances.get(id),
		shop.loadMerges().then((m) => m.mergedInto(id))
	]);
	const exportedAt = new Date().toISOString();
	const data = assemblePersonalData({
		customer,
		consentHistory,
		sales,
		adjustments,
		stats: stats ?? null,
		groups: groups.map((g) => ({ key: g.key, name: g.name, levelName: g.levelName, since: g.since, manual: g.type === 'manual' })),
		membershipHistory,
		groupNames: keyNames(records),
		shop: { name: shop.settings.shopName, timeZone: shop.settings.timeZone, currency: shop.settings.currency, stores: shop.settings.stores },
		exportedAt,
		exportedBy: shop.device.name,
		opening: opening ?? null,
		mergedFrom: merged.map((m) => ({ customer: stripDerived(m.record), mergedAt: m.at, mergedBy: m.by }))
	});
	downloadText(exportFileName(id, exportedAt), JSON.stringify(data, null, 2), 'application/json;charset=utf-8');
}
