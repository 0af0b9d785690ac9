import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// The build loads this config more than once; the version (which names a global shared by the
// HTML and the JS) must be the same each time, so it is fixed once per build process.
process.env.APP_VERSION ??= new Date().toISOString();

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every tablet renders from IndexedDB, so there is nothing to render on a server.
		// The relay serves index.html for every unknown path and the service worker does the same offline.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
		// The app registers the service worker through workbox-window, to show "Update available" (src/lib/state/pwa.svelte.ts).
		serviceWorker: { register: false },
		version: { name: process.env.APP_VERSION }
	}
};

export default config;
