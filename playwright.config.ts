import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH, RELAY_ENTRY, TEST_SETUP_SECRET } from './tests/support/env';

// The browser tests run against the real relay serving the real build (`npm test` builds both
// first), so what passes here is what a till gets: service worker, SPA fallback and all.
const PORT = Number(process.env.SHOP_CRM_TEST_PORT ?? 4873);

// One fresh relay data directory per run. Set once in the runner process and inherited by
// workers, so every process agrees on it. test-results/ is emptied before the web server starts.
process.env.SHOP_CRM_TEST_DATA_DIR ??= resolve('test-results', `relay-data-${process.pid}`);

export default defineConfig({
	testDir: 'tests',
	// Vitest's Node tests (tests/unit/*.test.ts) live here too; Playwright runs the *.spec.ts files.
	testMatch: '**/*.spec.ts',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: 2,
	retries: process.env.CI ? 1 : 0,
	forbidOnly: !!process.env.CI,
	reporter: 'list',
	use: {
		browserName: 'chromium',
		baseURL: `http://localhost:${PORT}`,
		viewport: { width: 1024, height: 768 },
		launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
		// Service workers are part of what is under test.
		serviceWorkers: 'allow',
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	},
	webServer: {
		command: `node ${RELAY_ENTRY}`,
		url: `http://localhost:${PORT}/healthz`,
		reuseExistingServer: false,
		timeout: 30_000,
		stdout: 'pipe',
		stderr: 'pipe',
		env: {
			PORT: String(PORT),
			DATA_DIR: process.env.SHOP_CRM_TEST_DATA_DIR,
			SETUP_SECRET: TEST_SETUP_SECRET,
			STATIC_DIR: resolve('build')
		}
	}
});
