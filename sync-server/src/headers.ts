// Security headers for the app's pages, and the Origin check of the websocket upgrade.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface SecurityOptions {
	/**
	 * The relay's public address(es), e.g. `https://shop.example.com` (PUBLIC_ORIGIN). Browsers
	 * may open the sync socket only from these; unset: from the host the request was sent to.
	 */
	publicOrigins?: string[];
	/** More origins the app may connect to (another relay), e.g. `wss://sync.example.com`. */
	connectSrc?: string[];
}

/** `sha256-…` of every inline `<script>` (without `src`) in an HTML page. */
export function inlineScriptHashes(html: string): string[] {
	const hashes: string[] = [];
	for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
		if (/\bsrc\s*=/i.test(match[1]) || match[2].trim() === '') continue;
		hashes.push(`'sha256-${createHash('sha256').update(match[2], 'utf8').digest('base64')}'`);
	}
	return hashes;
}

const asWebsocketOrigin = (origin: string) => origin.replace(/^http/i, 'ws');

/**
 * A strict policy: scripts only from the app itself (plus the hashes of the page's own inline
 * bootstrap), connections only to the app's own origin (which covers its ws/wss in CSP 3) and the
 * configured relay, nothing may frame the app. Styles allow inline: Svelte writes `style=`
 * attributes and CSS custom properties; script is what an injection would need.
 */
export function contentSecurityPolicy(options: SecurityOptions, scriptHashes: string[] = []): string {
	const connect = ["'self'"];
	for (const origin of options.publicOrigins ?? []) connect.push(origin, asWebsocketOrigin(origin));
	connect.push(...(options.connectSrc ?? []));
	return [
		"default-src 'self'",
		`script-src 'self' ${scriptHashes.join(' ')}`.trim(),
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"font-src 'self' data:",
		`connect-src ${[...new Set(connect)].join(' ')}`,
		"worker-src 'self' blob:",
		"manifest-src 'self'",
		"media-src 'self' blob:",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'"
	].join('; ');
}

/** Camera (scanning) and USB / serial (receipt printers) for the app itself; the rest off. */
export const PERMISSIONS_POLICY =
	'camera=(self), usb=(self), serial=(self), microphone=(), geolocation=(), payment=(), hid=(), bluetooth=()';

/** Headers every response carries; pages add the CSP (see contentSecurityPolicy). */
export const COMMON_SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'X-Frame-Options': 'DENY',
	'Permissions-Policy': PERMISSIONS_POLICY,
	'Cross-Origin-Opener-Policy': 'same-origin'
};

/**
 * Whether a websocket upgrade may proceed. Browsers always send Origin, so a page on another
 * site cannot ride on a tablet's session; native clients and Node's stock WebsocketProvider send
 * none and are let through (they authenticate with the device token like everyone).
 */
export function originAllowed(req: IncomingMessage, publicOrigins: string[] | undefined): boolean {
	const origin = req.headers.origin;
	if (origin === undefined) return true;
	let parsed: URL;
	try {
		parsed = new URL(origin);
	} catch {
		return false;
	}
	if (publicOrigins && publicOrigins.length > 0) {
		return publicOrigins.some((allowed) => sameOrigin(parsed, allowed));
	}
	const host = req.headers.host;
	return typeof host === 'string' && parsed.host.toLowerCase() === host.toLowerCase();
}

function sameOrigin(given: URL, allowed: string): boolean {
	try {
		return new URL(allowed).origin === given.origin;
	} catch {
		return false;
	}
}

/** PUBLIC_ORIGIN / CSP_CONNECT_SRC: comma- or space-separated origins, trailing slashes dropped. */
export function parseOrigins(raw: string | undefined): string[] {
	return (raw ?? '')
		.split(/[\s,]+/)
		.map((s) => s.trim().replace(/\/+$/, ''))
		.filter(Boolean);
}
