// The page's handle on the import worker: one worker per page, started on first use.
import * as Comlink from 'comlink';
import type { ImportApi, OnProgress } from './api';

export type ImportWorker = Comlink.Remote<ImportApi>;

let remote: ImportWorker | null = null;

export function importWorker(): ImportWorker {
	remote ??= Comlink.wrap<ImportApi>(
		new Worker(new URL('../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'imports' })
	);
	return remote;
}

/** A progress callback the worker can call across the thread boundary. */
export function remoteProgress(onProgress: OnProgress): OnProgress {
	return Comlink.proxy(onProgress);
}
