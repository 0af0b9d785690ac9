// Documents whose log on the relay must be rewritten (after an erasure): a small kv row both the
// erasure code and the sync engine read, so a request made offline or before a closed tab is
// carried out whenever the engine next reaches the relay. The engine asks only once the doc's
// outbox is empty, i.e. once the relay holds the deletions, or the compaction would keep the data.
import type { ShopDB } from '$lib/store/schema';

export const RELAY_COMPACTION_KEY = 'sync.compactRelay';
/** Change kind announced (DocStore.announce) after a request, so a running sync engine acts on it at once. */
export const RELAY_COMPACTION_KIND = 'relay:compact';

export async function requestRelayCompaction(db: ShopDB, docs: string[]): Promise<void> {
	if (docs.length === 0) return;
	await db.transaction('rw', db.kv, async () => {
		const current = await pendingRelayCompactions(db);
		// put(): the list is one small row replaced whole, inside this transaction.
		await db.kv.put({ key: RELAY_COMPACTION_KEY, value: [...new Set([...current, ...docs])] });
	});
}

export async function pendingRelayCompactions(db: ShopDB): Promise<string[]> {
	return ((await db.kv.get(RELAY_COMPACTION_KEY))?.value as string[] | undefined) ?? [];
}

export async function relayCompactionDone(db: ShopDB, doc: string): Promise<void> {
	await db.transaction('rw', db.kv, async () => {
		const left = (await pendingRelayCompactions(db)).filter((d) => d !== doc);
		await db.kv.put({ key: RELAY_COMPACTION_KEY, value: left });
	});
}
