import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Log } from '../log.js';
import { silentLog } from '../log.js';
import { assertDocKey, type ClusterListener, type SharedRelayStorage } from './types.js';

// Tables (in `schema`):
//   relay_docs     (doc_key, last_seq)          one row per doc; its row lock orders appends
//   relay_updates  (doc_key, seq, data bytea)   the update log; a compacted run takes its last slot
//   relay_meta     (key, value jsonb)           shops, devices, tokens, pairing codes
// Keys use the "C" collation so listMeta sorts by code point, like LevelDB and MemoryStorage.
const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS relay_docs (
	doc_key text COLLATE "C" PRIMARY KEY,
	last_seq bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS relay_updates (
	doc_key text COLLATE "C" NOT NULL,
	seq bigint NOT NULL,
	data bytea NOT NULL,
	PRIMARY KEY (doc_key, seq)
);
CREATE TABLE IF NOT EXISTS relay_meta (
	key text COLLATE "C" PRIMARY KEY,
	value jsonb NOT NULL
);`;

// Bumping relay_docs.last_seq takes that row's lock until commit, so a doc's entries commit in
// seq order: whoever sees entry n committed can read every entry before it. The NOTIFY is sent
// after the entry committed (so whoever hears it can read it) and carries a pointer (doc, seq),
// never the update: payloads are limited to 8000 bytes and a Yjs update can be megabytes.
//
// It is not sent in the append's own transaction: PostgreSQL serialises the commits of every
// transaction that notifies (one lock for the whole server, held through the commit's WAL
// flush), so appends that notified committed one fsync after the other, whatever the pool size or
// the number of instances (measured on the 2-core VM: ~400–700 appends/s against ~2,300–3,000
// without; bench/README.md). Appends now commit in parallel (and share WAL flushes), and their
// notices go out in batches on a connection of their own with synchronous_commit off: a notice
// needs no flush, the entry it points to is already durable. If this process dies between an
// append's commit and its notice, the other instances learn of that entry with the doc's next
// notice (a catch-up reads every entry after the last seen) or when a client syncs it to them.
const APPEND_SQL = `
WITH s AS (
	INSERT INTO relay_docs (doc_key, last_seq) VALUES ($1, 1)
	ON CONFLICT (doc_key) DO UPDATE SET last_seq = relay_docs.last_seq + 1
	RETURNING last_seq
)
INSERT INTO relay_updates (doc_key, seq, data) SELECT $1, last_seq, $2 FROM s RETURNING seq`;

// Every notice queued meanwhile goes in one transaction.
const NOTIFY_SQL = 'SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n';
const NOTIFY_BATCH = 1000;
/** Notices kept for retry while the notifying connection fails; past it the oldest are dropped. */
const MAX_QUEUED_NOTICES = 20_000;

// Two instances compacting one doc at once would otherwise each delete the other's merged entry.
const LOCK_DOC_SQL = `SELECT pg_advisory_xact_lock(hashtext($1))`;

export interface PostgresStorageOptions {
	/** Schema for the relay's tables (created when missing). Tests use one per store. */
	schema?: string;
	/** Pool size: appends of different docs run in parallel on separate connections. */
	poolSize?: number;
	log?: Log;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const RECONNECT_MS = 1000;

type Notice = { t: 'u'; d: string; s: number; i: string } | { t: 'r'; s: string; d: string; i: string; k?: 'rotated' };

export class PostgresStorage implements SharedRelayStorage {
	readonly shared = true as const;
	/** Tells this instance's notifications from the others'. */
	readonly instanceId = randomBytes(6).toString('base64url');
	#pool: pg.Pool;
	/** One connection with synchronous_commit off, for the appends' notices. */
	#notifyPool: pg.Pool;
	#notices: string[] = [];
	#notifying: Promise<void> | null = null;
	#config: pg.PoolConfig;
	#schema: string;
	#channel: string;
	#log: Log;
	#listener: ClusterListener | null = null;
	#client: pg.Client | null = null;
	#closed = false;
	#retry: NodeJS.Timeout | undefined;

	private constructor(config: pg.PoolConfig, schema: string, log: Log) {
		this.#config = config;
		this.#pool = new pg.Pool(config);
		// An idle pooled connection that dies (PostgreSQL restarted) must not crash the relay.
		this.#pool.on('error', (error) => log('pg-pool-error', { error: String(error).slice(0, 200) }));
		this.#notifyPool = new pg.Pool({ ...config, max: 1, options: `${config.options ?? ''} -c synchronous_commit=off` });
		this.#notifyPool.on('error', (error) => log('pg-pool-error', { error: String(error).slice(0, 200) }));
		this.#schema = schema;
		this.#channel = `relay_${schema}`;
		this.#log = log;
	}

	static async open(connectionString: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
		const schema = options.schema ?? 'public';
		if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name "${schema}"`);
		const config: pg.PoolConfig = {
			connectionString,
			max: options.poolSize ?? 10,
			options: `-c search_path=${schema}`
		};
		const storage = new PostgresStorage(config, schema, options.log ?? silentLog);
		const client = await storage.#pool.connect();
		try {
			// Instances starting together would race on CREATE TABLE IF NOT EXISTS.
			await client.query('SELECT pg_advisory_lock(hashtext($1))', [`relay-schema/${schema}`]);
			try {
				await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
				await client.query(SCHEMA_SQL);
			} finally {
				await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`relay-schema/${schema}`]);
			}
		} catch (error) {
			client.release();
			await Promise.all([storage.#pool.end(), storage.#notifyPool.end()]);
			throw error;
		}
		client.release();
		return storage;
	}

	async appendUpdate(docKey: string, update: Uint8Array): Promise<void> {
		await this.appendUpdateSeq(docKey, update);
	}

	async appendUpdateSeq(docKey: string, update: Uint8Array): Promise<number> {
		assertDocKey(docKey);
		// Buffer.from copies: a caller reusing its buffer after we resolve changes nothing stored.
		const { rows } = await this.#pool.query<{ seq: string }>(APPEND_SQL, [docKey, Buffer.from(update)]);
		const seq = Number(rows[0].seq);
		const notice: Notice = { t: 'u', d: docKey, s: seq, i: this.instanceId };
		this.#notices.push(JSON.stringify(notice));
		this.#notifying ??= this.#sendNotices();
		return seq;
	}

	/** Sends the queued notices, a batch a transaction, until none is left. */
	async #sendNotices(): Promise<void> {
		while (this.#notices.length > 0) {
			const batch = this.#notices.splice(0, NOTIFY_BATCH);
			try {
				await this.#notifyPool.query(NOTIFY_SQL, [this.#channel, batch]);
			} catch (error) {
				this.#log('pg-notify-failed', { notices: batch.length, error: String(error).slice(0, 200) });
				if (this.#closed) break;
				this.#notices.unshift(...batch);
				this.#notices.splice(0, Math.max(0, this.#notices.length - MAX_QUEUED_NOTICES));
				await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
			}
		}
		this.#notifying = null;
	}

	async readUpdates(docKey: string): Promise<Uint8Array[]> {
		return (await this.readUpdatesAfter(docKey, 0)).map((entry) => entry.update);
	}

	async readUpdatesAfter(docKey: string, afterSeq: number): Promise<{ seq: number; update: Uint8Array }[]> {
		const { rows } = await this.#pool.query<{ seq: string; data: Buffer }>(
			'SELECT seq, data FROM relay_updates WHERE doc_key = $1 AND seq > $2 ORDER BY seq',
			[docKey, afterSeq]
		);
		// pg hands out Buffers; callers get plain Uint8Arrays like from MemoryStorage.
		return rows.map((row) => ({
			seq: Number(row.seq),
			update: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength)
		}));
	}

	async replaceUpdates(docKey: string, merged: Uint8Array, countReplaced: number): Promise<void> {
		assertDocKey(docKey);
		if (countReplaced === 0) return this.appendUpdate(docKey, merged);
		await this.#transaction(docKey, async (client) => {
			const { rows } = await client.query<{ seq: string }>(
				'SELECT seq FROM relay_updates WHERE doc_key = $1 ORDER BY seq LIMIT $2',
				[docKey, countReplaced]
			);
			if (rows.length < countReplaced) throw new Error('cannot replace more updates than stored');
			await this.#replaceThrough(client, docKey, merged, Number(rows[rows.length - 1].seq));
		});
	}

	async replaceUpdatesThrough(docKey: string, merged: Uint8Array, throughSeq: number): Promise<void> {
		assertDocKey(docKey);
		await this.#transaction(docKey, (client) => this.#replaceThrough(client, docKey, merged, throughSeq));
	}

	async #replaceThrough(client: pg.PoolClient, docKey: string, merged: Uint8Array, throughSeq: number) {
		await client.query('DELETE FROM relay_updates WHERE doc_key = $1 AND seq < $2', [docKey, throughSeq]);
		// The merged entry takes the slot of the last one it replaces, so it still sorts before
		// anything appended meanwhile. No such row: another instance compacted further already,
		// and its merged entry holds everything ours does.
		await client.query('UPDATE relay_updates SET data = $3 WHERE doc_key = $1 AND seq = $2', [
			docKey,
			throughSeq,
			Buffer.from(merged)
		]);
	}

	async #transaction(docKey: string, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
		const client = await this.#pool.connect();
		try {
			await client.query('BEGIN');
			await client.query(LOCK_DOC_SQL, [`${this.#schema}/${docKey}`]);
			await work(client);
			await client.query('COMMIT');
		} catch (error) {
			await client.query('ROLLBACK').catch(() => {});
			throw error;
		} finally {
			client.release();
		}
	}

	async getMeta<T>(key: string): Promise<T | undefined> {
		const { rows } = await this.#pool.query<{ value: T }>('SELECT value FROM relay_meta WHERE key = $1', [key]);
		return rows.length === 0 ? undefined : rows[0].value;
	}

	async putMeta(key: string, value: unknown): Promise<void> {
		await this.#pool.query(
			'INSERT INTO relay_meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
			[key, JSON.stringify(value)]
		);
	}

	async deleteMeta(key: string): Promise<void> {
		await this.#pool.query('DELETE FROM relay_meta WHERE key = $1', [key]);
	}

	async listMeta<T>(prefix: string): Promise<[string, T][]> {
		const { rows } = await this.#pool.query<{ key: string; value: T }>(
			'SELECT key, value FROM relay_meta WHERE starts_with(key, $1) ORDER BY key',
			[prefix]
		);
		return rows.map((row) => [row.key, row.value]);
	}

	async announceRevoked(shopId: string, deviceId: string, rotated = false): Promise<void> {
		const notice: Notice = { t: 'r', s: shopId, d: deviceId, i: this.instanceId, ...(rotated ? { k: 'rotated' as const } : {}) };
		await this.#pool.query('SELECT pg_notify($1, $2)', [
			this.#channel,
			JSON.stringify(notice)
		]);
	}

	/** Starts listening; the first connection is made in the background and retried until closed. */
	listen(listener: ClusterListener): void {
		this.#listener = listener;
		void this.#connectListener(false);
	}

	async #connectListener(isRetry: boolean): Promise<void> {
		if (this.#closed) return;
		const client = new pg.Client({ connectionString: this.#config.connectionString, options: this.#config.options });
		const retry = (error: unknown) => {
			if (this.#client === client) this.#client = null;
			client.removeAllListeners('error');
			client.on('error', () => {});
			void client.end().catch(() => {});
			if (this.#closed) return;
			this.#log('pg-listen-lost', { error: String(error).slice(0, 200) });
			clearTimeout(this.#retry);
			this.#retry = setTimeout(() => void this.#connectListener(true), RECONNECT_MS);
		};
		client.on('error', retry);
		client.on('end', () => retry('connection ended'));
		client.on('notification', (message) => this.#onNotification(message.payload));
		try {
			await client.connect();
			await client.query(`LISTEN ${this.#channel}`);
		} catch (error) {
			return retry(error);
		}
		if (this.#closed) return void client.end().catch(() => {});
		this.#client = client;
		// Appends made while we were not listening were never announced to us.
		if (isRetry) this.#listener?.onResync();
	}

	#onNotification(payload: string | undefined): void {
		if (!payload || !this.#listener) return;
		let notice: Notice;
		try {
			notice = JSON.parse(payload) as Notice;
		} catch {
			return;
		}
		if (notice.i === this.instanceId) return;
		if (notice.t === 'u') this.#listener.onAppended(notice.d, notice.s);
		else if (notice.t === 'r') this.#listener.onRevoked(notice.s, notice.d, notice.k === 'rotated');
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#retry);
		const client = this.#client;
		this.#client = null;
		if (client) {
			client.removeAllListeners('end');
			await client.end().catch(() => {});
		}
		// What was appended is announced before the connections go.
		await this.#notifying;
		await Promise.all([this.#pool.end(), this.#notifyPool.end()]);
	}
}
