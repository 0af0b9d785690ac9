// The derive worker as the browser runs it: a module worker behind Comlink.
import * as Comlink from 'comlink';
import { comlinkWorker } from '$lib/comlink-worker';
import type { DeriveApi } from './api';
import { WorkerCrashed, type DeriveConnection } from './client';

export function workerConnection(): DeriveConnection {
	const worker = new Worker(new URL('../workers/derive.worker.ts', import.meta.url), { type: 'module', name: 'derive' });
	const w = comlinkWorker<DeriveApi>(worker, (reason) => new WorkerCrashed(reason));
	return {
		api: w.api as unknown as DeriveApi,
		callback: (fn) => Comlink.proxy(fn),
		crashed: w.failed,
		terminate: w.terminate
	};
}
