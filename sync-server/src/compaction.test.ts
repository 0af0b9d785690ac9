import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LevelStorage } from './storage/level.js';
import { api, bearer, cleanupAll, connect, createShop, startRelay, synced, tempDir, waitFor } from './testing/relay-harness.js';

afterEach(cleanupAll);

/** Every file under dir, as bytes: what a byte search of the relay's data directory sees. */
function bytesUnder(dir: string): Buffer {
	const parts: Buffer[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		parts.push(statSync(path).isDirectory() ? bytesUnder(path) : readFileSync(path));
	}
	return Buffer.concat(parts);
}

describe('relay: compaction on request', () => {
	it('after a client deletes content and asks for compaction, the data directory no longer holds it', async () => {
		const dir = tempDir('relay-compact-');
		const h = await startRelay({ storage: await LevelStorage.open(dir) });
		const owner = await createShop(h);
		const a = connect(h, 'customers-3', owner.token);
		const b = connect(h, 'customers-3', owner.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		const map = a.doc.getMap<unknown>('customers');
		map.set('c1', { name: 'Philippa Quenby-Secret', notes: 'Walnut allergy' });
		map.set('c2', { name: 'Stays Here' });
		await waitFor('b has it', () => b.doc.getMap('customers').has('c1'));
		map.delete('c1');
		await waitFor('b saw the deletion', () => !b.doc.getMap('customers').has('c1'));
		expect(bytesUnder(dir).includes('Quenby-Secret')).toBe(true);

		const denied = await api(h, 'POST', '/api/docs/customers-3/compact');
		expect(denied.status).toBe(401);
		const res = await api(h, 'POST', '/api/docs/customers-3/compact', undefined, bearer(owner.token));
		expect(res.status).toBe(200);
		const bytes = bytesUnder(dir);
		expect(bytes.includes('Quenby-Secret')).toBe(false);
		expect(bytes.includes('Walnut allergy')).toBe(false);
		expect(bytes.includes('Stays Here')).toBe(true);

		// Nothing else was lost: a new client gets the remaining content.
		const c = connect(h, 'customers-3', owner.token);
		await waitFor('c2 on a new client', () => c.doc.getMap('customers').has('c2'));
		expect(c.doc.getMap('customers').has('c1')).toBe(false);
		expect(Y.encodeStateVector(c.doc)).toEqual(Y.encodeStateVector(a.doc));
	});
});
