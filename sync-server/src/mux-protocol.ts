// The multiplexed sync protocol: one websocket per tablet, every document on it.
//
// Every binary frame, both ways:  varString docName · the unchanged y-websocket message
// (varUint 0 sync step 1 / step 2 / update, 1 awareness, 3 query-awareness).
// docName '' is the control channel:  varString '' · varUint kind · fields below.
//
// The app's client (src/lib/sync/mux-protocol.ts) carries a copy of these numbers; a unit test
// (tests/unit/mux-protocol.test.ts) keeps the two equal. lib0 encoding throughout.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const CONTROL = '';

export const control = {
	/** client → relay, first frame: varString token. */
	auth: 0,
	/** relay → client: varString shopId, varString deviceId, varString role. */
	ready: 1,
	/** client → relay: varString docName. Subscribing is sending a sync step 1 for the doc. */
	unsubscribe: 2,
	/** relay → client: varString docName, varUint code, varString reason. The doc is unsubscribed. */
	docError: 3,
	/** client → relay: liveness (browsers cannot see websocket pings). */
	ping: 4,
	/** relay → client. */
	pong: 5
} as const;

/** Close codes of the whole socket. */
export const muxClose = {
	revoked: 4401,
	tokenExpired: 4402,
	tokenRotated: 4403,
	authTimeout: 4408,
	sendBufferFull: 4409,
	badFrame: 1003,
	shuttingDown: 1001,
	/** The shop has too many connections open: reconnect later. */
	tryAgainLater: 1013
} as const;

/** Codes of a per-doc error frame (the socket and the other docs carry on). */
export const docErrorCode = {
	badMessage: 1003,
	unavailable: 1011,
	badDocName: 4400,
	notSubscribed: 4404,
	tooManyDocs: 4429,
	// Quotas (limits.ts): the change is refused, never applied; the reason says which.
	/** The doc would pass MAX_DOC_MB (or is stored over it). */
	docTooLarge: 4413,
	/** The device sends faster than its budget (same code as tooManyDocs: try again later). */
	rateLimited: 4429,
	/** The shop's storage would pass MAX_SHOP_MB. */
	shopQuota: 4507,
	/** The relay has too many docs in memory: try again later. */
	busy: 1013
} as const;

export function frame(docName: string, message: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, docName);
	encoding.writeUint8Array(encoder, message);
	return encoding.toUint8Array(encoder);
}

export function controlFrame(kind: number, write: (encoder: encoding.Encoder) => void = () => {}): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, CONTROL);
	encoding.writeVarUint(encoder, kind);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

/** Splits a frame into its doc name and the y-websocket message (a view, not a copy). */
export function unframe(bytes: Uint8Array): { docName: string; message: Uint8Array; decoder: decoding.Decoder } {
	const decoder = decoding.createDecoder(bytes);
	const docName = decoding.readVarString(decoder);
	return { docName, message: bytes.subarray(decoder.pos), decoder };
}
