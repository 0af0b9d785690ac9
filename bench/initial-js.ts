// The JavaScript a page needs before it can be used: every script fetched while `path` loads,
// gzip-compressed from the build folder (what a tablet downloads on its first visit). The app's Web
// Workers' scripts are counted apart: they run off the main thread, and a worker's fetch can come
// after the page's network is idle, so the wait includes the workers the page starts (`workers`).
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export async function initialJs(
	page: Page,
	url: string,
	path = '/customers',
	buildDir = 'build',
	workers = 2
): Promise<{ bytes: number; workerBytes: number; scripts: string[] }> {
	const scripts = new Set<string>();
	page.on('response', (r) => {
		if (r.request().resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
	});
	await page.goto(url + path, { waitUntil: 'networkidle' });
	// The derive worker (app start) and the list worker (the customer list), then their imports.
	const until = Date.now() + 20_000;
	while (page.workers().length < workers && Date.now() < until) await page.waitForTimeout(100);
	await page.waitForLoadState('networkidle');
	let bytes = 0;
	let workerBytes = 0;
	for (const p of scripts) {
		const size = gzipSync(readFileSync(join(buildDir, p))).length;
		if (p.includes('/workers/')) workerBytes += size;
		else bytes += size;
	}
	return { bytes, workerBytes, scripts: [...scripts] };
}
