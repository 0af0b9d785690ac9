import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The WebUSB / Web Serial printer drivers export only a 'browser' build: SvelteKit's server
// build (it has one even with ssr off) and the printer tests in Node (against a fake
// navigator.usb / navigator.serial) need to be pointed at it.
const browserOnly = (pkg: string) => fileURLToPath(new URL(`./node_modules/@point-of-sale/${pkg}/dist/${pkg}.esm.js`, import.meta.url));

export default defineConfig({
	plugins: [sveltekit()],
	// Module workers (they are started with type: 'module'): code a worker imports with import()
	// becomes a chunk of its own, loaded only when used, instead of being inlined into the worker.
	worker: { format: 'es' },
	resolve: {
		alias: {
			'@point-of-sale/webusb-receipt-printer': browserOnly('webusb-receipt-printer'),
			'@point-of-sale/webserial-receipt-printer': browserOnly('webserial-receipt-printer')
		}
	},
	test: {
		include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'sync-server/src/**/*.test.ts'],
		environment: 'node',
		setupFiles: ['src/test-setup.ts'],
		testTimeout: 30_000
	}
});
