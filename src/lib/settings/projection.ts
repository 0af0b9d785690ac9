// The settings projection: the replicated settings map → one kv row the app reads.
import * as Y from 'yjs';
import type { Projection } from '$lib/store/docstore';
import type { ShopDB } from '$lib/store/schema';
import { SETTINGS_DOC } from '$lib/store/docnames';
import { SETTINGS_MAP, readSettings } from './yjs';

export const SETTINGS_KEY = 'settings';

export const settingsProjection: Projection = {
	kind: 'settings',
	tables: ['kv'],
	matches: (name) => name === SETTINGS_DOC,
	observe(doc, dirty) {
		doc.getMap(SETTINGS_MAP).observe((event) => dirty(SETTINGS_KEY, event.transaction.origin));
	},
	async apply(db: ShopDB, doc: Y.Doc) {
		await db.kv.put({ key: SETTINGS_KEY, value: readSettings(doc) });
	}
};

