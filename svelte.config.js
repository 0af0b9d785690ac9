import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every tablet renders from IndexedDB, so there is nothing to render on a server.
		// The relay serves index.html for every unknown path and the service worker does the same offline.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
		// We register the service worker ourselves so that we can show "Update available" (src/lib/state/pwa.svelte.ts).
		serviceWorker: { register: false },
		version: { name: process.env.APP_VERSION ?? new Date().toISOString() }
	}
};

export default config;
