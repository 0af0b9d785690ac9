// `npx tsx bench/pg-appends.ts`: appends per second into PostgreSQL (fsync on), 40 in flight over
// 400 docs on a pool of 10, the way the relay appended before and after issue 12's fix, rounds
// alternating in one run: (before) the NOTIFY inside the append's statement, which makes
// PostgreSQL serialise every notifying commit through one lock held across its WAL flush;
// (after) PostgresStorage.appendUpdate: the append commits alone, its notice follows in a batch.
import pg from 'pg';
import { loadavg } from 'node:os';
import { startPostgres } from '../sync-server/src/testing/postgres';
import { PostgresStorage } from '../sync-server/src/storage/postgres';

const BEFORE_SQL = `
WITH s AS (
	INSERT INTO relay_docs (doc_key, last_seq) VALUES ($1, 1)
	ON CONFLICT (doc_key) DO UPDATE SET last_seq = relay_docs.last_seq + 1
	RETURNING last_seq
), i AS (
	INSERT INTO relay_updates (doc_key, seq, data) SELECT $1, last_seq, $2 FROM s RETURNING seq
)
SELECT seq, pg_notify($3, json_build_object('t', 'u', 'd', $1::text, 's', seq, 'i', $4::text)::text) FROM i`;
const APPENDS = 2000;
const IN_FLIGHT = 40;

const db = await startPostgres({ fsync: true });
const after = await PostgresStorage.open(db.url, { poolSize: 10, schema: 'after' });
// Creates the same tables in their own schema; the appends below go through the old statement.
const beforeTables = await PostgresStorage.open(db.url, { poolSize: 1, schema: 'before' });
const before = new pg.Pool({ connectionString: db.url, max: 10, options: '-c search_path=before' });
const update = new Uint8Array(60);

async function rate(append: (i: number) => Promise<unknown>): Promise<number> {
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: IN_FLIGHT }, async () => {
			while (next < APPENDS) await append(next++);
		})
	);
	return (APPENDS / (performance.now() - started)) * 1000;
}

try {
	console.log('| round | before: NOTIFY in the append /s | after: append, batched NOTIFY /s | load |\n|---|---|---|---|');
	for (let round = 1; round <= 3; round++) {
		const b = await rate((i) => before.query(BEFORE_SQL, [`shop/doc-${i % 400}`, Buffer.from(update), 'relay_before', 'x']));
		const a = await rate((i) => after.appendUpdate(`shop/doc-${i % 400}`, update));
		console.log(`| ${round} | ${b.toFixed(0)} | ${a.toFixed(0)} | ${loadavg()[0].toFixed(2)} |`);
	}
} finally {
	await before.end();
	await beforeTables.close();
	await after.close();
	await db.stop();
}
