import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../testing/postgres.js';
import { relayStorageContract } from './contract.test-suite.js';
import { PostgresStorage } from './postgres.js';

const unavailable = postgresUnavailable();
// In CI PostgreSQL is installed by scripts/ensure-chromium.mjs: missing there is a failure, not a skip.
if (unavailable && process.env.CI) throw new Error(unavailable);
if (unavailable) console.warn(`Skipping the PostgreSQL storage tests: ${unavailable}`);

let server: TestPostgres;
let schemas = 0;
const schemaOf = new WeakMap<PostgresStorage, string>();

describe.skipIf(unavailable !== null)('PostgresStorage', () => {
	beforeAll(async () => {
		server = await startPostgres();
	}, 60_000);
	afterAll(async () => {
		await server?.stop();
	});

	relayStorageContract('PostgresStorage', {
		open: async () => {
			const schema = `contract_${++schemas}`;
			const storage = await PostgresStorage.open(server.url, { schema });
			schemaOf.set(storage, schema);
			return storage;
		},
		reopen: async (previous) => {
			const schema = schemaOf.get(previous as PostgresStorage)!;
			await previous.close();
			const storage = await PostgresStorage.open(server.url, { schema });
			schemaOf.set(storage, schema);
			return storage;
		}
	});

	describe('shared by several instances', () => {
		it('numbers a doc\'s entries in commit order and tells the other instances', async () => {
			const schema = `shared_${++schemas}`;
			const a = await PostgresStorage.open(server.url, { schema });
			const b = await PostgresStorage.open(server.url, { schema });
			try {
				const heard: [string, number][] = [];
				const revoked: string[] = [];
				b.listen({
					onAppended: (doc, seq) => heard.push([doc, seq]),
					onRevoked: (shop, device) => revoked.push(`${shop}/${device}`),
					onResync: () => {}
				});
				a.listen({ onAppended: () => {}, onRevoked: () => revoked.push('echo'), onResync: () => {} });
				await new Promise((resolve) => setTimeout(resolve, 200));
				const seqs = await Promise.all(
					[...Array(20).keys()].map((i) => (i % 2 ? a : b).appendUpdateSeq('s/d', new Uint8Array([i])))
				);
				expect([...seqs].sort((x, y) => x - y)).toEqual([...Array(20).keys()].map((i) => i + 1));
				await a.announceRevoked('s', 'dev1');
				const deadline = Date.now() + 5000;
				while ((heard.length < 10 || revoked.length < 1) && Date.now() < deadline) {
					await new Promise((resolve) => setTimeout(resolve, 20));
				}
				// Only a's appends are announced to b (b's own are not echoed back to it).
				expect(heard.map(([, seq]) => seq).sort((x, y) => x - y)).toEqual(
					seqs.filter((_, i) => i % 2 === 1).sort((x, y) => x - y)
				);
				expect(revoked).toEqual(['s/dev1']);
				expect((await b.readUpdatesAfter('s/d', 15)).map((e) => e.seq)).toEqual([16, 17, 18, 19, 20]);
			} finally {
				await a.close();
				await b.close();
			}
		});

		it('announces every append of many concurrent ones, each readable when heard, the last ones before close() returns', async () => {
			const schema = `shared_${++schemas}`;
			const a = await PostgresStorage.open(server.url, { schema });
			const b = await PostgresStorage.open(server.url, { schema });
			try {
				const heard: string[] = [];
				const checks: Promise<boolean>[] = [];
				b.listen({
					onAppended: (doc, seq) => {
						heard.push(`${doc}#${seq}`);
						// The notice is sent after the entry committed: whoever hears it can read it.
						checks.push(b.readUpdatesAfter(doc, seq - 1).then((entries) => entries[0]?.seq === seq));
					},
					onRevoked: () => {},
					onResync: () => {}
				});
				await new Promise((resolve) => setTimeout(resolve, 200));
				// Appends no longer notify in their own transaction (which serialised their commits):
				// their notices are batched; none may be lost, including those still queued at close().
				const docs = [...Array(300).keys()].map((i) => `s/d${i % 30}`);
				const seqs = await Promise.all(docs.map((doc, i) => a.appendUpdateSeq(doc, new Uint8Array([i]))));
				await a.close();
				const expected = docs.map((doc, i) => `${doc}#${seqs[i]}`).sort();
				const deadline = Date.now() + 5000;
				while (heard.length < expected.length && Date.now() < deadline) {
					await new Promise((resolve) => setTimeout(resolve, 20));
				}
				expect([...heard].sort()).toEqual(expected);
				expect((await Promise.all(checks)).every(Boolean)).toBe(true);
			} finally {
				await a.close();
				await b.close();
			}
		});

		it('loses nothing when two instances compact one doc at once', async () => {
			const schema = `shared_${++schemas}`;
			const a = await PostgresStorage.open(server.url, { schema });
			const b = await PostgresStorage.open(server.url, { schema });
			try {
				for (let i = 1; i <= 10; i++) await a.appendUpdateSeq('s/d', new Uint8Array([i]));
				await Promise.all([
					a.replaceUpdatesThrough('s/d', new Uint8Array([100]), 6),
					b.replaceUpdatesThrough('s/d', new Uint8Array([200]), 8),
					a.appendUpdateSeq('s/d', new Uint8Array([11]))
				]);
				const entries = await a.readUpdatesAfter('s/d', 0);
				// Whichever ran last, the merged entry of the longer prefix survives at its slot.
				expect(entries.map((e) => [e.seq, e.update[0]])).toEqual([
					[8, 200],
					[9, 9],
					[10, 10],
					[11, 11]
				]);
			} finally {
				await a.close();
				await b.close();
			}
		});
	});
});
