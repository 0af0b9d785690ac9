// Test-only helpers: an in-process relay on an ephemeral port, y-websocket clients, waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { tokenSubprotocols } from '../auth.js';
import { createRelay, type Relay, type RelayOptions } from '../server.js';
import { MemoryStorage } from '../storage/memory.js';

export interface Harness {
	relay: Relay;
	base: string;
	wsBase: string;
	close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Runs every cleanup registered since the last call; call it from afterEach. */
export async function cleanupAll(): Promise<void> {
	while (cleanups.length > 0) await cleanups.pop()!();
}

export function tempDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	cleanups.unshift(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** The setup secret harness relays use unless a test sets its own (or `setupSecret: undefined`). */
export const SETUP_SECRET = 'harness-setup-secret';

export async function startRelay(options: Partial<RelayOptions> = {}): Promise<Harness> {
	const relay = createRelay({
		storage: options.storage ?? new MemoryStorage(),
		staticDir: options.staticDir ?? tempDir('relay-static-'),
		setupSecret: 'setupSecret' in options ? options.setupSecret : SETUP_SECRET,
		...options,
		limits: { unloadDelayMs: 20, ...options.limits }
	});
	const { port } = await relay.listen(0, '127.0.0.1');
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		await relay.close();
	};
	cleanups.push(close);
	return { relay, base: `http://127.0.0.1:${port}`, wsBase: `ws://127.0.0.1:${port}/sync`, close };
}

export async function api(
	h: Harness,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {}
): Promise<{ status: number; body: any }> {
	const res = await fetch(h.base + path, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function createShop(h: Harness, shopName = 'Corner Shop') {
	const res = await api(h, 'POST', '/api/shops', { shopName, deviceName: 'Till 1' }, { 'x-setup-secret': SETUP_SECRET });
	if (res.status !== 201) throw new Error(`createShop: ${res.status}`);
	return res.body as { shopId: string; deviceId: string; token: string; role: string };
}

export async function pairStaff(h: Harness, ownerToken: string, deviceName = 'Till 2') {
	const pairing = await api(h, 'POST', '/api/pairings', {}, bearer(ownerToken));
	const res = await api(h, 'POST', '/api/pair', { code: pairing.body.code, deviceName });
	if (res.status !== 201) throw new Error(`pair: ${res.status}`);
	return res.body as { shopId: string; deviceId: string; token: string; role: string };
}

export function connect(h: Harness, docName: string, token: string) {
	const doc = new Y.Doc();
	// The stock provider, token in the subprotocol header (never in the URL).
	const provider = new WebsocketProvider(h.wsBase, docName, doc, {
		protocols: tokenSubprotocols(token),
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		// Node has BroadcastChannel: two providers in one process would otherwise sync
		// through it and never test the relay.
		disableBc: true,
		maxBackoffTime: 100
	});
	cleanups.push(() => {
		provider.destroy();
		doc.destroy();
	});
	return { doc, provider };
}

export async function waitFor(
	what: string,
	condition: () => boolean | Promise<boolean>,
	timeoutMs = 5000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export const health = async (h: Harness) => (await api(h, 'GET', '/healthz')).body;

export const synced = (provider: WebsocketProvider) => waitFor('sync', () => provider.synced);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A raw ws client, to see exactly what the relay answers at the upgrade or on bad frames.
 * `token` goes in the subprotocol header, as the stock provider sends it.
 */
export function rawSocket(url: string, { token, ...options }: WebSocket.ClientOptions & { token?: string } = {}) {
	const ws = new WebSocket(url, token === undefined ? [] : tokenSubprotocols(token), options);
	const result = {
		ws,
		messages: 0,
		/** First byte of each message received: 0 sync, 1 awareness. */
		types: [] as number[],
		upgradeStatus: undefined as number | undefined,
		closeCode: undefined as number | undefined,
		opened: new Promise<boolean>((resolve) => {
			ws.once('open', () => resolve(true));
			ws.once('unexpected-response', (_req, res) => {
				result.upgradeStatus = res.statusCode;
				res.resume();
				resolve(false);
			});
			ws.once('error', () => resolve(false));
		}),
		closed: new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
	};
	ws.on('error', () => {});
	ws.on('message', (data: Buffer) => {
		result.messages++;
		result.types.push(data[0]);
	});
	void result.closed.then((code) => (result.closeCode = code));
	cleanups.push(() => ws.terminate());
	return result;
}

/** An HTTP request whose path is sent byte for byte (fetch would normalise '..' away). */
export function rawGet(
	h: Harness,
	path: string,
	headers: Record<string, string> = {},
	method = 'GET'
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
	const url = new URL(h.base);
	return new Promise((resolve, reject) => {
		const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.end();
	});
}
