// Cutting one tablet off the network in a browser test (shared by the specs that need it).
import type { BrowserContext, WebSocketRoute } from '@playwright/test';

/**
 * context.setOffline() fails HTTP but leaves websockets alone (microsoft/playwright#4910; Chromium
 * does not close sockets when the network goes either). So the sync sockets are routed through
 * Playwright: going offline closes them, and new ones hang in CONNECTING until the network is back,
 * as they do when the shop's Wi-Fi drops.
 */
export async function cuttableSockets(context: BrowserContext): Promise<(offline: boolean) => Promise<void>> {
	let offline = false;
	let reconnect = () => {};
	let back = Promise.resolve();
	const open = new Set<WebSocketRoute>();
	// The tablet's one multiplexed socket (/sync), and any per-doc one (/sync/<doc>).
	await context.routeWebSocket(/\/sync(?:\/|$|\?)/, async (ws) => {
		while (offline) await back;
		ws.connectToServer();
		open.add(ws);
		ws.onClose(() => open.delete(ws));
	});
	return async (next) => {
		await context.setOffline(next);
		if (next && !offline) {
			offline = true;
			back = new Promise((done) => (reconnect = done));
			// 4000: a private code the sync socket reconnects after (4401-4403 would stop it for good).
			await Promise.all([...open].map((ws) => ws.close({ code: 4000, reason: 'test: network down' })));
			open.clear();
		} else if (!next && offline) {
			offline = false;
			reconnect();
		}
	};
}
