import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type Role = 'owner' | 'staff';

export interface Principal {
	shopId: string;
	deviceId: string;
	role: Role;
}

/** Injected into the relay, so tests and other deployments can decide who a request is. */
export type Authenticate = (req: IncomingMessage) => Promise<Principal | null>;

/** 32 random bytes: only its SHA-256 is stored, so a copy of the data dir cannot impersonate. */
export const newToken = (): string => randomBytes(32).toString('base64url');

export const hashSecret = (secret: string): string =>
	createHash('sha256').update(secret, 'utf8').digest('hex');

export const newId = (): string => randomBytes(12).toString('base64url');

/** Comparing hashes keeps the comparison constant-time whatever the lengths. */
export function secretsEqual(given: string, expected: string): boolean {
	return timingSafeEqual(
		Buffer.from(hashSecret(given), 'hex'),
		Buffer.from(hashSecret(expected), 'hex')
	);
}

/** Why a token was refused: the app words 'token-expired' differently (pair again after N days). */
export type AuthOutcome =
	| { ok: true; principal: Principal }
	| { ok: false; error: 'unauthorized' | 'token-expired'; idleDays?: number };

/**
 * The stock per-doc websocket path: browsers cannot set headers on a WebSocket, so the token
 * travels as a subprotocol, `new WebSocket(url, [SYNC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token])`
 * (y-websocket: `protocols` option). The relay answers with SYNC_SUBPROTOCOL, never the token.
 */
export const SYNC_SUBPROTOCOL = 'shop-crm-sync';
export const TOKEN_SUBPROTOCOL_PREFIX = 'shop-crm-token.';

export const tokenSubprotocols = (token: string): string[] => [SYNC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token];

/**
 * `Authorization: Bearer` (HTTP), or the token subprotocol (websocket upgrades). Never the query
 * string: URLs end up in proxy access logs and browser history.
 */
export function tokenFromRequest(req: IncomingMessage): string | null {
	const header = req.headers.authorization;
	if (typeof header === 'string') {
		const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
		if (match) return match[1];
	}
	const protocols = req.headers['sec-websocket-protocol'];
	if (typeof protocols === 'string') {
		for (const entry of protocols.split(',')) {
			const value = entry.trim();
			if (value.startsWith(TOKEN_SUBPROTOCOL_PREFIX) && value.length > TOKEN_SUBPROTOCOL_PREFIX.length) {
				return value.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
			}
		}
	}
	return null;
}

/** True when the URL carries a token in its query string (refused: see tokenFromRequest). */
export function urlCarriesToken(url: string | undefined): boolean {
	const query = (url ?? '').split('?')[1];
	return query !== undefined && new URLSearchParams(query).has('token');
}
