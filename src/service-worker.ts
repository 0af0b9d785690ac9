/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

// Offline-first shell: a till must open with no network at all, so navigations are answered
// from the precache before the network is even tried. Data never passes through here: it lives
// in IndexedDB and syncs over the /sync websocket, which a service worker cannot intercept anyway.
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE_PREFIX = 'shop-crm-';
const CACHE = `${CACHE_PREFIX}${version}`;
// adapter-static writes the SPA fallback as index.html; the relay serves it for '/', which is
// also the manifest's start_url, so '/' is the key every navigation is answered with.
const SHELL = '/';

const IMMUTABLE = new Set(build);
const STATIC_FILES = new Set(files);

sw.addEventListener('install', (event) => {
	// No skipWaiting() here: open tabs keep the version they loaded until the person chooses
	// "Reload" (pwa.applyUpdate), so a half-entered sale is never swapped out underneath them.
	event.waitUntil(precache());
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key.startsWith(CACHE_PREFIX) && key !== CACHE) await caches.delete(key);
			}
			// The first install controls the page that registered it, so it works offline at once.
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event) => {
	const data: unknown = event.data;
	if (!isMessage(data)) return;
	// SKIP_WAITING is what workbox-window's messageSkipWaiting() sends (pwa.applyUpdate).
	if (data.type === 'SKIP_WAITING') {
		event.waitUntil(sw.skipWaiting());
	} else if (data.type === 'GET_VERSION') {
		// Lets the page (and the update test) ask which build is in control.
		event.ports[0]?.postMessage({ type: 'VERSION', version });
	}
});

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	if (isLiveEndpoint(url.pathname)) return;

	if (request.mode === 'navigate' && !STATIC_FILES.has(url.pathname)) {
		event.respondWith(shell(request));
	} else if (IMMUTABLE.has(url.pathname) || STATIC_FILES.has(url.pathname) || url.pathname.startsWith('/_app/immutable/')) {
		event.respondWith(cacheFirst(request));
	}
	// Anything else goes to the network untouched.
});

async function precache(): Promise<void> {
	const cache = await caches.open(CACHE);
	// Hashed build files never change under one name, so the HTTP cache may supply them.
	// The shell and static/ files keep their names across versions: revalidate them, or a new
	// worker could precache the previous version's index.html pointing at deleted chunks.
	await cache.addAll([
		...build,
		...files.map((path) => new Request(path, { cache: 'no-cache' })),
		new Request(SHELL, { cache: 'no-cache' })
	]);
	await precacheWorkerChunks(cache);
}

/**
 * The Web Workers are built apart from the pages, so what they load with import() (the derive
 * worker's search keys for an old schema's upgrade, its error table) is not in `build`. Read each
 * worker script from the cache and add the chunks it names, and theirs: offline, a worker must
 * find every file it may ask for.
 */
async function precacheWorkerChunks(cache: Cache): Promise<void> {
	const seen = new Set<string>();
	const todo = build.filter((path) => path.includes('/workers/') && path.endsWith('.js'));
	while (todo.length) {
		const path = todo.pop()!;
		if (seen.has(path)) continue;
		seen.add(path);
		const response = await cache.match(path);
		if (!response) continue;
		const source = await response.text();
		const found = [...source.matchAll(/["'`](\.{1,2}\/[\w./-]+\.js)["'`]/g)].map((m) => new URL(m[1], self.location.origin + path).pathname);
		const missing: string[] = [];
		for (const chunk of found) {
			if (seen.has(chunk) || IMMUTABLE.has(chunk)) continue;
			if (!(await cache.match(chunk))) missing.push(chunk);
			todo.push(chunk);
		}
		if (missing.length) await cache.addAll(missing);
	}
}

async function shell(request: Request): Promise<Response> {
	const cached = await caches.match(SHELL, { cacheName: CACHE });
	return cached ?? fetch(request);
}

async function cacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	const cached = await cache.match(request);
	if (cached) return cached;
	const response = await fetch(request);
	// Opaque, partial or error responses must not be pinned for the life of this version.
	if (response.ok && response.status === 200 && response.type === 'basic') {
		await cache.put(request, response.clone());
	}
	return response;
}

function isLiveEndpoint(pathname: string): boolean {
	return (
		pathname === '/sync' ||
		pathname.startsWith('/sync/') ||
		pathname.startsWith('/api/') ||
		pathname === '/healthz' ||
		pathname === '/service-worker.js'
	);
}

type WorkerMessage = { type: 'SKIP_WAITING' } | { type: 'GET_VERSION' };

function isMessage(data: unknown): data is WorkerMessage {
	return typeof data === 'object' && data !== null && 'type' in data && typeof data.type === 'string';
}
