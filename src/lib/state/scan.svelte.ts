// One path for every scan, whatever read it (camera, keyboard-wedge scanner, typed by hand):
// resolve the text to what it names (scan.ts), then let the screen in front decide what to do.
// The layout installs the app-wide behaviour (open the customer, offer to assign an unknown
// card); the sale screen stacks its own on top (attach the customer, add the item).
import type { Item } from '$lib/domain/sales/types';
import type { ScanLookups, ScanOutcome, ScanSource } from './scan';
import { shop } from './shop.svelte';

/** A screen's handling of scans; true when it dealt with the outcome, false to pass it down. */
export type ScanHandler = (outcome: ScanOutcome, source: ScanSource) => boolean | Promise<boolean>;

export class ScanHub {
	/** The camera scanner dialog. */
	cameraOpen = $state(false);
	/** A card nobody holds, waiting for "assign" or "new customer". */
	unknownCard = $state<string | null>(null);
	/** Under the camera view: why the last code read was not taken (a web link, a pairing code). */
	note = $state<string | null>(null);

	#handlers: ScanHandler[] = [];
	/** The app-wide behaviour, asked last whatever the order screens and layout mounted in. */
	#fallback: ScanHandler | null = null;
	#lookups: () => ScanLookups | null;

	constructor(lookups: () => ScanLookups | null) {
		this.#lookups = lookups;
	}

	/** Sets the app-wide behaviour (the layout's), until the returned function is called. */
	fallback(handler: ScanHandler): () => void {
		this.#fallback = handler;
		return () => {
			if (this.#fallback === handler) this.#fallback = null;
		};
	}

	/** Adds a screen's handler above the others until the returned function is called (its lifetime). */
	use(handler: ScanHandler): () => void {
		this.#handlers.push(handler);
		return () => {
			const i = this.#handlers.lastIndexOf(handler);
			if (i >= 0) this.#handlers.splice(i, 1);
		};
	}

	/** Set by a screen that sells: scanned codes are looked up among the items too. */
	itemLookups: ((code: string) => Promise<Item | undefined>) | null = null;

	async handle(text: string, source: ScanSource): Promise<ScanOutcome | null> {
		const lookups = this.#lookups();
		if (!lookups) return null;
		// Loaded with the first scan: nothing of it is needed before one.
		const { resolveScan } = await import('./scan');
		const outcome = await resolveScan(text, { ...lookups, findItem: this.itemLookups ?? undefined });
		for (let i = this.#handlers.length - 1; i >= 0; i--) {
			if (await this.#handlers[i](outcome, source)) return outcome;
		}
		await this.#fallback?.(outcome, source);
		return outcome;
	}

	openCamera(): void {
		this.note = null;
		this.cameraOpen = true;
	}

	reset(): void {
		this.cameraOpen = false;
		this.unknownCard = null;
		this.note = null;
		this.itemLookups = null;
		this.#handlers = [];
		this.#fallback = null;
	}
}

export const scanHub = new ScanHub(() => (shop.ready ? { findByCard: (card) => shop.customers.findByCard(card) } : null));
