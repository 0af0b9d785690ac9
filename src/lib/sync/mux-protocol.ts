// The multiplexed sync protocol, client side: one websocket per tablet, every document on it.
//
// Every binary frame, both ways:  varString docName · the unchanged y-websocket message.
// docName '' is the control channel:  varString '' · varUint kind · fields.
// The relay's copy is sync-server/src/mux-protocol.ts (this code may not import it);
// tests/unit/mux-protocol.test.ts keeps the numbers equal.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const CONTROL = '';

export const control = {
	auth: 0,
	ready: 1,
	unsubscribe: 2,
	docError: 3,
	ping: 4,
	pong: 5
} as const;

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

export const docErrorCode = {
	badMessage: 1003,
	unavailable: 1011,
	badDocName: 4400,
	notSubscribed: 4404,
	tooManyDocs: 4429,
	// The relay's quotas refused a change (never applied): the tablet keeps it and says why.
	docTooLarge: 4413,
	rateLimited: 4429,
	shopQuota: 4507,
	busy: 1013
} as const;

/** Closes after which reconnecting with the same token is pointless. */
export const TERMINAL_CLOSES: readonly number[] = [muxClose.revoked, muxClose.tokenExpired, muxClose.tokenRotated];

// Typed for WebSocket.send, which takes no SharedArrayBuffer views (lib0 builds plain ones).
type Bytes = Uint8Array<ArrayBuffer>;

export function frame(docName: string, message: Uint8Array): Bytes {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, docName);
	encoding.writeUint8Array(encoder, message);
	return encoding.toUint8Array(encoder) as Bytes;
}

export function controlFrame(kind: number, write: (encoder: encoding.Encoder) => void = () => {}): Bytes {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, CONTROL);
	encoding.writeVarUint(encoder, kind);
	write(encoder);
	return encoding.toUint8Array(encoder) as Bytes;
}

export function unframe(bytes: Uint8Array): { docName: string; message: Uint8Array; decoder: decoding.Decoder } {
	const decoder = decoding.createDecoder(bytes);
	const docName = decoding.readVarString(decoder);
	return { docName, message: bytes.subarray(decoder.pos), decoder };
}
