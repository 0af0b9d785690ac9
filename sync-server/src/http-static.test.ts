import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, rawGet, startRelay, tempDir } from './testing/relay-harness.js';

afterEach(cleanupAll);

// <temp>/build is served; <temp>/secret.txt sits right outside it, where traversal would land.
function fakeBuild(): string {
	const dir = join(tempDir('relay-build-'), 'build');
	mkdirSync(join(dir, '_app/immutable/entry'), { recursive: true });
	writeFileSync(join(dir, '..', 'secret.txt'), 'nope');
	writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Shop CRM</title>');
	writeFileSync(join(dir, '_app/immutable/entry/app.abc123.js'), 'console.log("app");\n'.repeat(200));
	writeFileSync(join(dir, 'service-worker.js'), 'self.addEventListener("fetch", () => {});');
	writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Shop CRM"}');
	writeFileSync(join(dir, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
	return dir;
}

describe('static PWA serving', () => {
	it('serves files with their content type and caching', async () => {
		const h = await startRelay({ staticDir: fakeBuild() });
		const index = await rawGet(h, '/');
		expect(index.status).toBe(200);
		expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(index.headers['cache-control']).toBe('no-cache');
		expect(index.body.toString()).toContain('Shop CRM');

		const asset = await rawGet(h, '/_app/immutable/entry/app.abc123.js');
		expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
		expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');

		expect((await rawGet(h, '/service-worker.js')).headers['cache-control']).toBe('no-cache');
		const manifest = await rawGet(h, '/manifest.webmanifest');
		expect(manifest.headers['content-type']).toBe('application/manifest+json');
		expect(manifest.headers['cache-control']).toBe('no-cache');
		expect((await rawGet(h, '/icon.png')).headers['content-type']).toBe('image/png');
	});

	it('falls back to index.html for app routes, not for missing files', async () => {
		const h = await startRelay({ staticDir: fakeBuild() });
		const route = await rawGet(h, '/customers/42');
		expect(route.status).toBe(200);
		expect(route.body.toString()).toContain('Shop CRM');
		expect(route.headers['cache-control']).toBe('no-cache');
		expect((await rawGet(h, '/missing.js')).status).toBe(404);
	});

	it('never serves files outside the build directory', async () => {
		const h = await startRelay({ staticDir: fakeBuild() });
		for (const path of [
			'/../package.json',
			'/..%2fpackage.json',
			'/%2e%2e/package.json',
			'/%2e%2e%2fsecret.txt',
			'/_app/../../secret.txt',
			'/..%5csecret.txt',
			'/%00index.html',
			'/%E0%A4%A'
		]) {
			const res = await rawGet(h, path);
			expect([400, 404], path).toContain(res.status);
			expect(res.body.toString(), path).not.toContain('nope');
		}
	});

	it('answers HEAD without a body, compresses text, honours ETags', async () => {
		const h = await startRelay({ staticDir: fakeBuild() });
		const path = '/_app/immutable/entry/app.abc123.js';
		const head = await rawGet(h, path, {}, 'HEAD');
		expect(head.status).toBe(200);
		expect(head.body.length).toBe(0);
		expect(Number(head.headers['content-length'])).toBeGreaterThan(0);

		const gz = await rawGet(h, path, { 'accept-encoding': 'gzip' });
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(gz.body).toString()).toContain('console.log("app")');
		const plain = await rawGet(h, path);
		expect(plain.headers['content-encoding']).toBeUndefined();

		const etag = String(plain.headers.etag);
		expect((await rawGet(h, path, { 'if-none-match': etag })).status).toBe(304);
	});

	it('reports health', async () => {
		const h = await startRelay({ staticDir: fakeBuild() });
		const res = await rawGet(h, '/healthz');
		expect(res.status).toBe(200);
		expect(JSON.parse(res.body.toString())).toMatchObject({ ok: true, docs: 0, connections: 0 });
	});
});
