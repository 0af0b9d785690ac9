// Shop settings in their own small document: one Y.Map, one key per setting (last writer wins per key).
import * as Y from 'yjs';
import { DEFAULT_SETTINGS, validateSettings, type ShopSettings } from '$lib/domain/settings';
import { InvalidWriteError } from '$lib/domain/errors';

export const SETTINGS_MAP = 'settings';

export function readSettings(doc: Y.Doc): ShopSettings {
	const map = doc.getMap(SETTINGS_MAP);
	const out: ShopSettings = structuredClone(DEFAULT_SETTINGS);
	for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof ShopSettings)[]) {
		if (map.has(key)) (out as unknown as Record<string, unknown>)[key] = map.get(key);
	}
	return out;
}

/** Refuses (throws) settings that do not validate: every form checks first, so this is the last guard. */
export function writeSettings(doc: Y.Doc, patch: Partial<ShopSettings>): void {
	const errors = validateSettings(patch);
	if (errors.length) throw new InvalidWriteError('Settings', errors);
	const map = doc.getMap(SETTINGS_MAP);
	for (const [key, value] of Object.entries(patch)) {
		if (!(key in DEFAULT_SETTINGS) || value === undefined) continue;
		if (JSON.stringify(map.get(key)) !== JSON.stringify(value)) map.set(key, value);
	}
}
