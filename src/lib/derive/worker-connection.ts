// The derive worker as the browser runs it: a module worker behind Comlink.
import * as Comlink from 'comlink';
import type { DeriveApi } from './api';
import { WorkerCrashed, type DeriveConnection } from './client';

export function workerConnection(): DeriveConnection {
	const worker = new Worker(new URL('../workers/derive.worker.ts', import.meta.url), { type: 'module', name: 'derive' });
	const api = Comlink.wrap<DeriveApi>(worker);
	let fail: (err: unknown) => void = () => {};
	const crashed = new Promise<never>((_, reject) => (fail = reject));
	// Nobody may be awaiting it at the moment it fails.
	crashed.catch(() => {});
	worker.addEventListener('error', (e) => fail(new WorkerCrashed(e.message)));
	worker.addEventListener('messageerror', () => fail(new WorkerCrashed('message error')));
	return {
		api: api as unknown as DeriveApi,
		callback: (fn) => Comlink.proxy(fn),
		crashed,
		terminate() {
			fail(new WorkerCrashed('terminated'));
			api[Comlink.releaseProxy]();
			worker.terminate();
		}
	};
}
