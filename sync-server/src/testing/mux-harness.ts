// Test-only: a bare multiplexed client speaking the frames of mux-protocol.ts, so relay tests see
// exactly what goes over the one socket (the app's full client is src/lib/sync/mux-client.ts).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { control, controlFrame, CONTROL, frame, unframe } from '../mux-protocol.js';
import { rawSocket, waitFor, type Harness } from './relay-harness.js';

export interface DocError {
	doc: string;
	code: number;
	reason: string;
}

export function muxUrl(h: Harness): string {
	return h.wsBase;
}

/**
 * One tablet's socket to a harness, or to a URL (a cluster instance or the proxy:
 * `ws://…/sync?shop=<shopId>`, as the app connects); `token` undefined sends no auth frame at all.
 */
export function muxClient(target: Harness | string, token: string | undefined, options: WebSocket.ClientOptions = {}) {
	const raw = rawSocket(typeof target === 'string' ? target : muxUrl(target), options);
	const docs = new Map<string, { doc: Y.Doc; synced: boolean }>();
	const docErrors: DocError[] = [];
	/** Every frame received, by doc name ('' for control) and first message byte. */
	const received: { doc: string; type: number }[] = [];
	let ready = false;
	const sendFrame = (bytes: Uint8Array) => raw.ws.readyState === WebSocket.OPEN && raw.ws.send(bytes);

	raw.ws.on('message', (data: Buffer) => {
		const { docName, message, decoder } = unframe(new Uint8Array(data));
		if (docName === CONTROL) {
			const kind = decoding.readVarUint(decoder);
			received.push({ doc: '', type: kind });
			if (kind === control.ready) ready = true;
			if (kind === control.docError) {
				docErrors.push({
					doc: decoding.readVarString(decoder),
					code: decoding.readVarUint(decoder),
					reason: decoding.readVarString(decoder)
				});
			}
			return;
		}
		received.push({ doc: docName, type: message[0] });
		const entry = docs.get(docName);
		if (!entry || message[0] !== 0) return;
		const d = decoding.createDecoder(message);
		decoding.readVarUint(d);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		const kind = syncProtocol.readSyncMessage(d, encoder, entry.doc, 'relay');
		if (encoding.length(encoder) > 1) sendFrame(frame(docName, encoding.toUint8Array(encoder)));
		if (kind === syncProtocol.messageYjsSyncStep2) entry.synced = true;
	});
	raw.ws.once('open', () => {
		if (token !== undefined) sendFrame(controlFrame(control.auth, (e) => encoding.writeVarString(e, token)));
	});

	const client = {
		raw,
		docErrors,
		received,
		get ready() {
			return ready;
		},
		waitReady: () => waitFor('mux ready', () => ready),
		/** Subscribes `name` (sync step 1) and keeps `doc` in sync with it. */
		subscribe(name: string, doc = new Y.Doc()) {
			const entry = { doc, synced: false };
			docs.set(name, entry);
			doc.on('update', (update: Uint8Array, origin: unknown) => {
				if (origin === 'relay' || docs.get(name) !== entry) return;
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, 0);
				syncProtocol.writeUpdate(encoder, update);
				sendFrame(frame(name, encoding.toUint8Array(encoder)));
			});
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeSyncStep1(encoder, doc);
			sendFrame(frame(name, encoding.toUint8Array(encoder)));
			return { doc, synced: () => entry.synced };
		},
		unsubscribe(name: string) {
			docs.delete(name);
			sendFrame(controlFrame(control.unsubscribe, (e) => encoding.writeVarString(e, name)));
		},
		/** Sends `message` framed for `name`, as is. */
		send(name: string, message: Uint8Array) {
			sendFrame(frame(name, message));
		},
		sendRaw(bytes: Uint8Array | string) {
			raw.ws.send(bytes);
		}
	};
	return client;
}
