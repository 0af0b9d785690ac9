// Shared by playwright.config.ts and the tests, so a test that starts its own browser or relay
// does it exactly the way the configured ones are started.

/** Debian's Chromium: Playwright's own browser downloads are not reachable everywhere we build. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
] as const;

/**
 * The relays the tests start are set up like a hosted install: creating a shop needs this
 * SETUP_SECRET (a fresh `npm start` would print a one-time code instead).
 */
export const TEST_SETUP_SECRET = 'playwright-setup-secret';

/** The relay entry point; overridable only to try the tests against another relay build. */
export const RELAY_ENTRY = process.env.SHOP_CRM_RELAY_ENTRY ?? 'sync-server/dist/main.js';
