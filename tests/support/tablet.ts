// Tests that drive a tablet through the same calls its UI makes (globalThis.shopCrm / shopCrmSync).
import type { Page } from '@playwright/test';
import type { ShopState } from '../../src/lib/state/shop.svelte';
import type { SyncState } from '../../src/lib/state/sync.svelte';

/** The page's globals, typed as the app's own state classes. */
export type AppWindow = typeof globalThis & { shopCrm: ShopState; shopCrmSync: SyncState };

/** Opens a tablet on `url` and waits until its local database is open. */
export async function openTablet(page: Page, url: string): Promise<void> {
	await page.goto(url + '/settings');
	await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
}
