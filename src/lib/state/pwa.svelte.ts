import { dev } from '$app/environment';
import { Workbox } from 'workbox-window';

// Often enough that a till left open all day picks up a fix the same shift, rarely enough
// to cost nothing: update() only re-downloads service-worker.js when its bytes changed.
const UPDATE_CHECK_MS = 30 * 60 * 1000;

export interface StorageEstimate {
	usage: number;
	quota: number;
}

/**
 * Service worker lifecycle (through workbox-window, around SvelteKit's own service-worker.ts),
 * connectivity and storage durability for the whole app. The page shows "Update available"
 * while `updateAvailable` is true and calls `applyUpdate()` when the person agrees; a new
 * version never takes over a page on its own.
 */
export class PwaState {
	updateAvailable = $state(false);
	online = $state(true);
	/** null until asked, or when the browser has no StorageManager. */
	persisted = $state<boolean | null>(null);
	storageEstimate = $state<StorageEstimate | null>(null);

	#workbox: Workbox | null = null;
	#registration: ServiceWorkerRegistration | null = null;
	#started = false;
	#reloading = false;
	#timer: ReturnType<typeof setInterval> | null = null;
	#cleanups: Array<() => void> = [];

	/** Safe to call more than once; never throws (an insecure context simply has no service worker). */
	async start(): Promise<void> {
		if (this.#started || typeof window === 'undefined') return;
		this.#started = true;
		this.#watchConnectivity();
		await Promise.all([this.#registerWorker(), this.#requestPersistence(), this.refreshStorageEstimate()]);
	}

	/** Hands control to the waiting worker; the page reloads once it has taken over. */
	applyUpdate(): void {
		if (!this.#workbox || !this.#registration?.waiting) {
			// The worker may already have activated (another tab applied it): a reload is all that is left.
			if (this.updateAvailable) location.reload();
			return;
		}
		this.#workbox.messageSkipWaiting();
	}

	/** Asks the server for a new service-worker.js now; resolves even when offline. */
	async checkForUpdate(): Promise<void> {
		try {
			await this.#workbox?.update();
		} catch (error) {
			// Offline or the relay is down: the next check will try again.
			console.info('pwa: update check failed', error);
		}
	}

	async refreshStorageEstimate(): Promise<void> {
		try {
			if (!navigator.storage?.estimate) return;
			const { usage = 0, quota = 0 } = await navigator.storage.estimate();
			this.storageEstimate = { usage, quota };
		} catch (error) {
			console.warn('pwa: storage estimate unavailable', error);
		}
	}

	/** For tests: drop listeners and timers and forget everything learnt. */
	reset(): void {
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
		if (this.#timer !== null) clearInterval(this.#timer);
		this.#timer = null;
		this.#workbox = null;
		this.#registration = null;
		this.#started = false;
		this.#reloading = false;
		this.updateAvailable = false;
		this.online = true;
		this.persisted = null;
		this.storageEstimate = null;
	}

	#listen(target: EventTarget, type: string, listener: EventListener): void {
		target.addEventListener(type, listener);
		this.#cleanups.push(() => target.removeEventListener(type, listener));
	}

	#watchConnectivity(): void {
		this.online = navigator.onLine;
		this.#listen(window, 'online', () => (this.online = true));
		this.#listen(window, 'offline', () => (this.online = false));
	}

	async #registerWorker(): Promise<void> {
		if (!('serviceWorker' in navigator)) {
			console.info('pwa: no service worker support here (insecure context?); the app will not work offline');
			return;
		}
		try {
			// Vite serves the dev worker as an ES module; the production build is a classic script.
			const wb = new Workbox('/service-worker.js', { type: dev ? 'module' : 'classic' });
			this.#workbox = wb;
			// A new version installed and waiting, found now, by a later check, or before this page
			// loaded (another tab). Without a controller it is the first install, not an update.
			const onWaiting = () => {
				if (navigator.serviceWorker.controller) this.updateAvailable = true;
			};
			// The very first install claims the page too; only a takeover of an existing controller
			// after an update was offered means "reload into the new version".
			const onControlling = () => {
				if (!this.updateAvailable || this.#reloading) return;
				this.#reloading = true;
				location.reload();
			};
			wb.addEventListener('waiting', onWaiting);
			wb.addEventListener('controlling', onControlling);
			this.#cleanups.push(() => {
				wb.removeEventListener('waiting', onWaiting);
				wb.removeEventListener('controlling', onControlling);
			});
			this.#registration = (await wb.register()) ?? null;

			this.#timer = setInterval(() => void this.checkForUpdate(), UPDATE_CHECK_MS);
			this.#listen(document, 'visibilitychange', () => {
				if (document.visibilityState === 'visible') void this.checkForUpdate();
			});
		} catch (error) {
			console.warn('pwa: service worker registration failed', error);
		}
	}

	async #requestPersistence(): Promise<void> {
		try {
			if (!navigator.storage?.persisted) return;
			// Best-effort storage can be evicted under disk pressure, taking unsynced sales with it.
			if (await navigator.storage.persisted()) {
				this.persisted = true;
				return;
			}
			this.persisted = navigator.storage.persist ? await navigator.storage.persist() : false;
		} catch (error) {
			console.warn('pwa: could not ask for persistent storage', error);
		}
	}
}

export const pwa = new PwaState();
