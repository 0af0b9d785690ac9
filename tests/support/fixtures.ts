import { chromium, test as base, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './env';
import { copyBuild, startRelay, type Relay } from './relay';

export { expect } from '@playwright/test';
export * from './app';
export { pngSize } from './png';

interface Fixtures {
	/**
	 * A page in an ordinary on-disk profile. Playwright's contexts are incognito, where Chromium
	 * refuses to install apps ('in-incognito') and never grants persistent storage.
	 */
	profilePage: Page;
	/** Starts an extra relay (stopped after the test); by default on a private copy of the build. */
	spareRelay: (options?: { staticDir?: string }) => Promise<Relay>;
}

// Each test already gets a fresh browser context, so IndexedDB, caches and service workers start empty.
export const test = base.extend<Fixtures>({
	profilePage: async ({ baseURL, viewport }, use) => {
		const profileDir = mkdtempSync(join(tmpdir(), 'shop-crm-profile-'));
		const context = await chromium.launchPersistentContext(profileDir, {
			executablePath: CHROMIUM_PATH,
			args: [...CHROMIUM_ARGS],
			baseURL,
			viewport
		});
		try {
			await use(context.pages()[0] ?? (await context.newPage()));
		} finally {
			await context.close();
			rmSync(profileDir, { recursive: true, force: true });
		}
	},
	// eslint-disable-next-line no-empty-pattern
	spareRelay: async ({}, use) => {
		const cleanups: Array<() => Promise<void> | void> = [];
		await use(async (options = {}) => {
			let staticDir = options.staticDir;
			if (!staticDir) {
				const copy = copyBuild();
				cleanups.push(copy.remove);
				staticDir = copy.dir;
			}
			const relay = await startRelay({ staticDir });
			cleanups.unshift(relay.stop);
			return relay;
		});
		for (const cleanup of cleanups) await cleanup();
	}
});
