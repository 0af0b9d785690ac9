// Support for the seeded convergence test (convergence.test.ts), in the manner of Yjs's own
// tests/testHelper.js: random operations on several simulated tablets, faults on the wire, then
// heal and compare every tablet field by field.
//
// Two seeded generators are used on purpose: `ops` decides WHAT happens (the operation log is the
// same on every run of a seed), `wire` decides which websocket messages are duplicated, held back
// or cut off. Message timing is not deterministic, so neither is the exact fault placement; the
// log therefore records the operations, their outcomes and the fault counts.
import WebSocket from 'ws';
import { Rng } from '$lib/domain/random';
import { emptyDraft, GENDERS, type CustomerDraft, type Gender } from '$lib/domain/customer';
import type { ShopSettings } from '$lib/domain/settings';
import type { CustomerRecord } from '$lib/store/schema';
import { SETTINGS_KEY } from '$lib/settings/projection';

// ---------------------------------------------------------------------------------------------
// Faulty websockets

export interface WireFaults {
	/** Probability that an incoming message is delivered twice. */
	duplicate: number;
	/** Probability that an incoming message is held back and delivered after the next one. */
	reorder: number;
	/** Probability that an outgoing message is sent twice. */
	duplicateOut: number;
	/** Probability that an outgoing message is held back and sent after the next one. */
	reorderOut: number;
	/** Probability, per incoming message, that the connection is cut (ws.terminate()). */
	terminate: number;
}

export const DEFAULT_FAULTS: WireFaults = {
	duplicate: 0.08,
	reorder: 0.08,
	duplicateOut: 0.05,
	reorderOut: 0.05,
	// Sockets also die mid-message. This is the fault that exposed outbox rows without clocks
	// (every edit after a tablet's first was confirmed before the relay held it: endClocks in
	// docstore.ts); kept on so that class of bug cannot come back unnoticed.
	terminate: 0.01
};

/** Shared by every faulty socket of one run: turned off to heal, and counts what it did. */
export class Wire {
	enabled = true;
	readonly counts = { duplicated: 0, reordered: 0, terminated: 0, messages: 0 };
	readonly #sockets = new Set<{ terminate(): void }>();
	constructor(
		readonly rng: Rng,
		readonly faults: WireFaults = DEFAULT_FAULTS
	) {}

	/**
	 * Cuts one open socket (abrupt drop, as when a tablet loses Wi-Fi for a moment). `at` in [0, 1)
	 * chooses which, so the caller draws from its generator whether or not a socket is open.
	 */
	terminateOne(at: number): boolean {
		const open = [...this.#sockets];
		if (open.length === 0) return false;
		open[Math.floor(at * open.length)].terminate();
		this.counts.terminated++;
		return true;
	}

	track(s: { terminate(): void }): () => void {
		this.#sockets.add(s);
		return () => this.#sockets.delete(s);
	}

	summary(): string {
		const c = this.counts;
		return `wire: ${c.messages} messages in, ${c.duplicated} duplicated, ${c.reordered} reordered, ${c.terminated} cut`;
	}
}

/** How long a held-back message waits for a successor before it is delivered anyway. */
const HOLD_MS = 10;

type Handler = ((ev: unknown) => void) | null;

/**
 * A WebSocket class for `WebsocketProvider`'s `WebSocketPolyfill` that wraps `ws` and, driven by
 * `wire`, duplicates and reorders messages in both directions and sometimes cuts the connection.
 * A held-back message is never lost while the socket stays open (TCP does not lose messages
 * either); it goes out after the next one, or after HOLD_MS if none follows. A cut connection
 * loses whatever was held back, as a real dropped connection loses what was in flight.
 */
export function faultySocketClass(wire: Wire): typeof globalThis.WebSocket {
	class FaultySocket {
		static readonly CONNECTING = 0;
		static readonly OPEN = 1;
		static readonly CLOSING = 2;
		static readonly CLOSED = 3;
		readonly CONNECTING = 0;
		readonly OPEN = 1;
		readonly CLOSING = 2;
		readonly CLOSED = 3;

		onopen: Handler = null;
		onmessage: Handler = null;
		onclose: Handler = null;
		onerror: Handler = null;

		#ws: WebSocket;
		#heldIn: { data: unknown } | null = null;
		#heldInTimer: ReturnType<typeof setTimeout> | null = null;
		#heldOut: Uint8Array | null = null;
		#heldOutTimer: ReturnType<typeof setTimeout> | null = null;
		#untrack: () => void;

		constructor(url: string, protocols?: string | string[]) {
			this.#ws = new WebSocket(url, protocols);
			this.#ws.binaryType = 'arraybuffer';
			this.#untrack = wire.track(this);
			this.#ws.onopen = (ev) => this.onopen?.(ev);
			this.#ws.onerror = (ev) => this.onerror?.(ev);
			this.#ws.onclose = (ev) => {
				this.#untrack();
				this.#clearHeld();
				this.onclose?.(ev);
			};
			this.#ws.onmessage = (ev) => this.#incoming({ data: ev.data });
		}

		set binaryType(_v: string) {
			// Always 'arraybuffer', which is what the provider asks for.
		}
		get binaryType(): string {
			return 'arraybuffer';
		}
		get readyState(): number {
			return this.#ws.readyState;
		}
		get bufferedAmount(): number {
			return this.#ws.bufferedAmount;
		}

		send(data: Uint8Array): void {
			if (!wire.enabled) return this.#sendNow(data);
			const rng = wire.rng;
			if (this.#heldOut) {
				const held = this.#heldOut;
				this.#heldOut = null;
				if (this.#heldOutTimer) clearTimeout(this.#heldOutTimer);
				this.#sendNow(data);
				this.#sendNow(held);
				return;
			}
			if (rng.chance(wire.faults.reorderOut)) {
				wire.counts.reordered++;
				// Copy: the caller may reuse the buffer.
				this.#heldOut = data.slice();
				this.#heldOutTimer = setTimeout(() => {
					const held = this.#heldOut;
					this.#heldOut = null;
					if (held) this.#sendNow(held);
				}, HOLD_MS);
				return;
			}
			this.#sendNow(data);
			if (rng.chance(wire.faults.duplicateOut)) {
				wire.counts.duplicated++;
				this.#sendNow(data);
			}
		}

		close(code?: number, reason?: string): void {
			this.#clearHeld();
			this.#ws.close(code, reason);
		}

		terminate(): void {
			this.#clearHeld();
			this.#ws.terminate();
		}

		#sendNow(data: Uint8Array): void {
			if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(data);
		}

		#deliver(ev: { data: unknown }): void {
			// The provider detaches its handlers when it closes the connection.
			this.onmessage?.(ev);
		}

		#incoming(ev: { data: unknown }): void {
			wire.counts.messages++;
			if (!wire.enabled) {
				this.#flushHeldIn();
				return this.#deliver(ev);
			}
			const rng = wire.rng;
			if (this.#heldIn) {
				// The held message goes after this one: reordered.
				const held = this.#heldIn;
				this.#heldIn = null;
				if (this.#heldInTimer) clearTimeout(this.#heldInTimer);
				this.#deliver(ev);
				this.#deliver(held);
			} else if (rng.chance(wire.faults.reorder)) {
				wire.counts.reordered++;
				this.#heldIn = ev;
				this.#heldInTimer = setTimeout(() => this.#flushHeldIn(), HOLD_MS);
				return;
			} else {
				this.#deliver(ev);
				if (rng.chance(wire.faults.duplicate)) {
					wire.counts.duplicated++;
					this.#deliver(ev);
				}
			}
			if (rng.chance(wire.faults.terminate)) {
				wire.counts.terminated++;
				this.terminate();
			}
		}

		#flushHeldIn(): void {
			const held = this.#heldIn;
			this.#heldIn = null;
			if (this.#heldInTimer) clearTimeout(this.#heldInTimer);
			this.#heldInTimer = null;
			if (held) this.#deliver(held);
		}

		#clearHeld(): void {
			if (this.#heldInTimer) clearTimeout(this.#heldInTimer);
			if (this.#heldOutTimer) clearTimeout(this.#heldOutTimer);
			this.#heldIn = null;
			this.#heldOut = null;
		}
	}
	return FaultySocket as unknown as typeof globalThis.WebSocket;
}

// ---------------------------------------------------------------------------------------------
// Random data

const FIRST = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'José', 'Zoë', 'Siobhán', 'Kwame'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'García', 'Nowak', 'O’Brien', 'Okafor', 'Patel', 'Wilson'];
const TAGS = ['vip', 'wholesale', 'newsletter', 'staff', 'student', 'local'];
const NOTES = ['', 'Prefers SMS', 'Allergic to nuts', 'Pays by card', 'Ask about the loyalty card', 'Deliveries after 5pm'];

export const EDITABLE_FIELDS = ['firstName', 'lastName', 'email', 'notes', 'tags', 'phone', 'birthDate', 'gender'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** A unique card per call within one generator (cards must belong to one customer only). */
export class DataGen {
	#cards = 0;
	constructor(
		readonly rng: Rng,
		readonly seed: number
	) {}

	draft(now: string): CustomerDraft {
		const r = this.rng;
		const d: CustomerDraft = {
			...emptyDraft(now),
			firstName: r.pick(FIRST),
			lastName: r.pick(LAST)
		};
		for (const f of ['email', 'phone', 'birthDate', 'notes', 'tags', 'gender'] as const) {
			if (r.chance(0.5)) (d as unknown as Record<string, unknown>)[f] = this.value(f);
		}
		if (r.chance(0.6)) d.cards = [`S${this.seed}C${++this.#cards}`.toUpperCase()];
		return d;
	}

	value(field: EditableField): unknown {
		const r = this.rng;
		switch (field) {
			case 'firstName':
				return r.pick(FIRST);
			case 'lastName':
				return r.pick(LAST);
			case 'email':
				return r.chance(0.1) ? '' : `${r.pick(FIRST).toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${r.int(1, 999)}@example.com`;
			case 'notes':
				return r.pick(NOTES) + (r.chance(0.5) ? ` #${r.int(1, 99)}` : '');
			case 'tags': {
				const n = r.int(0, 3);
				return Array.from({ length: n }, () => r.pick(TAGS));
			}
			case 'phone':
				return r.chance(0.1) ? '' : `07700 900${String(r.int(0, 999)).padStart(3, '0')}`;
			case 'birthDate':
				return r.chance(0.1) ? '' : `${r.int(1930, 2010)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;
			case 'gender':
				return r.pick(GENDERS) as Gender;
		}
	}

	settingsPatch(): Partial<ShopSettings> {
		const r = this.rng;
		const patch: Partial<ShopSettings> = {};
		const keys = ['shopName', 'timeZone', 'currency', 'stores'] as const;
		const n = r.int(1, 2);
		for (let i = 0; i < n; i++) {
			const k = r.pick(keys);
			if (k === 'shopName') patch.shopName = `${r.pick(LAST)}’s ${r.pick(['Deli', 'Books', 'Garden', 'Bakery'])}`;
			if (k === 'timeZone') patch.timeZone = r.pick(['Europe/London', 'Europe/Dublin', 'Europe/Paris']);
			if (k === 'currency') patch.currency = r.pick(['GBP', 'EUR']);
			if (k === 'stores') {
				const count = r.int(1, 3);
				patch.stores = Array.from({ length: count }, (_, j) => ({ id: j === 0 ? 'main' : `s${j}${r.int(1, 9)}`, name: `Store ${r.int(1, 99)}` }));
			}
		}
		return patch;
	}
}

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------
// Shadow model: what the conflict semantics promise, phase by phase

interface ShadowCustomer {
	createdBy: string;
	deleted: boolean;
}

/**
 * Records successful operations. Between two heals (a phase), a customer field or a settings key
 * written by exactly ONE tablet must end with that tablet's last value everywhere: every tablet
 * had converged before the phase began, so that write is causally after every other value.
 */
export class Shadow {
	readonly customers = new Map<string, ShadowCustomer>();
	#fieldEdits = new Map<string, Map<string, unknown>>();
	#settingEdits = new Map<string, Map<string, unknown>>();

	created(id: string, by: string): void {
		this.customers.set(id, { createdBy: by, deleted: false });
	}

	deleted(id: string): void {
		const c = this.customers.get(id);
		if (c) c.deleted = true;
	}

	edited(id: string, field: string, by: string, value: unknown): void {
		const key = `${id}/${field}`;
		let byTablet = this.#fieldEdits.get(key);
		if (!byTablet) this.#fieldEdits.set(key, (byTablet = new Map()));
		byTablet.set(by, value);
	}

	settingEdited(key: string, by: string, value: unknown): void {
		let byTablet = this.#settingEdits.get(key);
		if (!byTablet) this.#settingEdits.set(key, (byTablet = new Map()));
		byTablet.set(by, value);
	}

	/** Ids that must exist everywhere / nowhere. */
	live(): string[] {
		return [...this.customers].filter(([, c]) => !c.deleted).map(([id]) => id).sort();
	}
	gone(): string[] {
		return [...this.customers].filter(([, c]) => c.deleted).map(([id]) => id).sort();
	}

	/** Field values the semantics promise for this phase: [id, field, value]. */
	promisedFields(): [string, string, unknown][] {
		const out: [string, string, unknown][] = [];
		for (const [key, byTablet] of this.#fieldEdits) {
			if (byTablet.size !== 1) continue;
			const slash = key.indexOf('/');
			const id = key.slice(0, slash);
			if (this.customers.get(id)?.deleted) continue;
			out.push([id, key.slice(slash + 1), [...byTablet.values()][0]]);
		}
		return out;
	}

	promisedSettings(): [string, unknown][] {
		return [...this.#settingEdits].filter(([, m]) => m.size === 1).map(([k, m]) => [k, [...m.values()][0]]);
	}

	/** A new phase starts after every tablet converged. */
	nextPhase(): void {
		this.#fieldEdits.clear();
		this.#settingEdits.clear();
	}
}

// ---------------------------------------------------------------------------------------------
// What is compared

export interface TabletSnapshot {
	customers: CustomerRecord[];
	settings: unknown;
}

export async function snapshot(db: {
	customers: { toArray(): Promise<CustomerRecord[]> };
	kv: { get(key: string): Promise<{ value: unknown } | undefined> };
}): Promise<TabletSnapshot> {
	const customers = (await db.customers.toArray()).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const settings = (await db.kv.get(SETTINGS_KEY))?.value ?? null;
	return { customers, settings };
}
