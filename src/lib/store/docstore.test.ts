import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { covers, endClocks } from './docstore';

describe('outbox clocks', () => {
	it('a later local edit needs the relay to hold its own clocks, not just the first edit', () => {
		const tablet = new Y.Doc();
		const updates: Uint8Array[] = [];
		tablet.on('update', (u: Uint8Array) => updates.push(u));
		const map = tablet.getMap('customers');
		map.set('c1', { firstName: 'Ava' });
		map.set('c1/email', { v: 'ava@example.com', at: 't1' });
		map.set('c1/notes', { v: 'Pays by card', at: 't2' });
		const me = tablet.clientID;
		expect(updates.map(endClocks)).toEqual([{ [me]: 1 }, { [me]: 2 }, { [me]: 3 }]);

		// The relay holds only the first edit: the two later outbox rows are NOT confirmed.
		// (Regression: endClocks returned {} for any update not starting at clock 0, so every edit
		// after a tablet's first was confirmed and announced before it reached the relay.)
		const relay = new Y.Doc();
		Y.applyUpdate(relay, updates[0]);
		const sv = Y.decodeStateVector(Y.encodeStateVector(relay));
		expect(updates.map((u) => covers(sv, endClocks(u)))).toEqual([true, false, false]);

		Y.applyUpdate(relay, updates[1]);
		Y.applyUpdate(relay, updates[2]);
		const all = Y.decodeStateVector(Y.encodeStateVector(relay));
		expect(updates.every((u) => covers(all, endClocks(u)))).toBe(true);
	});
});
