/**
 * What the relay needs from a store: an append-only log of Yjs updates per document, and a
 * small key-value space for shops, devices and pairing codes. Both implementations pass the
 * same contract suite (contract.test-suite.ts).
 */
export interface RelayStorage {
	/** Resolves only once the update is durable: the relay broadcasts after this, never before. */
	appendUpdate(docKey: string, update: Uint8Array): Promise<void>;
	/** Updates in the order they were appended (a compacted prefix counts as one entry). */
	readUpdates(docKey: string): Promise<Uint8Array[]>;
	/**
	 * Atomically replaces the first `countReplaced` entries by `merged`, keeping entries appended
	 * after them, so compaction can run while clients keep writing.
	 */
	replaceUpdates(docKey: string, merged: Uint8Array, countReplaced: number): Promise<void>;
	/**
	 * Makes replaced entries of a doc physically gone from disk (LevelDB keeps overwritten and
	 * deleted values in its files until it compacts them). Optional: a store without such leftovers
	 * need not implement it.
	 */
	reclaim?(docKey: string): Promise<void>;
	getMeta<T>(key: string): Promise<T | undefined>;
	putMeta(key: string, value: unknown): Promise<void>;
	deleteMeta(key: string): Promise<void>;
	/** Entries whose key starts with `prefix`, sorted by key. */
	listMeta<T>(prefix: string): Promise<[string, T][]>;
	close(): Promise<void>;
}

// '!' separates a doc key from its sequence number in LevelDB, so it must never occur in one.
export function assertDocKey(docKey: string): void {
	if (docKey.length === 0 || docKey.includes('!')) throw new Error('invalid doc key');
}
