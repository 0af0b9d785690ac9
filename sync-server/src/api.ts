import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthOutcome, Principal } from './auth.js';
import type { ApiErrorCode } from './errors.js';
import { readJsonBody, sendError, sendJson, type RateLimiter } from './http-util.js';
import type { Log } from './log.js';
import type { SetupGate } from './setup.js';
import type { ShopRegistry } from './shops.js';
import { DOC_NAME } from './ws-sync.js';

export interface ApiOptions {
	registry: ShopRegistry;
	/** Who a request is, or why it is refused (Authorization header only). */
	authorize: (req: IncomingMessage) => Promise<AuthOutcome>;
	/** The stored state vector of one of a shop's docs. */
	stateVector: (shopId: string, docName: string) => Promise<Uint8Array>;
	/** Rewrites one of a shop's docs from its garbage-collected state (after an erasure). */
	compact: (shopId: string, docName: string) => Promise<void>;
	/** Called after a device is revoked, to close its open sockets. */
	onDeviceRevoked: (shopId: string, deviceId: string) => void;
	/** Called after a device's token was replaced, to close the sockets opened with the old one. */
	onTokenRotated: (shopId: string, deviceId: string) => void;
	setup: SetupGate;
	pairLimiter: RateLimiter;
	/** Failed setup-code attempts per address. */
	setupLimiter: RateLimiter;
	/** Called after a one-time setup code was used. */
	onSetupCodeUsed?: () => void;
	clientIp: (req: IncomingMessage) => string;
	log: Log;
}

type Reply = { status: number; body: unknown } | { error: ApiErrorCode; extra?: Record<string, unknown> };

const NAME_MAX = 100;
const text = (value: unknown, max: number): string | null =>
	typeof value === 'string' && value.trim().length > 0 && value.trim().length <= max ? value.trim() : null;
const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** decodeURIComponent without the URIError a malformed `%` sequence throws. */
export function safeDecode(component: string): string | null {
	try {
		return decodeURIComponent(component);
	} catch {
		return null;
	}
}

/** Shops, devices and pairing. No business rules: just who may sync a shop's documents. */
export function createApi(options: ApiOptions) {
	const { registry, log } = options;

	async function withPrincipal(req: IncomingMessage, handler: (p: Principal) => Promise<Reply>): Promise<Reply> {
		const outcome = await options.authorize(req);
		if (outcome.ok) return handler(outcome.principal);
		return { error: outcome.error, ...(outcome.idleDays ? { extra: { idleDays: outcome.idleDays } } : {}) };
	}

	async function withBody(req: IncomingMessage, handler: (body: Record<string, unknown>) => Promise<Reply>) {
		const body = await readJsonBody(req);
		if (!body.ok) return { error: body.error };
		if (!isObject(body.value)) return { error: 'invalid-request' as const };
		return handler(body.value);
	}

	const createShop = async (req: IncomingMessage): Promise<Reply> => {
		// Wrong codes are counted like pairing attempts (a one-time code must not be guessable);
		// an install creating many shops with its right secret is not slowed down.
		const ip = options.clientIp(req);
		if (options.setupLimiter.blocked(ip)) return { error: 'too-many-requests' };
		return withBody(req, async (body): Promise<Reply> => {
			const shopName = text(body.shopName, NAME_MAX);
			const deviceName = text(body.deviceName, NAME_MAX);
			if (!shopName || !deviceName) return { error: 'invalid-request' };
			const header = req.headers['x-setup-secret'];
			const given = typeof header === 'string' ? header : typeof body.setupCode === 'string' ? body.setupCode : undefined;
			const check = options.setup.claim(given);
			if (check !== 'ok') {
				options.setupLimiter.allow(ip);
				log('shop-refused', { reason: check });
				return { error: check };
			}
			let device;
			try {
				device = await registry.createShop(shopName, deviceName);
			} catch (error) {
				options.setup.release(given!);
				throw error;
			}
			log('shop-created', { shop: device.shopId, device: device.deviceId });
			if (!options.setup.usesSecret) options.onSetupCodeUsed?.();
			return { status: 201, body: device };
		});
	};

	const createPairing = (req: IncomingMessage) =>
		withPrincipal(req, (principal) =>
			withBody(req, async (body): Promise<Reply> => {
				if (principal.role !== 'owner') return { error: 'owner-only' };
				const storeId = body.storeId === undefined ? undefined : text(body.storeId, 64);
				if (storeId === null) return { error: 'invalid-request' };
				const pairing = await registry.createPairing(principal, storeId);
				log('pairing-created', { shop: principal.shopId, device: principal.deviceId });
				return { status: 201, body: pairing };
			})
		);

	const pair = async (req: IncomingMessage): Promise<Reply> => {
		// Counted before anything else, so a guesser gets nothing but 429s once over budget.
		if (!options.pairLimiter.allow(options.clientIp(req))) return { error: 'too-many-requests' };
		return withBody(req, async (body): Promise<Reply> => {
			const code = text(body.code, 32);
			const deviceName = text(body.deviceName, NAME_MAX);
			if (!code || !deviceName) return { error: 'invalid-request' };
			const result = await registry.redeemPairing(code, deviceName);
			if (!result.ok) {
				log('pairing-refused', { reason: result.error });
				return { error: result.error };
			}
			log('device-paired', { shop: result.device.shopId, device: result.device.deviceId });
			return { status: 201, body: result.device };
		});
	};

	const listDevices = (req: IncomingMessage) =>
		withPrincipal(req, async (principal): Promise<Reply> => {
			const devices = await registry.listDevices(principal.shopId);
			return {
				status: 200,
				body: devices.map(({ id, name, role, storeId, createdAt, lastSeenAt, revokedAt }) => ({
					id,
					name,
					role,
					...(storeId ? { storeId } : {}),
					createdAt,
					lastSeenAt,
					revokedAt
				}))
			};
		});

	const revokeDevice = (req: IncomingMessage, deviceId: string) =>
		withPrincipal(req, async (principal): Promise<Reply> => {
			if (principal.role !== 'owner') return { error: 'owner-only' };
			if (deviceId === principal.deviceId) return { error: 'cannot-revoke-self' };
			if (!(await registry.revokeDevice(principal.shopId, deviceId))) return { error: 'device-not-found' };
			options.onDeviceRevoked(principal.shopId, deviceId);
			log('device-revoked', { shop: principal.shopId, device: deviceId });
			return { status: 200, body: { ok: true } };
		});

	// The owner rotates any device's token (a leaked one, or one expired by disuse); any device
	// rotates its own. The new token is in this answer only.
	const rotateToken = async (req: IncomingMessage, deviceId: string): Promise<Reply> => {
		const outcome = await options.authorize(req);
		let principal: Principal;
		if (outcome.ok) principal = outcome.principal;
		else return { error: outcome.error, ...(outcome.idleDays ? { extra: { idleDays: outcome.idleDays } } : {}) };
		if (principal.role !== 'owner' && deviceId !== principal.deviceId) return { error: 'owner-only' };
		const result = await registry.rotateToken(principal.shopId, deviceId);
		if (!result.ok) return { error: result.error };
		options.onTokenRotated(principal.shopId, deviceId);
		log('token-rotated', { shop: principal.shopId, device: deviceId, by: principal.deviceId });
		return { status: 200, body: { deviceId, token: result.token } };
	};

	const me = (req: IncomingMessage) =>
		withPrincipal(req, async ({ shopId, deviceId, role }) => ({ status: 200, body: { shopId, deviceId, role } }));

	const stateVector = (req: IncomingMessage, docName: string) =>
		withPrincipal(req, async (principal): Promise<Reply> => {
			if (!DOC_NAME.test(docName)) return { error: 'bad-path' };
			const sv = await options.stateVector(principal.shopId, docName);
			return { status: 200, body: { stateVector: Buffer.from(sv).toString('base64') } };
		});

	const compact = (req: IncomingMessage, docName: string) =>
		withPrincipal(req, async (principal): Promise<Reply> => {
			if (!DOC_NAME.test(docName)) return { error: 'bad-path' };
			await options.compact(principal.shopId, docName);
			return { status: 200, body: { ok: true } };
		});

	function route(req: IncomingMessage, pathname: string): Promise<Reply> | Reply {
		const method = req.method ?? 'GET';
		const only = (allowed: string, handler: () => Promise<Reply>) =>
			method === allowed ? handler() : ({ error: 'method-not-allowed' } as const);
		if (pathname === '/api/shops') return only('POST', () => createShop(req));
		if (pathname === '/api/pairings') return only('POST', () => createPairing(req));
		if (pathname === '/api/pair') return only('POST', () => pair(req));
		if (pathname === '/api/devices') return only('GET', () => listDevices(req));
		if (pathname === '/api/me') return only('GET', () => me(req));
		const device = /^\/api\/devices\/([A-Za-z0-9_-]{1,64})$/.exec(pathname);
		if (device) return only('DELETE', () => revokeDevice(req, device[1]));
		const rotate = /^\/api\/devices\/([A-Za-z0-9_-]{1,64})\/rotate$/.exec(pathname);
		if (rotate) return only('POST', () => rotateToken(req, rotate[1]));
		const doc = /^\/api\/docs\/([^/]{1,200})\/state-vector$/.exec(pathname);
		if (doc) {
			const name = safeDecode(doc[1]);
			return name === null ? { error: 'bad-path' } : only('GET', () => stateVector(req, name));
		}
		const compacting = /^\/api\/docs\/([^/]{1,200})\/compact$/.exec(pathname);
		if (compacting) {
			const name = safeDecode(compacting[1]);
			return name === null ? { error: 'bad-path' } : only('POST', () => compact(req, name));
		}
		return { error: 'not-found' };
	}

	return async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
		const reply = await route(req, pathname);
		if ('error' in reply) return sendError(res, reply.error, reply.extra);
		sendJson(res, reply.status, reply.body);
	};
}
