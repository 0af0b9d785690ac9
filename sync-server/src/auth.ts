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

/**
 * HTTP calls send `Authorization: Bearer`; browsers cannot set headers on a WebSocket, so the
 * sync socket carries the token as `?token=`.
 */
export function tokenFromRequest(req: IncomingMessage): string | null {
	const header = req.headers.authorization;
	if (typeof header === 'string') {
		const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
		if (match) return match[1];
	}
	const query = (req.url ?? '').split('?')[1];
	if (query) {
		const token = new URLSearchParams(query).get('token');
		if (token) return token;
	}
	return null;
}
