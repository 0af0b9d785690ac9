// Customer cards: "Generate card" hands a customer the next free number of this tablet's blocks
// in the shop's in-store range (see domain/cards.ts for why blocks, and what happens when two
// offline tablets claimed the same one). Block claims are replicated in the settings document,
// one key per block; the card itself is written through the customer service like any edit.
import * as Y from 'yjs';
import type { DocStore } from '$lib/store/docstore';
import { SETTINGS_DOC } from '$lib/store/docnames';
import { stripDerived, type DexieCustomerService } from '$lib/customers/service';
import type { WriteResult } from '$lib/customers/api';
import type { Customer } from '$lib/domain/customer';
import type { FieldError } from '$lib/domain/errors';
import { exactKey } from '$lib/domain/search';
import { normalizeCard } from '$lib/domain/validate';
import {
	blockBounds,
	blockToClaim,
	cardNumber,
	freeInBlock,
	ownBlocks,
	rangeKey,
	sequenceOf,
	validateCardRange,
	type BlockClaim,
	type CardRange
} from '$lib/domain/cards';

/** The Y.Map of block claims in the settings document: block index → { install, rangeKey }. */
export const CARD_BLOCKS_MAP = 'cardBlocks';

export interface CardContext {
	range(): CardRange;
	/** This installation's random id: whose blocks are whose. */
	install(): string;
}

export type GenerateResult = { ok: true; card: string } | { ok: false; errors: FieldError[] };

export class CardService {
	#store: DocStore;
	#customers: DexieCustomerService;
	#ctx: CardContext;
	/** One generation at a time on this tablet: two taps must not pick the same number. */
	#queue: Promise<unknown> = Promise.resolve();

	constructor(store: DocStore, customers: DexieCustomerService, ctx: CardContext) {
		this.#store = store;
		this.#customers = customers;
		this.#ctx = ctx;
	}

	/** Gives the customer a new card from the shop's range and returns its number. */
	generate(customerId: string): Promise<GenerateResult> {
		const run = this.#queue.then(() => this.#generate(customerId));
		this.#queue = run.catch(() => undefined);
		return run;
	}

	async #generate(customerId: string): Promise<GenerateResult> {
		const range = this.#ctx.range();
		const rangeErrors = validateCardRange(range);
		if (rangeErrors.length) return { ok: false, errors: rangeErrors.map((e) => ({ ...e, field: 'cards' })) };
		const customer = await this.#customers.get(customerId);
		if (!customer) return { ok: false, errors: [{ field: 'cards', code: 'customer-gone' }] };

		const card = await this.#nextFree(range);
		if (!card) {
			const params = { first: cardNumber(range, range.start), last: cardNumber(range, range.end) };
			return { ok: false, errors: [{ field: 'cards', code: 'card-range-full', params }] };
		}
		const result = await this.#addCard(customer, card);
		return result.ok ? { ok: true, card } : result;
	}

	/** Gives the customer a card that was scanned or typed (validated, and refused if someone holds it). */
	async assign(customerId: string, card: string): Promise<WriteResult> {
		const customer = await this.#customers.get(customerId);
		if (!customer) return { ok: false, errors: [{ field: 'cards', code: 'customer-gone' }] };
		return this.#addCard(customer, card);
	}

	#addCard(customer: Customer, card: string): Promise<WriteResult> {
		// Only `cards` differs from the base, so only it is written: edits of other fields elsewhere survive.
		const { id, updatedAt: _at, ...base } = customer;
		return this.#customers.update(id, { ...base, cards: [...base.cards, card] }, base);
	}

	async #nextFree(range: CardRange): Promise<string | null> {
		const install = this.#ctx.install();
		const doc = await this.#store.open(SETTINGS_DOC);
		for (const block of ownBlocks(range, readClaims(doc), install)) {
			const seq = freeInBlock(range, block, await this.#usedIn(range, block));
			if (seq !== null) return cardNumber(range, seq);
		}
		// Each claimed block may already hold cards typed in by hand: claim until one has room.
		for (;;) {
			const block = blockToClaim(range, readClaims(doc), install);
			if (block === null) return null;
			await this.#store.transact([SETTINGS_DOC], (docs) => {
				const claim: BlockClaim = { install, rangeKey: rangeKey(range) };
				docs.get(SETTINGS_DOC)!.getMap(CARD_BLOCKS_MAP).set(String(block), claim);
			});
			const seq = freeInBlock(range, block, await this.#usedIn(range, block));
			if (seq !== null) return cardNumber(range, seq);
		}
	}

	/** Sequence numbers of block `index` already on a customer's card (one index range read). */
	async #usedIn(range: CardRange, index: number): Promise<Set<number>> {
		const { first, last } = blockBounds(range, index);
		const lo = exactKey.card(cardNumber(range, first).slice(0, 12));
		const hi = exactKey.card(cardNumber(range, last).slice(0, 12)) + '\uffff';
		const keys = await this.#store.db.customers.where('k').between(lo, hi, true, true).keys();
		const used = new Set<number>();
		for (const key of keys) {
			const seq = sequenceOf(range, String(key).slice(2));
			if (seq !== null) used.add(seq);
		}
		return used;
	}

	/**
	 * Every customer holding `card`. More than one means two tablets issued the same number
	 * while apart (or someone typed it in twice offline): the profile shows it.
	 */
	async holders(card: string): Promise<Customer[]> {
		const norm = normalizeCard(card);
		if (!norm) return [];
		const recs = await this.#store.db.customers.where('k').equals(exactKey.card(norm)).toArray();
		return recs.map(stripDerived);
	}
}

export function readClaims(doc: Y.Doc): Map<number, BlockClaim> {
	const out = new Map<number, BlockClaim>();
	doc.getMap<BlockClaim>(CARD_BLOCKS_MAP).forEach((claim, key) => {
		if (claim && typeof claim.install === 'string') out.set(Number(key), claim);
	});
	return out;
}
