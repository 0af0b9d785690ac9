import { assertDocKey, type RelayStorage } from './types.js';

/** For tests and throwaway relays: nothing survives the process. */
export class MemoryStorage implements RelayStorage {
	#updates = new Map<string, Uint8Array[]>();
	#meta = new Map<string, string>();

	async appendUpdate(docKey: string, update: Uint8Array): Promise<void> {
		assertDocKey(docKey);
		const log = this.#updates.get(docKey) ?? [];
		// Copy: the caller may reuse its buffer, and LevelDB would not see later mutations either.
		log.push(update.slice());
		this.#updates.set(docKey, log);
	}

	async readUpdates(docKey: string): Promise<Uint8Array[]> {
		return (this.#updates.get(docKey) ?? []).map((u) => u.slice());
	}

	async replaceUpdates(docKey: string, merged: Uint8Array, countReplaced: number): Promise<void> {
		assertDocKey(docKey);
		const log = this.#updates.get(docKey) ?? [];
		if (countReplaced > log.length) throw new Error('cannot replace more updates than stored');
		log.splice(0, countReplaced, merged.slice());
		this.#updates.set(docKey, log);
	}

	async getMeta<T>(key: string): Promise<T | undefined> {
		const raw = this.#meta.get(key);
		// JSON round trip so callers get the same copy semantics as from LevelDB.
		return raw === undefined ? undefined : (JSON.parse(raw) as T);
	}

	async putMeta(key: string, value: unknown): Promise<void> {
		this.#meta.set(key, JSON.stringify(value));
	}

	async deleteMeta(key: string): Promise<void> {
		this.#meta.delete(key);
	}

	async listMeta<T>(prefix: string): Promise<[string, T][]> {
		return [...this.#meta.entries()]
			.filter(([k]) => k.startsWith(prefix))
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
			.map(([k, v]) => [k, JSON.parse(v) as T]);
	}

	async close(): Promise<void> {}
}
