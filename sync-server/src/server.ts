import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createApi } from './api.js';
import type { Authenticate } from './auth.js';
import { createStaticHandler } from './http-static.js';
import { clientIp, RateLimiter, sendError, sendJson } from './http-util.js';
import { silentLog, type Log } from './log.js';
import { ShopRegistry } from './shops.js';
import type { RelayStorage } from './storage/types.js';
import { DOC_NAME, SyncHub } from './ws-sync.js';

export interface RelayLimits {
	maxMessageBytes: number;
	maxConnectionsPerIp: number;
	pairAttemptsPerMinute: number;
	compactAfter: number;
	unloadDelayMs: number;
	pingIntervalMs: number;
}

export const defaultLimits: RelayLimits = {
	maxMessageBytes: 10 * 1024 * 1024,
	maxConnectionsPerIp: 50,
	pairAttemptsPerMinute: 10,
	compactAfter: 500,
	unloadDelayMs: 30_000,
	pingIntervalMs: 30_000
};

export interface RelayOptions {
	storage: RelayStorage;
	staticDir: string;
	/** Defaults to device tokens issued by this relay (ShopRegistry). */
	authenticate?: Authenticate;
	limits?: Partial<RelayLimits>;
	log?: Log;
	setupSecret?: string;
	/** Count limits against X-Forwarded-For (only behind a reverse proxy you run). */
	trustProxy?: boolean;
	/** A fake clock for tests (pairing expiry, rate-limit windows). */
	now?: () => number;
}

export interface Relay {
	listen(port: number, host?: string): Promise<AddressInfo>;
	close(): Promise<void>;
	readonly address: AddressInfo | null;
	readonly registry: ShopRegistry;
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	404: 'Not Found',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	503: 'Service Unavailable'
};

export function createRelay(options: RelayOptions): Relay {
	const limits = { ...defaultLimits, ...options.limits };
	const log = options.log ?? silentLog;
	const now = options.now ?? Date.now;
	const startedAt = now();
	const registry = new ShopRegistry(options.storage, now);
	const authenticate = options.authenticate ?? registry.authenticate;
	const ipOf = (req: IncomingMessage) => clientIp(req, options.trustProxy ?? false);
	const hub = new SyncHub({
		storage: options.storage,
		log,
		compactAfter: limits.compactAfter,
		unloadDelayMs: limits.unloadDelayMs,
		pingIntervalMs: limits.pingIntervalMs
	});
	const api = createApi({
		registry,
		authenticate,
		onDeviceRevoked: (shopId, deviceId) => hub.closeDevice(shopId, deviceId),
		stateVector: (shopId, docName) => hub.storedStateVector(`${shopId}/${docName}`),
		compact: (shopId, docName) => hub.compact(`${shopId}/${docName}`),
		setupSecret: options.setupSecret,
		pairLimiter: new RateLimiter(limits.pairAttemptsPerMinute, now),
		clientIp: ipOf,
		log
	});
	const serveStatic = createStaticHandler(options.staticDir);
	// ws enforces maxPayload itself and closes the socket with 1009.
	const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
	const connectionsPerIp = new Map<string, number>();
	let closing = false;
	let address: AddressInfo | null = null;

	async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const pathname = (req.url ?? '/').split('?')[0];
		if (pathname === '/healthz') {
			return sendJson(res, 200, {
				ok: true,
				uptimeSeconds: Math.floor((now() - startedAt) / 1000),
				docs: hub.docCount,
				connections: hub.connectionCount
			});
		}
		if (pathname.startsWith('/api/') || pathname === '/api') return api(req, res, pathname);
		if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 'method-not-allowed');
		return serveStatic(req, res, pathname);
	}

	function reject(socket: Duplex, status: number): void {
		socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
		// end() flushes the status line first; destroy covers a peer that never reads it.
		setTimeout(() => socket.destroy(), 1000).unref();
	}

	function release(ip: string): void {
		const count = (connectionsPerIp.get(ip) ?? 1) - 1;
		if (count <= 0) connectionsPerIp.delete(ip);
		else connectionsPerIp.set(ip, count);
	}

	async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		if (closing) return reject(socket, 503);
		const match = /^\/sync\/([^/?]+)(?:\?|$)/.exec(req.url ?? '');
		if (!match) return reject(socket, 404);
		const docName = match[1];
		if (!DOC_NAME.test(docName)) return reject(socket, 400);
		const ip = ipOf(req);
		const current = connectionsPerIp.get(ip) ?? 0;
		if (current >= limits.maxConnectionsPerIp) {
			log('ws-refused', { reason: 'too-many-connections' });
			return reject(socket, 429);
		}
		// Reserved before the async auth, so a burst cannot slip past the limit, and released
		// when the TCP socket closes, whichever way (refused, failed handshake, websocket closed).
		connectionsPerIp.set(ip, current + 1);
		socket.once('close', () => release(ip));
		let principal = null;
		try {
			principal = await authenticate(req);
		} catch (error) {
			log('auth-failed', { error: String(error).slice(0, 200) });
		}
		if (!principal || closing || socket.destroyed) {
			if (!principal) log('ws-refused', { reason: 'unauthorized' });
			return socket.destroyed ? undefined : reject(socket, principal ? 503 : 401);
		}
		const authenticated = principal;
		wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, authenticated, docName));
	}

	const server = createServer((req, res) => {
		onRequest(req, res).catch((error: unknown) => {
			log('http-error', { error: String(error).slice(0, 200) });
			if (!res.headersSent) sendError(res, 'internal');
			else res.destroy();
		});
	});
	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		// A client resetting mid-handshake must not become an uncaught error.
		socket.on('error', () => socket.destroy());
		onUpgrade(req, socket, head).catch((error: unknown) => {
			log('upgrade-error', { error: String(error).slice(0, 200) });
			if (!socket.destroyed) reject(socket, 500);
		});
	});
	server.on('clientError', (_error, socket) => {
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
		else socket.destroy();
	});

	return {
		registry,
		get address() {
			return address;
		},
		listen(port, host = '0.0.0.0') {
			return new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, () => {
					server.off('error', reject);
					address = server.address() as AddressInfo;
					resolve(address);
				});
			});
		},
		async close() {
			if (closing) return;
			closing = true;
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			await hub.close();
			wss.close();
			server.closeAllConnections();
			await stopped;
			await options.storage.close();
			log('relay-closed');
		}
	};
}
