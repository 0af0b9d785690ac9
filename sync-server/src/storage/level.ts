import { ClassicLevel } from 'classic-level';
import { assertDocKey, type RelayStorage } from './types.js';

// Keys sort so that one document's updates form one contiguous range in append order:
//   u!<docKey>!<seq, 12 digits>   one Yjs update (or a compacted run of them)
//   m!<key>                       JSON metadata (shops, devices, pairing codes)
const SEQ_DIGITS = 12;
const updateKey = (docKey: string, seq: number) =>
	`u!${docKey}!${String(seq).padStart(SEQ_DIGITS, '0')}`;
// '"' is the character right after '!', so [u!<docKey>!, u!<docKey>") is exactly one doc's log.
const updateRange = (docKey: string) => ({ gte: `u!${docKey}!`, lt: `u!${docKey}"` });
const metaKey = (key: string) => `m!${key}`;

export interface LevelStorageOptions {
	/** fsync every write: survives power loss, not just a killed process, at a cost in latency. */
	syncWrites?: boolean;
}

export class LevelStorage implements RelayStorage {
	#db: ClassicLevel<string, Uint8Array>;
	#sync: boolean;
	// Next sequence number per doc; loading it is async, so concurrent appends share one promise.
	#nextSeq = new Map<string, Promise<{ value: number }>>();

	private constructor(db: ClassicLevel<string, Uint8Array>, options: LevelStorageOptions) {
		this.#db = db;
		this.#sync = options.syncWrites ?? false;
	}

	static async open(location: string, options: LevelStorageOptions = {}): Promise<LevelStorage> {
		const db = new ClassicLevel<string, Uint8Array>(location, {
			keyEncoding: 'utf8',
			valueEncoding: 'view'
		});
		await db.open();
		return new LevelStorage(db, options);
	}

	#seq(docKey: string): Promise<{ value: number }> {
		let seq = this.#nextSeq.get(docKey);
		if (!seq) {
			seq = (async () => {
				const last = await this.#db.keys({ ...updateRange(docKey), reverse: true, limit: 1 }).all();
				return { value: last.length === 0 ? 0 : Number(last[0].slice(-SEQ_DIGITS)) + 1 };
			})();
			// A failed lookup must not poison later appends.
			seq.catch(() => this.#nextSeq.delete(docKey));
			this.#nextSeq.set(docKey, seq);
		}
		return seq;
	}

	async appendUpdate(docKey: string, update: Uint8Array): Promise<void> {
		assertDocKey(docKey);
		const seq = await this.#seq(docKey);
		// Taken synchronously after the await, so two appends never get the same number.
		const n = seq.value++;
		await this.#db.put(updateKey(docKey, n), update, { sync: this.#sync });
	}

	async readUpdates(docKey: string): Promise<Uint8Array[]> {
		const values = await this.#db.values(updateRange(docKey)).all();
		// LevelDB hands out Buffers; callers get plain Uint8Arrays like from MemoryStorage.
		return values.map((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
	}

	async replaceUpdates(docKey: string, merged: Uint8Array, countReplaced: number): Promise<void> {
		assertDocKey(docKey);
		if (countReplaced === 0) return this.appendUpdate(docKey, merged);
		const keys = await this.#db.keys({ ...updateRange(docKey), limit: countReplaced }).all();
		if (keys.length < countReplaced) throw new Error('cannot replace more updates than stored');
		// The merged update takes the slot of the last replaced entry, so it still sorts before
		// anything appended while the compaction was running.
		const last = keys[keys.length - 1];
		await this.#db.batch(
			[
				...keys.slice(0, -1).map((key) => ({ type: 'del' as const, key })),
				{ type: 'put' as const, key: last, value: merged }
			],
			{ sync: this.#sync }
		);
	}

	async reclaim(docKey: string): Promise<void> {
		assertDocKey(docKey);
		const range = updateRange(docKey);
		// LevelDB drops a deleted or overwritten value only when a compaction rewrites its file into
		// the bottom level. compactRange flushes the write-ahead log into a table, but LevelDB may
		// place that table below level 0 and the same call then compacts nothing. So: flush, write
		// and delete two markers at the ends of the range (the next flush lands above the range's
		// tables), and compact again, which now rewrites every table holding the range down to the
		// bottom level. The markers are deleted at once and never read (deleted keys are not).
		await this.#db.compactRange(range.gte, range.lt);
		const markers = [range.gte, `${range.gte}~`];
		await this.#db.batch([
			...markers.map((key) => ({ type: 'put' as const, key, value: new Uint8Array(0) })),
			...markers.map((key) => ({ type: 'del' as const, key }))
		]);
		await this.#db.compactRange(range.gte, range.lt);
	}

	async getMeta<T>(key: string): Promise<T | undefined> {
		const raw = await this.#db.get(metaKey(key));
		return raw === undefined ? undefined : (JSON.parse(Buffer.from(raw).toString('utf8')) as T);
	}

	async putMeta(key: string, value: unknown): Promise<void> {
		await this.#db.put(metaKey(key), Buffer.from(JSON.stringify(value), 'utf8'), {
			sync: this.#sync
		});
	}

	async deleteMeta(key: string): Promise<void> {
		await this.#db.del(metaKey(key), { sync: this.#sync });
	}

	async listMeta<T>(prefix: string): Promise<[string, T][]> {
		const entries = await this.#db.iterator({ gte: metaKey(prefix), lt: metaKey(prefix) + '\uffff' }).all();
		return entries.map(([k, v]) => [
			k.slice(2),
			JSON.parse(Buffer.from(v).toString('utf8')) as T
		]);
	}

	async close(): Promise<void> {
		await this.#db.close();
	}
}
