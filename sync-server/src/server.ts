import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createApi } from './api.js';
import { SYNC_SUBPROTOCOL, urlCarriesToken, type Authenticate, type AuthOutcome } from './auth.js';
import { createStaticHandler } from './http-static.js';
import { clientIp, RateLimiter, sendError, sendJson } from './http-util.js';
import { silentLog, type Log } from './log.js';
import { ShopRegistry } from './shops.js';
import { isShared, type RelayStorage } from './storage/types.js';
import { attachMux } from './mux.js';
import { CLOSE_TOKEN_ROTATED, DOC_NAME, SyncHub } from './ws-sync.js';

export interface RelayLimits {
	maxMessageBytes: number;
	maxConnectionsPerIp: number;
	pairAttemptsPerMinute: number;
	compactAfter: number;
	unloadDelayMs: number;
	pingIntervalMs: number;
	/** Multiplexed sockets: time to send the auth frame, docs held at once, unsent bytes before 4409. */
	muxAuthTimeoutMs: number;
	muxMaxDocs: number;
	muxMaxBufferedBytes: number;
}

export const defaultLimits: RelayLimits = {
	maxMessageBytes: 10 * 1024 * 1024,
	maxConnectionsPerIp: 50,
	pairAttemptsPerMinute: 10,
	compactAfter: 500,
	unloadDelayMs: 30_000,
	pingIntervalMs: 30_000,
	muxAuthTimeoutMs: 10_000,
	// A tablet holds ~20; catching up after days offline, its linger window can hold more.
	muxMaxDocs: 256,
	// Above the largest frame, so a tablet catching up over a slow link is not cut off.
	muxMaxBufferedBytes: 64 * 1024 * 1024
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
	/** A fake clock for tests (pairing expiry, rate-limit windows, token idle expiry). */
	now?: () => number;
	/** Device tokens unused this many days are refused ('token-expired'); 0 = never. Default 90. */
	tokenIdleDays?: number;
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
	const registry = new ShopRegistry(options.storage, now, { tokenIdleDays: options.tokenIdleDays });
	const authenticate = options.authenticate ?? registry.authenticate;
	const injected = options.authenticate;
	const asOutcome = (principal: Awaited<ReturnType<Authenticate>>): AuthOutcome =>
		principal ? { ok: true, principal } : { ok: false, error: 'unauthorized' };
	const authorize = injected
		? async (req: IncomingMessage) => asOutcome(await injected(req))
		: (req: IncomingMessage) => registry.authorize(req);
	// The multiplexed socket's token arrives in its first frame; an injected authenticate sees it
	// as the Authorization header it would get over HTTP.
	const checkToken = injected
		? async (token: string) =>
				asOutcome(await injected({ headers: { authorization: `Bearer ${token}` }, url: '/sync' } as IncomingMessage))
		: (token: string) => registry.checkToken(token);
	const ipOf = (req: IncomingMessage) => clientIp(req, options.trustProxy ?? false);
	const hub = new SyncHub({
		storage: options.storage,
		log,
		compactAfter: limits.compactAfter,
		unloadDelayMs: limits.unloadDelayMs,
		pingIntervalMs: limits.pingIntervalMs
	});
	/** Several instances on one store: the device's sockets on the others close too. */
	function announceCut(shopId: string, deviceId: string, rotated: boolean): void {
		if (!isShared(options.storage)) return;
		options.storage.announceRevoked(shopId, deviceId, rotated).catch((error: unknown) =>
			log('revoke-announce-failed', { error: String(error).slice(0, 200) })
		);
	}
	const api = createApi({
		registry,
		authorize,
		onDeviceRevoked: (shopId, deviceId) => {
			hub.closeDevice(shopId, deviceId);
			announceCut(shopId, deviceId, false);
		},
		onTokenRotated: (shopId, deviceId) => {
			hub.closeDevice(shopId, deviceId, CLOSE_TOKEN_ROTATED, 'token rotated');
			announceCut(shopId, deviceId, true);
		},
		stateVector: (shopId, docName) => hub.storedStateVector(`${shopId}/${docName}`),
		compact: (shopId, docName) => hub.compact(`${shopId}/${docName}`),
		setupSecret: options.setupSecret,
		pairLimiter: new RateLimiter(limits.pairAttemptsPerMinute, now),
		clientIp: ipOf,
		log
	});
	// Several instances on one store: what another instance stores or revokes reaches our clients.
	if (isShared(options.storage)) {
		options.storage.listen({
			onAppended: (docKey, seq) => hub.remoteAppended(docKey, seq),
			onRevoked: (shopId, deviceId, rotated) =>
				rotated ? hub.closeDevice(shopId, deviceId, CLOSE_TOKEN_ROTATED, 'token rotated') : hub.closeDevice(shopId, deviceId),
			onResync: () => hub.resyncAll()
		});
	}
	const serveStatic = createStaticHandler(options.staticDir);
	// ws enforces maxPayload itself and closes the socket with 1009.
	// The per-doc path's token subprotocol is never echoed: the relay answers SYNC_SUBPROTOCOL.
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: limits.maxMessageBytes,
		handleProtocols: (protocols) => (protocols.has(SYNC_SUBPROTOCOL) ? SYNC_SUBPROTOCOL : false)
	});
	const muxOptions = {
		hub,
		log,
		checkToken,
		authTimeoutMs: limits.muxAuthTimeoutMs,
		maxDocsPerSocket: limits.muxMaxDocs,
		maxBufferedBytes: limits.muxMaxBufferedBytes
	};
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
		const url = req.url ?? '';
		const mux = /^\/sync\/?(?:\?|$)/.test(url);
		const match = mux ? null : /^\/sync\/([^/?]+)(?:\?|$)/.exec(url);
		if (!mux && !match) return reject(socket, 404);
		// Tokens in URLs end up in access logs: refused outright, never looked up.
		if (urlCarriesToken(url)) {
			log('ws-refused', { reason: 'token-in-url' });
			return reject(socket, 400);
		}
		const docName = match?.[1] ?? '';
		if (!mux && !DOC_NAME.test(docName)) return reject(socket, 400);
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
		// One socket for all of a tablet's docs; it authenticates with its first frame.
		if (mux) return wss.handleUpgrade(req, socket, head, (ws) => attachMux(ws, muxOptions));
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
