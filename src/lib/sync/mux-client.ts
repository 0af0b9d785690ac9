// One websocket per tablet for every document it syncs (protocol in mux-protocol.ts).
//
// A MuxChannel behaves towards its Y.Doc as y-websocket's WebsocketProvider does (sync step 1 on
// connect, answers step 1 with step 2, 'sync' once the relay's step 2 arrived, local updates sent
// as they happen), so the engine keeps its logic; what changes is that 20 docs share one socket,
// one authentication and one reconnect loop. Runs in browsers and in Node (pass `ws`), so load
// generators and tests drive the relay exactly as tablets do.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { control, controlFrame, CONTROL, docErrorCode, frame, TERMINAL_CLOSES, unframe } from './mux-protocol';

const messageSync = 0;

export type MuxStatus = 'connecting' | 'connected' | 'disconnected';

export interface MuxClientOptions {
	/** ws(s)://host/sync — no token in it: the token goes in the first frame. */
	url: string;
	token: string;
	/** Node: `ws`. Browsers: their own WebSocket. */
	WebSocketImpl?: typeof WebSocket;
	maxBackoffMs?: number;
	/** Send a ping when nothing was received for this long. */
	pingAfterMs?: number;
	/** Give the socket up (and reconnect) when nothing was received for this long. */
	deadAfterMs?: number;
}

export interface MuxPrincipal {
	shopId: string;
	deviceId: string;
	role: string;
}

type ClientEvents = {
	status: (status: MuxStatus) => void;
	ready: (principal: MuxPrincipal) => void;
	/** Every close; `terminal` when the relay refused the token (no reconnect follows). */
	close: (event: { code: number; reason: string; terminal: boolean }) => void;
};

type ChannelEvents = {
	sync: (synced: boolean) => void;
	'doc-error': (error: { code: number; reason: string }) => void;
};

export class MuxClient extends ObservableV2<ClientEvents> {
	status: MuxStatus = 'disconnected';
	principal: MuxPrincipal | null = null;
	#opts: Required<Omit<MuxClientOptions, 'WebSocketImpl'>> & { WebSocketImpl: typeof WebSocket };
	#ws: WebSocket | null = null;
	#channels = new Map<string, MuxChannel>();
	#shouldConnect = true;
	#failures = 0;
	#reconnectTimer: ReturnType<typeof setTimeout> | null = null;
	#liveness: ReturnType<typeof setInterval> | null = null;
	#lastReceived = 0;

	constructor(options: MuxClientOptions) {
		super();
		this.#opts = {
			maxBackoffMs: 5000,
			pingAfterMs: 15_000,
			deadAfterMs: 30_000,
			...options,
			WebSocketImpl: options.WebSocketImpl ?? globalThis.WebSocket
		};
		this.#connect();
	}

	get ready(): boolean {
		return this.principal !== null;
	}

	/** Syncs `doc` as `name` over this socket until the channel is destroyed. */
	channel(name: string, doc: Y.Doc): MuxChannel {
		if (this.#channels.has(name)) throw new Error(`${name} already has a channel`);
		const channel = new MuxChannel(this, name, doc);
		this.#channels.set(name, channel);
		if (this.ready) channel.subscribe();
		return channel;
	}

	/** Reconnect after a terminal close (e.g. the relay said the token is fine after all). */
	reconnect(): void {
		this.#shouldConnect = true;
		if (!this.#ws) this.#connect();
	}

	override destroy(): void {
		this.#shouldConnect = false;
		if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
		for (const channel of [...this.#channels.values()]) channel.destroy();
		this.#drop(1000, 'client closed', false);
		super.destroy();
	}

	/** @internal */
	send(bytes: Uint8Array<ArrayBuffer>): boolean {
		const ws = this.#ws;
		if (!ws || !this.ready || ws.readyState !== ws.OPEN) return false;
		ws.send(bytes);
		return true;
	}

	/** @internal */
	forget(channel: MuxChannel): void {
		if (this.#channels.get(channel.name) !== channel) return;
		this.#channels.delete(channel.name);
		this.send(controlFrame(control.unsubscribe, (e) => encoding.writeVarString(e, channel.name)));
	}

	#setStatus(status: MuxStatus): void {
		if (this.status === status) return;
		this.status = status;
		this.emit('status', [status]);
	}

	#connect(): void {
		if (!this.#shouldConnect || this.#ws) return;
		const ws = new this.#opts.WebSocketImpl(this.#opts.url);
		ws.binaryType = 'arraybuffer';
		this.#ws = ws;
		this.#setStatus('connecting');
		ws.onopen = () => {
			if (this.#ws !== ws) return;
			this.#lastReceived = Date.now();
			ws.send(controlFrame(control.auth, (e) => encoding.writeVarString(e, this.#opts.token)));
			this.#liveness = setInterval(() => this.#checkLiveness(ws), Math.min(this.#opts.pingAfterMs, 5000));
		};
		ws.onmessage = (event: MessageEvent) => {
			if (this.#ws !== ws) return;
			this.#lastReceived = Date.now();
			this.#onFrame(new Uint8Array(event.data as ArrayBuffer));
		};
		ws.onclose = (event: CloseEvent) => {
			if (this.#ws !== ws) return;
			this.#drop(event.code, event.reason, true);
		};
		ws.onerror = () => {
			// onclose follows with the code.
		};
	}

	#checkLiveness(ws: WebSocket): void {
		if (this.#ws !== ws) return;
		const silent = Date.now() - this.#lastReceived;
		if (silent > this.#opts.deadAfterMs) {
			// A dead link can take minutes to report its close: give it up now.
			this.#drop(4000, 'no answer from the relay', true);
		} else if (silent > this.#opts.pingAfterMs && ws.readyState === ws.OPEN) {
			ws.send(controlFrame(control.ping));
		}
	}

	/** Forgets the socket, marks every channel unsynced, and reconnects unless told not to. */
	#drop(code: number, reason: string, reconnect: boolean): void {
		const ws = this.#ws;
		if (!ws) return;
		this.#ws = null;
		if (this.#liveness) clearInterval(this.#liveness);
		this.#liveness = null;
		ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
		if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
		const wasReady = this.ready;
		this.principal = null;
		for (const channel of this.#channels.values()) channel.disconnected();
		const terminal = TERMINAL_CLOSES.includes(code);
		if (terminal) this.#shouldConnect = false;
		this.#setStatus('disconnected');
		this.emit('close', [{ code, reason, terminal }]);
		if (!reconnect || !this.#shouldConnect) return;
		if (!wasReady) this.#failures++;
		const delay = Math.min(2 ** this.#failures * 100, this.#opts.maxBackoffMs);
		this.#reconnectTimer = setTimeout(() => {
			this.#reconnectTimer = null;
			this.#connect();
		}, delay);
	}

	#onFrame(bytes: Uint8Array): void {
		let parts: ReturnType<typeof unframe>;
		try {
			parts = unframe(bytes);
		} catch {
			return;
		}
		if (parts.docName !== CONTROL) {
			this.#channels.get(parts.docName)?.receive(parts.message);
			return;
		}
		const d = parts.decoder;
		const kind = decoding.readVarUint(d);
		if (kind === control.ready) {
			this.principal = { shopId: decoding.readVarString(d), deviceId: decoding.readVarString(d), role: decoding.readVarString(d) };
			this.#failures = 0;
			this.#setStatus('connected');
			this.emit('ready', [this.principal]);
			for (const channel of this.#channels.values()) channel.subscribe();
		} else if (kind === control.docError) {
			const name = decoding.readVarString(d);
			const code = decoding.readVarUint(d);
			const reason = decoding.readVarString(d);
			this.#channels.get(name)?.failed(code, reason);
		}
		// pong: receiving it was the point.
	}
}

export class MuxChannel extends ObservableV2<ChannelEvents> {
	#synced = false;
	#subscribed = false;
	#destroyed = false;
	#paused = false;
	#retries = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly client: MuxClient,
		readonly name: string,
		readonly doc: Y.Doc
	) {
		super();
		doc.on('update', this.#onUpdate);
	}

	get synced(): boolean {
		return this.#synced;
	}

	#setSynced(synced: boolean): void {
		if (this.#synced === synced) return;
		this.#synced = synced;
		this.emit('sync', [synced]);
	}

	/** Paused (see pause): not subscribed, not even after a reconnect. */
	get paused(): boolean {
		return this.#paused;
	}

	/**
	 * Stops syncing this doc until resume(): for a doc the relay refused (over a quota), where
	 * trying again cannot help until someone acts. Local updates wait in the doc meanwhile.
	 */
	pause(): void {
		if (this.#destroyed || this.#paused) return;
		this.#paused = true;
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
		if (this.#subscribed) this.client.send(controlFrame(control.unsubscribe, (e) => encoding.writeVarString(e, this.name)));
		this.#subscribed = false;
		this.#setSynced(false);
	}

	/** Syncs again after pause(). */
	resume(): void {
		if (!this.#paused) return;
		this.#paused = false;
		this.#retries = 0;
		if (this.client.ready) this.subscribe();
	}

	/** (Re)subscribes: sends sync step 1; 'sync' fires on the relay's step 2. */
	subscribe(): void {
		if (this.#destroyed || this.#paused) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		syncProtocol.writeSyncStep1(encoder, this.doc);
		this.#subscribed = this.client.send(frame(this.name, encoding.toUint8Array(encoder)));
	}

	/** Makes a synced channel sync again: 'sync' fires on the relay's next step 2. */
	resync(): void {
		this.#setSynced(false);
		this.subscribe();
	}

	/** @internal */
	receive(message: Uint8Array): void {
		if (this.#destroyed) return;
		const decoder = decoding.createDecoder(message);
		if (decoding.readVarUint(decoder) !== messageSync) return; // awareness: never asked for
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		const syncType = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
		if (encoding.length(encoder) > 1) this.client.send(frame(this.name, encoding.toUint8Array(encoder)));
		if (syncType === syncProtocol.messageYjsSyncStep2) {
			this.#retries = 0;
			this.#setSynced(true);
		}
	}

	/** @internal The relay dropped this doc (bad message, storage failure…): try again later. */
	failed(code: number, reason: string): void {
		if (this.#destroyed) return;
		this.#subscribed = false;
		this.#setSynced(false);
		this.emit('doc-error', [{ code, reason }]);
		// A listener may have paused the doc (a quota refusal): then no retry.
		if (this.#paused) return;
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		const delay = code === docErrorCode.notSubscribed ? 0 : Math.min(2 ** this.#retries++ * 500, 30_000);
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (this.client.ready) this.subscribe();
		}, delay);
	}

	/** @internal */
	disconnected(): void {
		this.#subscribed = false;
		this.#setSynced(false);
	}

	#onUpdate = (update: Uint8Array, origin: unknown) => {
		// Not subscribed (offline, or dropped after an error): the next subscribe's step 1 / step 2
		// exchange carries the update.
		if (origin === this || !this.#subscribed) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		syncProtocol.writeUpdate(encoder, update);
		this.client.send(frame(this.name, encoding.toUint8Array(encoder)));
	};

	override destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.doc.off('update', this.#onUpdate);
		this.client.forget(this);
		super.destroy();
	}
}
