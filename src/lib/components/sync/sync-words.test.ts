import { describe, expect, it } from 'vitest';
import { pendingLabel, syncedLabel } from './sync-words';

describe('sync words', () => {
	const now = Date.UTC(2026, 2, 10, 12, 0, 0);
	it('counts changes not sent', () => {
		expect(pendingLabel(0)).toBe('All changes sent');
		expect(pendingLabel(1)).toBe('1 change not sent');
		expect(pendingLabel(3)).toBe('3 changes not sent');
	});
	it('says when the tablet last synced, relative to now', () => {
		expect(syncedLabel(null, now)).toBe('Never synced');
		expect(syncedLabel(now - 20_000, now)).toBe('Synced just now');
		expect(syncedLabel(now - 2 * 60_000 - 5, now)).toBe('Synced 2 min ago');
		expect(syncedLabel(now - 3 * 3600_000, now)).toBe('Synced 3 h ago');
		expect(syncedLabel(now - 26 * 3600_000, now)).toBe('Synced yesterday');
		expect(syncedLabel(now + 5000, now)).toBe('Synced just now');
	});
});
