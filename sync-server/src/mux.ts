// The multiplexed endpoint: one websocket per tablet, every document it syncs framed by name
// (layout in mux-protocol.ts). Per doc, the semantics of the per-doc path hold unchanged:
// stored before sent, one SharedDoc per `${shopId}/${docName}`, unloaded after its last peer.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { RawData, WebSocket } from 'ws';
import type { AuthOutcome, Principal } from './auth.js';
import { CloseReason, DocTooLargeError, RelayBusyError } from './limits.js';
import type { Log } from './log.js';
import { control, controlFrame, CONTROL, docErrorCode, frame, muxClose, unframe } from './mux-protocol.js';
import { messageSync, type SharedDoc } from './shared-doc.js';
import { DOC_NAME, type FailablePeer, type HubConnection, type SyncHub } from './ws-sync.js';

export interface MuxOptions {
	hub: SyncHub;
	log: Log;
	checkToken: (token: string) => Promise<AuthOutcome>;
	/** Counts an authenticated socket against its shop's connection cap; false: the shop is full. */
	admit?: (principal: Principal, ws: WebSocket) => boolean;
	/** A socket that has not authenticated by then is closed with 4408. */
	authTimeoutMs: number;
	/** Documents one socket may hold subscribed at once. */
	maxDocsPerSocket: number;
	/** Past this much unsent data the socket is closed with 4409 (the tablet resyncs on reconnect). */
	maxBufferedBytes: number;
}

interface Subscription extends FailablePeer {
	docName: string;
	ready: Promise<SharedDoc>;
	gone: boolean;
}

export function attachMux(ws: WebSocket, options: MuxOptions): void {
	new MuxSession(ws, options);
}

class MuxSession implements HubConnection {
	principal: Principal | null = null;
	alive = true;
	closing = false;
	readonly label = 'mux';
	#subs = new Map<string, Subscription>();
	#authed: Promise<boolean> | null = null;
	#authTimer: NodeJS.Timeout;

	constructor(
		readonly ws: WebSocket,
		private readonly options: MuxOptions
	) {
		options.hub.track(this);
		this.#authTimer = setTimeout(() => {
			if (!this.principal) this.#closeSocket(muxClose.authTimeout, 'authentication timed out');
		}, options.authTimeoutMs);
		ws.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
		ws.on('pong', () => (this.alive = true));
		ws.on('error', (error: Error & { code?: string }) => {
			this.options.log('ws-error', { doc: 'mux', device: this.principal?.deviceId, code: error.code });
		});
		ws.on('close', (code) => {
			this.closing = true;
			clearTimeout(this.#authTimer);
			options.hub.untrack(this);
			for (const sub of this.#subs.values()) this.#unsubscribe(sub);
			this.options.log('mux-closed', { device: this.principal?.deviceId, code });
		});
	}

	#onFrame(data: RawData, isBinary: boolean): void {
		if (this.closing) return;
		this.alive = true;
		let parts: ReturnType<typeof unframe>;
		try {
			if (!isBinary) throw new Error('text frame');
			parts = unframe(toBytes(data));
		} catch (error) {
			return this.#misbehaved(error);
		}
		if (!this.#authed) {
			this.#authed = this.#authenticate(parts);
			return;
		}
		// Frames sent right behind the auth frame wait for its answer, in order.
		void this.#authed.then((ok) => {
			if (ok && !this.closing) this.#route(parts);
		});
	}

	async #authenticate({ docName, decoder }: ReturnType<typeof unframe>): Promise<boolean> {
		let token: string;
		try {
			if (docName !== CONTROL || decoding.readVarUint(decoder) !== control.auth) throw new Error('not an auth frame');
			token = decoding.readVarString(decoder);
		} catch {
			this.options.log('ws-refused', { reason: 'mux-no-auth' });
			this.#closeSocket(muxClose.revoked, 'authenticate first');
			return false;
		}
		let outcome = await this.#check(token);
		if (outcome.ok) {
			// Tracked already, so a revocation from now on closes us; one answered meanwhile is caught
			// by asking again (a socket must never outlive its token).
			this.principal = outcome.principal;
			outcome = await this.#check(token);
		}
		if (this.closing) return false;
		clearTimeout(this.#authTimer);
		if (!outcome.ok) {
			this.principal = null;
			this.options.log('ws-refused', { reason: outcome.error });
			const code = outcome.error === 'token-expired' ? muxClose.tokenExpired : muxClose.revoked;
			this.#closeSocket(code, outcome.error);
			return false;
		}
		if (this.options.admit && !this.options.admit(outcome.principal, this.ws)) {
			this.principal = null;
			// 1013 Try Again Later: the tablet reconnects with backoff.
			this.#closeSocket(muxClose.tryAgainLater, 'too many connections for this shop');
			return false;
		}
		const { shopId, deviceId, role } = outcome.principal;
		this.#send(
			controlFrame(control.ready, (e) => {
				encoding.writeVarString(e, shopId);
				encoding.writeVarString(e, deviceId);
				encoding.writeVarString(e, role);
			})
		);
		this.options.log('mux-open', { device: deviceId });
		return true;
	}

	async #check(token: string): Promise<AuthOutcome> {
		try {
			return await this.options.checkToken(token);
		} catch (error) {
			this.options.log('auth-failed', { error: String(error).slice(0, 200) });
			return { ok: false, error: 'unauthorized' };
		}
	}

	#route({ docName, message, decoder }: ReturnType<typeof unframe>): void {
		try {
			if (docName === CONTROL) return this.#onControl(decoder);
		} catch (error) {
			return this.#misbehaved(error);
		}
		if (!DOC_NAME.test(docName)) return this.#docError(docName.slice(0, 64), docErrorCode.badDocName, 'bad document name');
		let sub = this.#subs.get(docName);
		if (!sub) {
			// Subscribing is sending a sync step 1: anything else for a doc we do not hold is stale.
			if (message[0] !== messageSync || message[1] !== syncProtocol.messageYjsSyncStep1) {
				return this.#docError(docName, docErrorCode.notSubscribed, 'not subscribed');
			}
			if (this.#subs.size >= this.options.maxDocsPerSocket) {
				return this.#docError(docName, docErrorCode.tooManyDocs, 'too many documents on one connection');
			}
			sub = this.#subscribe(docName);
		}
		const target = sub;
		target.ready.then(
			(shared) => this.#onDocMessage(target, shared, message),
			() => {}
		);
	}

	#onControl(decoder: decoding.Decoder): void {
		const kind = decoding.readVarUint(decoder);
		if (kind === control.ping) return this.#send(controlFrame(control.pong));
		if (kind === control.unsubscribe) {
			const sub = this.#subs.get(decoding.readVarString(decoder));
			if (sub) this.#unsubscribe(sub);
			return;
		}
		throw new Error(`unexpected control ${kind}`);
	}

	#subscribe(docName: string): Subscription {
		const principal = this.principal!;
		const sub: Subscription = {
			ws: this.ws,
			docName,
			awarenessIds: new Set(),
			awareness: 'none',
			gone: false,
			ready: null as unknown as Promise<SharedDoc>,
			deliver: (message) => {
				if (!sub.gone) this.#send(frame(docName, message));
			},
			fail: (code, reason) => {
				// The hub already took us out of the doc.
				if (this.#subs.get(docName) === sub) this.#subs.delete(docName);
				sub.gone = true;
				this.#docError(docName, code, reason);
			}
		};
		this.#subs.set(docName, sub);
		sub.ready = this.options.hub.acquire(`${principal.shopId}/${docName}`, sub);
		sub.ready.then(
			(shared) => {
				if (sub.gone || this.closing) return;
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, messageSync);
				syncProtocol.writeSyncStep1(encoder, shared.doc);
				sub.deliver!(encoding.toUint8Array(encoder));
			},
			(error: unknown) => {
				const doc = `${principal.shopId}/${docName}`;
				// Refused per doc, as the per-doc path closes its socket: the tablet's other docs carry on.
				if (error instanceof RelayBusyError) {
					this.options.log('doc-refused', { doc, reason: 'loaded-bytes' });
					return sub.fail(docErrorCode.busy, CloseReason.busy);
				}
				if (error instanceof DocTooLargeError) {
					this.options.log('doc-refused', { doc, bytes: error.bytes });
					return sub.fail(docErrorCode.docTooLarge, CloseReason.docTooLarge);
				}
				this.options.log('doc-load-failed', { doc, error: String(error).slice(0, 200) });
				sub.fail(docErrorCode.unavailable, 'document unavailable');
			}
		);
		return sub;
	}

	#unsubscribe(sub: Subscription): void {
		if (this.#subs.get(sub.docName) === sub) this.#subs.delete(sub.docName);
		sub.gone = true;
		sub.ready.then((shared) => this.options.hub.leave(sub, shared), () => {});
	}

	#onDocMessage(sub: Subscription, shared: SharedDoc, message: Uint8Array): void {
		if (sub.gone || this.closing) return;
		try {
			shared.receive(message, sub, {
				reply: (m) => sub.deliver!(m),
				replyWhenStored: (m) => shared.deliverWhenStored(sub, m),
				refuse: (update) => {
					const refusal = this.options.hub.checkUpdate(this.principal!, `${this.principal!.shopId}/${sub.docName}`, shared, update);
					if (!refusal) return false;
					// Only this doc: it is dropped with the reason, the tablet keeps the change and its other docs.
					this.#unsubscribe(sub);
					this.#docError(sub.docName, refusal.code, refusal.reason);
					return true;
				},
				// Showing or asking for awareness is wanting it: from now on this doc's other peers' states reach us.
				onAwareness: () => (sub.awareness = 'others')
			});
		} catch (error) {
			this.options.log('ws-bad-message', {
				doc: `${this.principal?.shopId}/${sub.docName}`,
				device: this.principal?.deviceId,
				error: (error instanceof Error ? error.message : String(error)).slice(0, 120)
			});
			// Only this doc is dropped; the tablet's other docs carry on.
			this.#unsubscribe(sub);
			this.#docError(sub.docName, docErrorCode.badMessage, 'bad message');
		}
	}

	#docError(docName: string, code: number, reason: string): void {
		this.#send(
			controlFrame(control.docError, (e) => {
				encoding.writeVarString(e, docName);
				encoding.writeVarUint(e, code);
				encoding.writeVarString(e, reason);
			})
		);
	}

	#send(bytes: Uint8Array): void {
		const ws = this.ws;
		if (this.closing || ws.readyState !== ws.OPEN) return;
		// One slow tablet must not make the relay hold every update for it: cut it off instead.
		// Dropping frames would leave its docs silently behind; a reconnect resyncs them.
		if (ws.bufferedAmount > this.options.maxBufferedBytes) {
			this.options.log('mux-slow-consumer', { device: this.principal?.deviceId, buffered: ws.bufferedAmount });
			return this.#closeSocket(muxClose.sendBufferFull, 'send buffer full');
		}
		ws.send(bytes, (error) => {
			if (error) ws.terminate();
		});
	}

	#misbehaved(error: unknown): void {
		this.options.log('ws-bad-message', {
			doc: 'mux',
			device: this.principal?.deviceId,
			error: (error instanceof Error ? error.message : String(error)).slice(0, 120)
		});
		this.#closeSocket(muxClose.badFrame, 'bad frame');
	}

	#closeSocket(code: number, reason: string): void {
		this.options.hub.closeConnection(this, code, reason);
	}
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return data;
}
