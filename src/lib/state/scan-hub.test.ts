import { describe, expect, it } from 'vitest';
import { ScanHub } from './scan.svelte';
import type { ScanOutcome } from './scan';

describe('ScanHub', () => {
	it('asks the newest screen handler first and the app-wide fallback last, whatever the mount order', async () => {
		const hub = new ScanHub(() => ({ findByCard: async () => undefined }));
		const seen: string[] = [];
		hub.fallback(() => (seen.push('fallback'), true));
		const stopTill = hub.use((o: ScanOutcome) => (seen.push(`till:${o.kind}`), o.kind === 'item'));
		await hub.handle('2900000000075', 'scanner');
		expect(seen).toEqual(['till:unknown-card', 'fallback']);

		seen.length = 0;
		hub.itemLookups = async () => ({ id: 'i1', name: 'Mug' }) as never;
		await hub.handle('5012345678900', 'camera');
		expect(seen).toEqual(['till:item']);

		seen.length = 0;
		stopTill();
		await hub.handle('5012345678900', 'camera');
		expect(seen).toEqual(['fallback']);
	});

	it('does nothing before the shop is open', async () => {
		const hub = new ScanHub(() => null);
		let called = false;
		hub.fallback(() => (called = true));
		expect(await hub.handle('2900000000075', 'scanner')).toBeNull();
		expect(called).toBe(false);
	});
});
