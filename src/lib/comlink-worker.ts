// One Web Worker behind Comlink, as the page runs it (the derive, import and customer-list
// workers): the typed remote, a promise that rejects once the worker fails to load or dies, and
// a termination that fails whatever still waits on it. The caller constructs the Worker itself:
// Vite bundles a worker only from `new Worker(new URL('…', import.meta.url))` written out in place.
import * as Comlink from 'comlink';

export interface ComlinkWorker<T> {
	api: Comlink.Remote<T>;
	/** Rejects with `failure(reason)` when the worker fails to load, dies or is terminated. Never resolves. */
	failed: Promise<never>;
	terminate(): void;
}

export function comlinkWorker<T>(worker: Worker, failure: (reason: string) => Error): ComlinkWorker<T> {
	const api = Comlink.wrap<T>(worker);
	let fail: (err: Error) => void = () => {};
	const failed = new Promise<never>((_, reject) => (fail = reject));
	// Nobody may be awaiting it at the moment it fails.
	failed.catch(() => {});
	const onError = (e: Event) => {
		// Reported through `failed` (the caller says what stopped), not as an uncaught page error.
		e.preventDefault();
		fail(failure((e as ErrorEvent).message || 'the background worker failed'));
	};
	worker.addEventListener('error', onError);
	worker.addEventListener('messageerror', () => fail(failure('a message could not be read')));
	let ended = false;
	return {
		api,
		failed,
		terminate() {
			if (ended) return;
			ended = true;
			fail(failure('terminated'));
			api[Comlink.releaseProxy]();
			worker.terminate();
		}
	};
}
