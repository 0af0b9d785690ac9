// What a scanned text names, whatever read it (camera, keyboard-wedge scanner, typed by hand).
// Plain functions over injected lookups, tested in Node; the hub that routes outcomes to the
// screen in front is scan.svelte.ts.
import type { Customer } from '$lib/domain/customer';
import type { Item } from '$lib/domain/sales/types';
import { normalizeCard, isValidCard } from '$lib/domain/validate';
import { pairingCodeFromQr } from '$lib/devices/qr-scan';

export type ScanSource = 'camera' | 'scanner' | 'typed';

export type ScanOutcome =
	/** A card that belongs to a customer. */
	| { kind: 'customer'; customer: Customer; card: string }
	/** A readable card number nobody holds yet (or an item code on a screen that sells none). */
	| { kind: 'unknown-card'; card: string }
	/** An item's barcode or SKU (looked up only where the screen sells). */
	| { kind: 'item'; item: Item; code: string }
	/** A tablet pairing code or link, from the owner's QR code. */
	| { kind: 'pairing'; code: string }
	/** Nothing a card could be: a web link, a long text. */
	| { kind: 'unreadable'; text: string };

export interface ScanLookups {
	findByCard(card: string): Promise<Customer | undefined>;
	findItem?(code: string): Promise<Item | undefined>;
}

/** What a scanned text names. A card wins over an item with the same code (cards are the shop's own). */
export async function resolveScan(text: string, lookups: ScanLookups): Promise<ScanOutcome> {
	const raw = text.trim();
	const pairing = pairingCodeFromQr(raw);
	if (pairing && !/^\d+$/.test(raw)) return { kind: 'pairing', code: pairing };
	const card = normalizeCard(raw);
	if (card && isValidCard(card)) {
		const customer = await lookups.findByCard(card);
		if (customer) return { kind: 'customer', customer, card };
	}
	const item = raw && lookups.findItem ? await lookups.findItem(raw) : undefined;
	if (item) return { kind: 'item', item, code: raw };
	if (card && isValidCard(card)) return { kind: 'unknown-card', card };
	return { kind: 'unreadable', text: raw };
}
