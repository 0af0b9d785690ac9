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

/** What one relay instance hears from the others sharing its store. */
export interface ClusterListener {
	/** Another instance appended entry `seq` to `docKey` (already durable). */
	onAppended(docKey: string, seq: number): void;
	/** A device was revoked, or its token rotated (`rotated`), through another instance. */
	onRevoked(shopId: string, deviceId: string, rotated: boolean): void;
	/** The notification channel was re-established: anything may have been missed meanwhile. */
	onResync(): void;
}

/**
 * A store several relay instances share (PostgreSQL). Entries carry a sequence number that grows
 * per doc in commit order, so an instance can read exactly what it has not applied yet.
 */
export interface SharedRelayStorage extends RelayStorage {
	readonly shared: true;
	/** appendUpdate, returning the new entry's sequence number. */
	appendUpdateSeq(docKey: string, update: Uint8Array): Promise<number>;
	/** Entries with seq > afterSeq, in order. */
	readUpdatesAfter(docKey: string, afterSeq: number): Promise<{ seq: number; update: Uint8Array }[]>;
	/**
	 * Replaces every entry with seq <= throughSeq by `merged` (which must hold all of them), keeping
	 * later ones. Safe while other instances append or compact the same doc.
	 */
	replaceUpdatesThrough(docKey: string, merged: Uint8Array, throughSeq: number): Promise<void>;
	/** Tells the other instances (onRevoked): their sockets of that device close too. */
	announceRevoked(shopId: string, deviceId: string, rotated?: boolean): Promise<void>;
	listen(listener: ClusterListener): void;
}

export const isShared = (storage: RelayStorage): storage is SharedRelayStorage =>
	(storage as Partial<SharedRelayStorage>).shared === true;
