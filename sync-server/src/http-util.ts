import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrors, type ApiErrorCode } from './errors.js';

export const MAX_JSON_BODY_BYTES = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const payload = Buffer.from(JSON.stringify(body));
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': payload.length,
		'Cache-Control': 'no-store'
	});
	res.end(res.req?.method === 'HEAD' ? undefined : payload);
}

/** `extra` adds fields a client needs to word the error (e.g. idleDays for 'token-expired'). */
export function sendError(res: ServerResponse, code: ApiErrorCode, extra: Record<string, unknown> = {}): void {
	const [status, message] = apiErrors[code];
	if (status === 413) res.setHeader('Connection', 'close');
	sendJson(res, status, { ...extra, error: code, message });
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; error: ApiErrorCode };

/** Reads at most `limit` bytes; past that it stops buffering and reports 'body-too-large'. */
export function readJsonBody(req: IncomingMessage, limit = MAX_JSON_BODY_BYTES): Promise<BodyResult> {
	return new Promise((resolve) => {
		const declared = Number(req.headers['content-length']);
		if (Number.isFinite(declared) && declared > limit) {
			req.resume();
			return resolve({ ok: false, error: 'body-too-large' });
		}
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const finish = (result: BodyResult) => {
			if (!done) {
				done = true;
				resolve(result);
			}
		};
		req.on('data', (chunk: Buffer) => {
			if (done) return;
			size += chunk.length;
			if (size > limit) {
				// Keep draining (the response says Connection: close) rather than buffering more.
				chunks.length = 0;
				return finish({ ok: false, error: 'body-too-large' });
			}
			chunks.push(chunk);
		});
		req.on('error', () => finish({ ok: false, error: 'invalid-json' }));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			if (text.trim() === '') return finish({ ok: true, value: {} });
			try {
				finish({ ok: true, value: JSON.parse(text) });
			} catch {
				finish({ ok: false, error: 'invalid-json' });
			}
		});
	});
}

/**
 * The address limits are counted against. Behind a reverse proxy every client shares the
 * proxy's address, so with trustProxy the last X-Forwarded-For hop (added by our proxy) counts.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
	const forwarded = req.headers['x-forwarded-for'];
	if (trustProxy && typeof forwarded === 'string' && forwarded.trim() !== '') {
		return forwarded.split(',').at(-1)!.trim();
	}
	return req.socket.remoteAddress ?? 'unknown';
}

/** Fixed one-minute windows per key; enough to make guessing pairing codes pointless. */
export class RateLimiter {
	#hits = new Map<string, { windowStart: number; count: number }>();
	constructor(
		private readonly perMinute: number,
		private readonly now: () => number
	) {}

	/** Counts one attempt; false once the key is over its budget for the current minute. */
	allow(key: string): boolean {
		const now = this.now();
		if (this.#hits.size > 10_000) this.#sweep(now);
		const entry = this.#hits.get(key);
		if (!entry || now - entry.windowStart >= 60_000) {
			this.#hits.set(key, { windowStart: now, count: 1 });
			return true;
		}
		entry.count++;
		return entry.count <= this.perMinute;
	}

	/** Whether the key is over its budget this minute, without counting an attempt. */
	blocked(key: string): boolean {
		const entry = this.#hits.get(key);
		return entry !== undefined && this.now() - entry.windowStart < 60_000 && entry.count >= this.perMinute;
	}

	#sweep(now: number) {
		for (const [key, entry] of this.#hits) {
			if (now - entry.windowStart >= 60_000) this.#hits.delete(key);
		}
	}
}
