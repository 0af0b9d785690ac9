import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'sync-server/src/**/*.test.ts'],
		environment: 'node',
		setupFiles: ['src/test-setup.ts'],
		testTimeout: 30_000
	}
});
