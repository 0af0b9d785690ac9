// The JavaScript a page needs before it can be used: every script fetched while `path` loads,
// gzip-compressed from the build folder (what a tablet downloads on its first visit).
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export async function initialJs(page: Page, url: string, path = '/customers', buildDir = 'build'): Promise<{ bytes: number; scripts: string[] }> {
	const scripts = new Set<string>();
	page.on('response', (r) => {
		if (r.request().resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
	});
	await page.goto(url + path, { waitUntil: 'networkidle' });
	let bytes = 0;
	for (const p of scripts) bytes += gzipSync(readFileSync(join(buildDir, p))).length;
	return { bytes, scripts: [...scripts] };
}
