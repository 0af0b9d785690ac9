import { createReadStream, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { contentSecurityPolicy, inlineScriptHashes, type SecurityOptions } from './headers.js';
import { sendError } from './http-util.js';

const CONTENT_TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json',
	'.map': 'application/json; charset=utf-8',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.webp': 'image/webp',
	'.svg': 'image/svg+xml',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8',
	'.woff2': 'font/woff2',
	'.woff': 'font/woff',
	'.wasm': 'application/wasm'
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.map', '.svg', '.txt']);
const COMPRESS_MIN_BYTES = 1024;
const COMPRESS_MAX_BYTES = 8 * 1024 * 1024;
const CACHE_MAX_ENTRIES = 500;

type Encoding = 'br' | 'gzip';
interface Found {
	path: string;
	stats: Stats;
}

/**
 * Serves the built PWA. Immutable hashed assets are cached for a year; everything else is
 * revalidated (ETag), so a new deploy reaches tablets on their next load.
 */
export function createStaticHandler(staticDir: string, security: SecurityOptions = {}) {
	const root = resolve(staticDir);
	const compressed = new Map<string, Buffer>();
	const policies = new Map<string, string>();

	/** A page's CSP names the hashes of its own inline scripts (SvelteKit's bootstrap). */
	async function policyFor(found: Found): Promise<string> {
		const cacheKey = `${found.path}:${found.stats.mtimeMs}:${found.stats.size}`;
		let policy = policies.get(cacheKey);
		if (!policy) {
			policy = contentSecurityPolicy(security, inlineScriptHashes(await readFile(found.path, 'utf8')));
			if (policies.size >= CACHE_MAX_ENTRIES) policies.clear();
			policies.set(cacheKey, policy);
		}
		return policy;
	}

	async function findFile(path: string): Promise<Found | null> {
		for (const candidate of [path, `${path}.html`, join(path, 'index.html')]) {
			try {
				const stats = await stat(candidate);
				if (stats.isFile()) return { path: candidate, stats };
			} catch {
				// Not there; try the next candidate.
			}
		}
		return null;
	}

	async function compress(found: Found, encoding: Encoding): Promise<Buffer> {
		const cacheKey = `${encoding}:${found.path}:${found.stats.mtimeMs}:${found.stats.size}`;
		let body = compressed.get(cacheKey);
		if (!body) {
			const raw = await readFile(found.path);
			body =
				encoding === 'br'
					? brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } })
					: gzipSync(raw);
			if (compressed.size >= CACHE_MAX_ENTRIES) compressed.clear();
			compressed.set(cacheKey, body);
		}
		return body;
	}

	/** GET or HEAD only; an unknown path without an extension gets index.html (SPA fallback). */
	return async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
		let decoded: string;
		try {
			decoded = decodeURIComponent(pathname);
		} catch {
			return sendError(res, 'bad-path');
		}
		const segments = decoded.split('/');
		if (decoded.includes('\0') || decoded.includes('\\') || segments.includes('..')) {
			return sendError(res, 'bad-path');
		}
		const target = resolve(root, '.' + decoded);
		// Belt and braces after the '..' check: nothing outside the static root, ever.
		if (target !== root && !target.startsWith(root + sep)) return plain(res, 404, 'Not found');

		let found = await findFile(target);
		const ext = extname(decoded);
		if (!found && ext === '') found = await findFile(join(root, 'index.html'));
		if (!found) return plain(res, 404, 'Not found');

		const fileExt = extname(found.path).toLowerCase();
		const etag = `W/"${found.stats.size.toString(16)}-${Math.floor(found.stats.mtimeMs).toString(16)}"`;
		res.setHeader('Content-Type', CONTENT_TYPES[fileExt] ?? 'application/octet-stream');
		res.setHeader('Cache-Control', cacheControl(decoded));
		res.setHeader('ETag', etag);
		res.setHeader('X-Content-Type-Options', 'nosniff');
		if (fileExt === '.html') res.setHeader('Content-Security-Policy', await policyFor(found));
		if (req.headers['if-none-match'] === etag) {
			res.writeHead(304);
			return void res.end();
		}

		const encoding = COMPRESSIBLE.has(fileExt) ? pickEncoding(req.headers['accept-encoding']) : null;
		if (COMPRESSIBLE.has(fileExt)) res.setHeader('Vary', 'Accept-Encoding');
		if (encoding && found.stats.size >= COMPRESS_MIN_BYTES && found.stats.size <= COMPRESS_MAX_BYTES) {
			const body = await compress(found, encoding);
			res.writeHead(200, { 'Content-Encoding': encoding, 'Content-Length': body.length });
			return void res.end(req.method === 'HEAD' ? undefined : body);
		}
		res.writeHead(200, { 'Content-Length': found.stats.size });
		if (req.method === 'HEAD') return void res.end();
		const stream = createReadStream(found.path);
		stream.on('error', () => res.destroy());
		stream.pipe(res);
	};
}

function cacheControl(requestPath: string): string {
	if (requestPath.startsWith('/_app/immutable/')) return 'public, max-age=31536000, immutable';
	// index.html, service-worker.js, the manifest and version.json must be rechecked every load,
	// or tablets would keep an old app; the rest is small enough to revalidate too.
	return 'no-cache';
}

function pickEncoding(header: string | string[] | undefined): Encoding | null {
	const accepted = (Array.isArray(header) ? header.join(',') : (header ?? ''))
		.split(',')
		.map((part) => part.trim().split(';'))
		.filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
		.map(([name]) => name.toLowerCase());
	if (accepted.includes('br')) return 'br';
	if (accepted.includes('gzip')) return 'gzip';
	return null;
}

function plain(res: ServerResponse, status: number, text: string): void {
	res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
	res.end(res.req?.method === 'HEAD' ? undefined : text);
}
