// The page's handle on the import worker: one worker per page, started on first use.
import * as Comlink from 'comlink';
import { comlinkWorker } from '$lib/comlink-worker';
import type { ImportApi, OnProgress } from './api';

export type ImportWorker = Comlink.Remote<ImportApi>;

let current: ImportWorker | null = null;

export function importWorker(): ImportWorker {
	current ??= start();
	return current;
}

/**
 * A worker that dies (a script error, the browser stopping it) answers no call again: every call
 * under way then fails with an error the wizard shows, and the next import starts a new worker.
 * Written chunks stay written: each one was its own transaction.
 */
function start(): ImportWorker {
	const worker = new Worker(new URL('../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'imports' });
	const w = comlinkWorker<ImportApi>(worker, (reason) => new Error(`the import stopped unexpectedly (${reason})`));
	w.failed.catch(() => {
		if (current === remote) current = null;
		w.terminate();
	});
	const remote: ImportWorker = new Proxy(w.api, {
		get(target, key) {
			// Not a thenable, and Comlink's own symbols (releaseProxy) pass through.
			if (key === 'then' || typeof key !== 'string') return key === 'then' ? undefined : Reflect.get(target, key);
			const method = Reflect.get(target, key) as (...args: unknown[]) => Promise<unknown>;
			return (...args: unknown[]) => Promise.race([method(...args), w.failed]);
		}
	});
	return remote;
}

/** A progress callback the worker can call across the thread boundary. */
export function remoteProgress(onProgress: OnProgress): OnProgress {
	return Comlink.proxy(onProgress);
}
