import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createApi, safeDecode } from './api.js';
import { SYNC_SUBPROTOCOL, urlCarriesToken, type Authenticate, type AuthOutcome, type Principal } from './auth.js';
import { COMMON_SECURITY_HEADERS, originAllowed } from './headers.js';
import { createStaticHandler } from './http-static.js';
import { clientIp, RateLimiter, sendError, sendJson } from './http-util.js';
import { connectionBudget, openFileLimit, DeviceRates, StorageUsage } from './limits.js';
import { silentLog, type Log } from './log.js';
import { SetupGate } from './setup.js';
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
	/** Largest document the relay holds or loads (stored bytes). */
	maxDocBytes: number;
	/** Stored bytes of every document in memory together (bounds the heap). */
	maxLoadedBytes: number;
	/** Stored bytes per shop, all its documents together. */
	maxShopBytes: number;
	/** Per device, over all its sockets: sync updates per second and bytes per second. */
	updatesPerSecond: number;
	updateBurst: number;
	bytesPerSecond: number;
	byteBurst: number;
	/** Websockets over all shops (default: the descriptor limit less a reserve, see limits.ts). */
	maxConnections: number;
	maxConnectionsPerShop: number;
	/** TCP connections of any kind; a new one past this is closed at once. */
	maxSockets: number;
	/** A request (or upgrade) must have sent its headers within this. */
	headersTimeoutMs: number;
	/** An upgrade must be authenticated within this, or it gets 503. */
	handshakeTimeoutMs: number;
	/** Multiplexed sockets: time to send the auth frame, docs held at once, unsent bytes before 4409. */
	muxAuthTimeoutMs: number;
	muxMaxDocs: number;
	muxMaxBufferedBytes: number;
}

// From the process's real descriptor limit (read once at start).
const budget = connectionBudget(openFileLimit());

export const defaultLimits: RelayLimits = {
	maxMessageBytes: 10 * 1024 * 1024,
	maxConnectionsPerIp: 50,
	pairAttemptsPerMinute: 10,
	compactAfter: 500,
	unloadDelayMs: 30_000,
	pingIntervalMs: 30_000,
	maxDocBytes: 16 * 1024 * 1024,
	maxShopBytes: 512 * 1024 * 1024,
	maxLoadedBytes: 256 * 1024 * 1024,
	updatesPerSecond: 100,
	updateBurst: 1000,
	bytesPerSecond: 2 * 1024 * 1024,
	byteBurst: 32 * 1024 * 1024,
	maxConnections: budget.maxConnections,
	maxConnectionsPerShop: 500,
	maxSockets: budget.maxSockets,
	headersTimeoutMs: 10_000,
	handshakeTimeoutMs: 10_000,
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
	/** PUBLIC_ORIGIN: browsers may open the sync socket only from these (unset: the Host's). */
	publicOrigins?: string[];
	/** CSP_CONNECT_SRC: more origins the app's pages may connect to. */
	connectSrc?: string[];
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
	/** The unused one-time setup code (ABCD-EFGH), or null when SETUP_SECRET is set or it was used. */
	readonly setupCode: string | null;
	readonly limits: RelayLimits;
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
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
	const setup = new SetupGate(options.setupSecret);
	const hub = new SyncHub({
		storage: options.storage,
		log,
		compactAfter: limits.compactAfter,
		unloadDelayMs: limits.unloadDelayMs,
		pingIntervalMs: limits.pingIntervalMs,
		quotas: {
			maxDocBytes: limits.maxDocBytes,
			maxShopBytes: limits.maxShopBytes,
			maxLoadedBytes: limits.maxLoadedBytes,
			usage: new StorageUsage(options.storage),
			rates: new DeviceRates(limits, now)
		}
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
		setup,
		onSetupCodeUsed: () => log('setup-code-used', { hint: 'restart the relay for a new code, or set SETUP_SECRET' }),
		pairLimiter: new RateLimiter(limits.pairAttemptsPerMinute, now),
		setupLimiter: new RateLimiter(limits.pairAttemptsPerMinute, now),
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
	const serveStatic = createStaticHandler(options.staticDir, {
		publicOrigins: options.publicOrigins,
		connectSrc: options.connectSrc
	});
	// ws enforces maxPayload itself and closes the socket with 1009.
	// The per-doc path's token subprotocol is never echoed: the relay answers SYNC_SUBPROTOCOL.
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: limits.maxMessageBytes,
		handleProtocols: (protocols) => (protocols.has(SYNC_SUBPROTOCOL) ? SYNC_SUBPROTOCOL : false)
	});
	const connectionsPerIp = new Map<string, number>();
	const connectionsPerShop = new Map<string, number>();
	/** Counts a socket against its shop's cap until `socket` closes; false when the shop is full. */
	function admitToShop(principal: Principal, socket: { once(event: 'close', listener: () => void): unknown }): boolean {
		const count = connectionsPerShop.get(principal.shopId) ?? 0;
		if (count >= limits.maxConnectionsPerShop) {
			log('ws-refused', { reason: 'shop-connections', shop: principal.shopId });
			return false;
		}
		connectionsPerShop.set(principal.shopId, count + 1);
		socket.once('close', () => release(connectionsPerShop, principal.shopId));
		return true;
	}
	const muxOptions = {
		hub,
		log,
		checkToken,
		admit: (principal: Principal, ws: WebSocket) => admitToShop(principal, ws),
		authTimeoutMs: limits.muxAuthTimeoutMs,
		maxDocsPerSocket: limits.muxMaxDocs,
		maxBufferedBytes: limits.muxMaxBufferedBytes
	};
	let websockets = 0;
	let sockets = 0;
	let closing = false;
	let address: AddressInfo | null = null;

	async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		for (const [name, value] of Object.entries(COMMON_SECURITY_HEADERS)) res.setHeader(name, value);
		const pathname = (req.url ?? '/').split('?')[0];
		// Malformed percent-encoding anywhere in a path is the client's error, never a 500.
		if (safeDecode(pathname) === null) return sendError(res, 'bad-path');
		if (pathname === '/healthz') {
			return sendJson(res, 200, {
				ok: true,
				uptimeSeconds: Math.floor((now() - startedAt) / 1000),
				docs: hub.docCount,
				connections: hub.connectionCount,
				loadedBytes: hub.loadedBytes
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

	function release(counts: Map<string, number>, key: string): void {
		const count = (counts.get(key) ?? 1) - 1;
		if (count <= 0) counts.delete(key);
		else counts.set(key, count);
	}

	/** Authenticates, or gives up after the handshake timeout (a slow store must not pile sockets up). */
	async function authenticateWithin(req: IncomingMessage) {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<'timeout'>((resolve) => {
			timer = setTimeout(() => resolve('timeout'), limits.handshakeTimeoutMs);
		});
		try {
			return await Promise.race([authenticate(req), timeout]);
		} finally {
			clearTimeout(timer);
		}
	}

	async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		if (closing) return reject(socket, 503);
		const url = req.url ?? '';
		const mux = /^\/sync\/?(?:\?|$)/.test(url);
		const match = mux ? null : /^\/sync\/([^/?]+)(?:\?|$)/.exec(url);
		if (!mux && !match) return reject(socket, safeDecode(url.split('?')[0]) === null ? 400 : 404);
		// Tokens in URLs end up in access logs: refused outright, never looked up.
		if (urlCarriesToken(url)) {
			log('ws-refused', { reason: 'token-in-url' });
			return reject(socket, 400);
		}
		const docName = match?.[1] ?? '';
		if (!mux && !DOC_NAME.test(docName)) return reject(socket, 400);
		if (!originAllowed(req, options.publicOrigins)) {
			log('ws-refused', { reason: 'origin' });
			return reject(socket, 403);
		}
		if (websockets >= limits.maxConnections) {
			log('ws-refused', { reason: 'relay-full' });
			return reject(socket, 503);
		}
		const ip = ipOf(req);
		const current = connectionsPerIp.get(ip) ?? 0;
		if (current >= limits.maxConnectionsPerIp) {
			log('ws-refused', { reason: 'too-many-connections' });
			return reject(socket, 429);
		}
		// Reserved before the async auth, so a burst cannot slip past the limits, and released
		// when the TCP socket closes, whichever way (refused, failed handshake, websocket closed).
		connectionsPerIp.set(ip, current + 1);
		websockets++;
		socket.once('close', () => {
			release(connectionsPerIp, ip);
			websockets--;
		});
		// One socket for all of a tablet's docs; it authenticates with its first frame (the shop's
		// connection cap is applied then, see admitToShop).
		if (mux) return wss.handleUpgrade(req, socket, head, (ws) => attachMux(ws, muxOptions));
		let principal = null;
		try {
			principal = await authenticateWithin(req);
		} catch (error) {
			log('auth-failed', { error: String(error).slice(0, 200) });
		}
		if (principal === 'timeout') {
			log('ws-refused', { reason: 'handshake-timeout' });
			return socket.destroyed ? undefined : reject(socket, 503);
		}
		if (!principal || closing || socket.destroyed) {
			if (!principal) log('ws-refused', { reason: 'unauthorized' });
			return socket.destroyed ? undefined : reject(socket, principal ? 503 : 401);
		}
		const authenticated = principal;
		if (!admitToShop(authenticated, socket)) return reject(socket, 429);
		wss.handleUpgrade(req, socket, head, (ws) => {
			hub.attach(ws, authenticated, docName);
			// Revoked while this upgrade was authenticating: the revoke's sweep missed this socket.
			if (registry.isRevoked(authenticated.shopId, authenticated.deviceId)) {
				hub.closeDevice(authenticated.shopId, authenticated.deviceId);
			}
		});
	}

	const server = createServer(
		{
			headersTimeout: limits.headersTimeoutMs,
			requestTimeout: limits.headersTimeoutMs * 3,
			// How often Node looks for requests past those timeouts (its default is 30 s).
			connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headersTimeoutMs / 2))
		},
		(req, res) => {
			onRequest(req, res).catch((error: unknown) => {
				log('http-error', { error: String(error).slice(0, 200) });
				if (!res.headersSent) sendError(res, 'internal');
				else res.destroy();
			});
		}
	);
	server.keepAliveTimeout = 5_000;
	// Plain TCP: past maxSockets a connection is closed at once, before it can hold a descriptor
	// the process needs (EMFILE would stop accept() for everyone, /healthz included).
	server.on('connection', (socket) => {
		if (sockets >= limits.maxSockets) {
			log('tcp-refused', { reason: 'too-many-sockets' });
			return void socket.destroy();
		}
		sockets++;
		socket.once('close', () => sockets--);
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
		limits,
		get setupCode() {
			return setup.code;
		},
		get address() {
			return address;
		},
		listen(port, host = '0.0.0.0') {
			return new Promise((resolve, reject) => {
				server.once('error', reject);
				// A deeper accept queue than Node's 511, for reconnect storms (the kernel caps it).
				server.listen({ port, host, backlog: 4096 }, () => {
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
