import { expect, type Page } from '@playwright/test';

/** Opens the app at '/' (or `path`) and waits until the shell is interactive. */
export async function openApp(page: Page, path = '/'): Promise<void> {
	await page.goto(path);
	await expectShell(page);
}

/** The layout's navigation is the first thing rendered, online or offline. */
export async function expectShell(page: Page): Promise<void> {
	await expect(page.getByRole('link', { name: 'Customers', exact: true }).first()).toBeVisible();
}

/**
 * Waits until a service worker controls the page. The worker claims open pages when it first
 * activates, so a reload is needed only if that claim lost a race with the page load.
 */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
	const controlled = await page.evaluate(async () => {
		const registered = await Promise.race([
			navigator.serviceWorker.ready.then(() => true),
			new Promise<false>((done) => setTimeout(() => done(false), 20_000))
		]);
		if (!registered) return 'no-registration' as const;
		if (navigator.serviceWorker.controller) return true;
		await new Promise((done) => {
			navigator.serviceWorker.addEventListener('controllerchange', done, { once: true });
			setTimeout(done, 5_000);
		});
		return !!navigator.serviceWorker.controller;
	});
	if (controlled === 'no-registration') {
		throw new Error('No service worker was registered within 20 s: does the root layout call pwa.start()?');
	}
	if (!controlled) await page.reload();
	await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 10_000 });
}

/** Asks the controlling worker which build it is (see the GET_VERSION message in service-worker.ts). */
export async function controllerVersion(page: Page): Promise<string | null> {
	return page.evaluate(async () => {
		const controller = navigator.serviceWorker.controller;
		if (!controller) return null;
		const channel = new MessageChannel();
		const reply = new Promise<string>((done) => {
			channel.port1.onmessage = (event: MessageEvent<{ version: string }>) => done(event.data.version);
		});
		controller.postMessage({ type: 'GET_VERSION' }, [channel.port2]);
		return reply;
	});
}

export interface InstallabilityError {
	errorId: string;
	errorArguments: Array<{ name: string; value: string }>;
}

/** Chromium's own verdict on whether the page can be installed as an app (empty = installable). */
export async function getInstallabilityErrors(page: Page): Promise<InstallabilityError[]> {
	const cdp = await page.context().newCDPSession(page);
	try {
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		return installabilityErrors;
	} finally {
		await cdp.detach();
	}
}

/** The manifest as Chromium parsed it, with its parse errors. */
export async function getAppManifest(page: Page): Promise<{ url: string; errors: Array<{ message: string; critical: number }> }> {
	const cdp = await page.context().newCDPSession(page);
	try {
		const { url, errors } = await cdp.send('Page.getAppManifest', {});
		return { url, errors };
	} finally {
		await cdp.detach();
	}
}
