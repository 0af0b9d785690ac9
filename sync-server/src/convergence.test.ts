import { afterEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cleanupAll, connect, createShop, pairStaff, sleep, startRelay, synced, waitFor } from './testing/relay-harness.js';

afterEach(cleanupAll);

// mulberry32: a seeded generator, so a failing run can be replayed exactly.
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('relay: convergence with tablets dropping in and out', () => {
	for (const seed of [1, 2, 3]) {
		it(`every tablet ends with the same data (seed ${seed})`, async () => {
			const next = random(seed);
			const h = await startRelay({ limits: { compactAfter: 7, unloadDelayMs: 5 } });
			const owner = await createShop(h);
			const staff = await pairStaff(h, owner.token);
			const peers = [owner, staff, owner].map((device) => connect(h, 'customers-0', device.token));
			await Promise.all(peers.map((p) => synced(p.provider)));

			for (let step = 0; step < 60; step++) {
				const peer = peers[Math.floor(next() * peers.length)];
				const roll = next();
				if (roll < 0.15) {
					if (peer.provider.shouldConnect) peer.provider.disconnect();
					else peer.provider.connect();
				} else {
					const map = peer.doc.getMap<number>('customers');
					const key = `c${Math.floor(next() * 10)}`;
					if (roll < 0.3) map.delete(key);
					else map.set(key, step);
				}
				if (next() < 0.2) await sleep(Math.floor(next() * 15));
			}
			for (const peer of peers) if (!peer.provider.shouldConnect) peer.provider.connect();
			// Sorted: Y.Map iteration order is insertion order per replica, not part of the state.
			const canonical = (doc: Y.Doc) => JSON.stringify(Object.entries(doc.getMap('customers').toJSON()).sort());
			const snapshot = (i: number) => canonical(peers[i].doc);
			await waitFor('all tablets equal', () => peers.every((p) => p.provider.synced) && snapshot(1) === snapshot(0) && snapshot(2) === snapshot(0));

			// A tablet joining afterwards gets the same from the relay alone.
			const late = connect(h, 'customers-0', staff.token);
			await waitFor('late joiner equal', () => late.provider.synced && canonical(late.doc) === snapshot(0));
			expect(peers[0].doc.getMap('customers').toJSON()).toEqual(late.doc.getMap('customers').toJSON());
		});
	}
});
