// Projection of the campaign export log: the 'campaigns' document → the campaigns table (copies only).
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { ShopDB } from '$lib/store/schema';
import { readCampaignRecord, type CampaignRecord } from '$lib/domain/reports/campaign';
import { CAMPAIGNS_DOC, campaignsMap } from './yjs';

export const campaignsProjection: Projection = {
	kind: 'campaigns',
	tables: ['campaigns'],
	matches: (name) => name === CAMPAIGNS_DOC,
	observe(doc, dirty) {
		campaignsMap(doc).observe((event) => {
			for (const key of event.keysChanged) dirty(key, event.transaction.origin);
		});
	},
	async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
		const map = campaignsMap(doc);
		// A record from a newer version of the app is left out of the list until this tablet updates.
		const rows = [...ids].map((id) => readCampaignRecord(map.get(id))).filter((r): r is CampaignRecord => !!r);
		// put(): records are immutable; re-putting the same one changes nothing.
		if (rows.length) await db.campaigns.bulkPut(rows);
	}
};
