import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '$lib/domain/settings';
import { readSettings, writeSettings } from './yjs';

describe('writeSettings', () => {
	it('writes valid settings and refuses invalid ones, changing nothing', () => {
		const doc = new Y.Doc();
		writeSettings(doc, { shopName: 'Corner Deli', currency: 'EUR' });
		expect(readSettings(doc)).toMatchObject({ shopName: 'Corner Deli', currency: 'EUR' });
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		expect(() => writeSettings(doc, { shopName: 'Other', loyalty: { ...DEFAULT_SETTINGS.loyalty, pointsPerUnit: -1 } })).toThrow(
			/Settings not saved/
		);
		expect(() => writeSettings(doc, { stores: [] })).toThrow(/Keep at least one store/);
		expect(updates).toEqual([]);
		expect(readSettings(doc).shopName).toBe('Corner Deli');
	});
});
