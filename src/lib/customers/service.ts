// The customer service: every customer read and write of the app goes through here (STYLE 3):
// validate (domain) → one Yjs transaction (DocStore) → persisted + projected in one IndexedDB
// transaction → listeners notified.
import type { Customer, CustomerDraft } from '$lib/domain/customer';
import { fullName } from '$lib/domain/customer';
import type { FieldError } from '$lib/domain/errors';
import { normalizeCard, validateCustomer, type ValidationContext } from '$lib/domain/validate';
import { exactKey, searchPrefixes } from '$lib/domain/search';
import { normalizePhone } from '$lib/domain/phone';
import { normalizeEmail } from '$lib/domain/email';
import { newId } from '$lib/domain/ids';
import type { DocStore } from '$lib/store/docstore';
import { customerDocName } from '$lib/store/docnames';
import { consentChanges, type ConsentEvent, type DeviceRole } from '$lib/domain/privacy/consent';
import {
	appendConsentEvents,
	changedFields,
	customersMap,
	deleteCustomer,
	orphanedFieldKeys,
	readCustomer,
	readOpening,
	writeCustomerFields,
	writeNewCustomer,
	writeOpening
} from '$lib/customers/yjs';
import type { OpeningFigures } from '$lib/domain/opening';
import { fieldChanges, openingChange, nameOf, type MatchMode } from '$lib/domain/customer-match';
import type { CustomerField } from '$lib/domain/customer';
import type { CustomerService, ImportOutcome, ImportProgress, WriteResult } from './api';
import type { CustomerRecord } from '$lib/store/schema';

export interface ServiceContext {
	validation(): ValidationContext;
	now(): string;
	newId?: () => string;
	/** This device (name and role): stamped on the consent history. */
	actor?: () => { by: string; role?: DeviceRole };
}

/** Rows written per transaction during an import: a cancel stops between two of them. */
export const IMPORT_CHUNK = 5000;

export class DexieCustomerService implements CustomerService {
	#store: DocStore;
	#ctx: ServiceContext;
	#newId: () => string;

	constructor(store: DocStore, ctx: ServiceContext) {
		this.#store = store;
		this.#ctx = ctx;
		this.#newId = ctx.newId ?? newId;
	}

	get #db() {
		return this.#store.db;
	}

	async get(id: string): Promise<Customer | undefined> {
		const rec = await this.#db.customers.get(id);
		return rec && stripDerived(rec);
	}

	/** Every recorded consent change of the customer, newest first. */
	async consentHistory(id: string): Promise<ConsentEvent[]> {
		return (await this.#db.customers.get(id))?.consentHistory ?? [];
	}

	async search(query: string, limit = 50): Promise<Customer[]> {
		const prefixes = searchPrefixes(query, this.#ctx.validation().defaultCountry);
		// One range query per prefix, in parallel: Dexie's startsWithAnyOf walks the index between
		// distant prefixes ('c:…' to 'z:…') and took ~30 ms at 100,000 customers; each range alone takes <1 ms.
		const perPrefix = await Promise.all(
			prefixes.map((p) => this.#db.customers.where('k').startsWith(p).limit(limit).toArray())
		);
		const seen = new Set<string>();
		const out: Customer[] = [];
		for (const rec of perPrefix.flat()) {
			if (seen.has(rec.id)) continue;
			seen.add(rec.id);
			out.push(stripDerived(rec));
			if (out.length === limit) break;
		}
		return out;
	}

	/** Ids of every customer matching the query (the list combines them with filters and sorting). */
	async searchIds(query: string): Promise<Set<string>> {
		const prefixes = searchPrefixes(query, this.#ctx.validation().defaultCountry);
		const perPrefix = await Promise.all(prefixes.map((p) => this.#db.customers.where('k').startsWith(p).primaryKeys()));
		return new Set(perPrefix.flat());
	}

	async findByCard(card: string): Promise<Customer | undefined> {
		const norm = normalizeCard(card);
		if (!norm) return undefined;
		const rec = await this.#db.customers.where('k').equals(exactKey.card(norm)).first();
		return rec && stripDerived(rec);
	}

	async findDuplicates(draft: CustomerDraft, excludeId?: string): Promise<FieldError[]> {
		const out: FieldError[] = [];
		const email = normalizeEmail(draft.email);
		if (email.ok && email.email) {
			const other = await this.#db.customers
				.where('k')
				.equals(exactKey.email(email.email))
				.and((c) => c.id !== excludeId)
				.first();
			if (other) out.push({ field: 'email', code: 'email-exists', params: owner(other) });
		}
		const phone = normalizePhone(draft.phone, this.#ctx.validation().defaultCountry);
		if (phone.ok && phone.e164) {
			const other = await this.#db.customers
				.where('k')
				.equals(exactKey.phone(phone.e164))
				.and((c) => c.id !== excludeId)
				.first();
			if (other) out.push({ field: 'phone', code: 'phone-exists', params: owner(other) });
		}
		return out;
	}

	async create(draft: CustomerDraft): Promise<WriteResult> {
		const checked = await this.#validate(draft);
		if (!checked.ok) return checked;
		const id = this.#newId();
		const now = this.#ctx.now();
		const events = this.#consentEvents({}, checked.draft.consents, now);
		await this.#store.transact([customerDocName(id)], (docs) => {
			const doc = docs.get(customerDocName(id))!;
			writeNewCustomer(customersMap(doc), id, checked.draft, now);
			appendConsentEvents(doc, id, events);
		});
		return { ok: true, id };
	}

	async update(id: string, draft: CustomerDraft, base?: CustomerDraft): Promise<WriteResult> {
		const checked = await this.#validate(draft, id);
		if (!checked.ok) return checked;
		const name = customerDocName(id);
		const doc = await this.#store.open(name);
		const current = readCustomer(customersMap(doc), id);
		if (current.kind !== 'live') return { ok: false, errors: [{ field: 'firstName', code: 'customer-gone' }] };
		const changes = changedFields(base ?? current.customer, checked.draft);
		if (Object.keys(changes).length === 0) return { ok: true, id };
		const now = this.#ctx.now();
		// Consents as the form saw them (or as shown now, resolved from the history).
		const shown = base?.consents ?? (await this.#db.customers.get(id))?.consents ?? current.customer.consents;
		const events = 'consents' in changes ? this.#consentEvents(shown, checked.draft.consents, now) : [];
		await this.#store.transact([name], (docs) => {
			writeCustomerFields(customersMap(docs.get(name)!), id, changes, now);
			appendConsentEvents(docs.get(name)!, id, events);
		});
		return { ok: true, id };
	}

	async remove(id: string): Promise<void> {
		const name = customerDocName(id);
		const now = this.#ctx.now();
		await this.#store.transact([name], (docs) => {
			const map = customersMap(docs.get(name)!);
			if (readCustomer(map, id).kind === 'live') deleteCustomer(map, id, now);
		});
	}

	/**
	 * Removes field edits that arrived after their customer was deleted (personal data of a deleted
	 * customer). The tombstone is written again in the same transaction: an update of deletions
	 * alone has no clocks for the outbox to confirm against the relay.
	 */
	async removeOrphans(ids: string[]): Promise<number> {
		const byDoc = new Map<string, string[]>();
		for (const id of ids) (byDoc.get(customerDocName(id)) ?? byDoc.set(customerDocName(id), []).get(customerDocName(id))!).push(id);
		let removed = 0;
		for (const [name, list] of byDoc) {
			const map = customersMap(await this.#store.open(name));
			const orphans = list.filter((id) => orphanedFieldKeys(map, id).length > 0);
			if (orphans.length === 0) continue;
			const now = this.#ctx.now();
			await this.#store.transact([name], (docs) => {
				const m = customersMap(docs.get(name)!);
				for (const id of orphans) {
					removed += orphanedFieldKeys(m, id).length;
					deleteCustomer(m, id, now);
				}
			});
		}
		return removed;
	}

	async importMany(
		rows: { rowNumber: number; draft: CustomerDraft; opening?: OpeningFigures }[],
		opts: { signal?: AbortSignal; onProgress?: (p: ImportProgress) => void; chunk?: number; source?: string } = {}
	): Promise<ImportOutcome> {
		const size = opts.chunk ?? IMPORT_CHUNK;
		const outcome: ImportOutcome = { imported: 0, refused: [], cancelled: false };
		const total = rows.length;
		opts.onProgress?.({ done: 0, total });
		// One read of every card in use (a key-only scan), instead of a cursor walk per chunk:
		// at 100,000 customers that walk was most of the import time.
		const taken = await this.#cardOwners();
		// One chunk in flight: the next chunk's Yjs edits are made while IndexedDB writes the one
		// before (the browser writes on another thread, so the two overlap). Each chunk is still its
		// own flush transaction, and progress counts a chunk only once it is on disk.
		let inflight: Promise<void> | null = null;
		let written = 0;
		const landed = async () => {
			if (!inflight) return;
			const p = inflight;
			inflight = null;
			await p;
			opts.onProgress?.({ done: written, total });
		};
		for (let start = 0; start < total; start += size) {
			if (opts.signal?.aborted) {
				outcome.cancelled = true;
				break;
			}
			const chunk = rows.slice(start, start + size);
			const accepted = await this.#refuseTakenCards(chunk, taken, outcome);
			const now = this.#ctx.now();
			const byDoc = new Map<string, { id: string; draft: CustomerDraft; opening?: OpeningFigures }[]>();
			for (const row of accepted) {
				const id = this.#newId();
				const name = customerDocName(id);
				let list = byDoc.get(name);
				if (!list) byDoc.set(name, (list = []));
				list.push({ id, draft: row.draft, opening: row.opening });
				for (const card of row.draft.cards) taken.set(card.toLowerCase(), id);
			}
			const source = opts.source ?? 'import';
			const writing = this.#store
				.transact([...byDoc.keys()], (docs) => {
					for (const [name, list] of byDoc) {
						const doc = docs.get(name)!;
						const map = customersMap(doc);
						for (const { id, draft, opening } of list) {
							writeNewCustomer(map, id, draft, now);
							// A consent the file gives is a change of consent like any other: in the history.
							appendConsentEvents(doc, id, this.#consentEvents({}, draft.consents, now));
							// The opening balance in the same transaction: never a customer without the history the file gave.
							if (opening) writeOpening(doc, { ...opening, customerId: id, at: now, source });
						}
					}
				})
				.then(() => {
					outcome.imported += accepted.length;
					written = Math.min(start + chunk.length, total);
				});
			// The chunk before must be on disk before a third one starts (memory stays flat, and a
			// failure stops the import with at most this chunk in memory, retried by the next flush).
			await landed();
			inflight = writing;
			// Let the page paint the progress bar and handle a click on "Cancel import".
			await new Promise((r) => setTimeout(r, 0));
		}
		await landed();
		return outcome;
	}

	/**
	 * Updates matched customers from an import, a chunk of rows per transaction (a cancel stops
	 * between two, never inside a row; the chunk already being written is finished). What each row changes is worked out again here from the
	 * customer as the document has it now (fieldChanges: another tablet may have filled a field
	 * since the preview), and written per field like any edit (last writer wins per field), with
	 * the row's opening balance in the same transaction. A row whose customer was deleted
	 * meanwhile, whose result fails validation, or whose new card another customer holds is
	 * refused with the reasons; nothing of it is written.
	 */
	async updateMany(
		rows: { rowNumber: number; id: string; draft: CustomerDraft; opening?: OpeningFigures }[],
		opts: {
			mode: MatchMode;
			mapped: ReadonlySet<CustomerField>;
			signal?: AbortSignal;
			onProgress?: (p: ImportProgress) => void;
			chunk?: number;
			source?: string;
		}
	): Promise<ImportOutcome & { unchanged: number }> {
		const size = opts.chunk ?? IMPORT_CHUNK;
		const outcome = { imported: 0, refused: [] as ImportOutcome['refused'], cancelled: false, unchanged: 0 };
		const total = rows.length;
		opts.onProgress?.({ done: 0, total });
		const taken = await this.#cardOwners();
		const validation = this.#ctx.validation();
		// One chunk in flight, as in importMany: the next chunk's rows are worked out and written to
		// the documents while IndexedDB writes the one before. Each chunk is its own flush
		// transaction; its counts and progress are taken only once it is on disk.
		let inflight: Promise<void> | null = null;
		const landed = async () => {
			if (!inflight) return;
			const p = inflight;
			inflight = null;
			await p;
		};
		for (let start = 0; start < total; start += size) {
			if (opts.signal?.aborted) {
				outcome.cancelled = true;
				break;
			}
			const chunk = rows.slice(start, start + size);
			const names = [...new Set(chunk.map((r) => customerDocName(r.id)))];
			const now = this.#ctx.now();
			let written = 0;
			let unchanged = 0;
			const refused: ImportOutcome['refused'] = [];
			const writing = this.#store
				.transact(names, (docs) => {
					for (const row of chunk) {
						const doc = docs.get(customerDocName(row.id))!;
						const map = customersMap(doc);
						const state = readCustomer(map, row.id);
						if (state.kind !== 'live') {
							refused.push({ rowNumber: row.rowNumber, errors: [{ field: 'firstName', code: 'import-match-gone', params: { name: nameOf(row.draft) } }] });
							continue;
						}
						const current = state.customer;
						const before = readOpening(doc, row.id);
						const changes = fieldChanges(current, row.draft, opts.mapped, opts.mode);
						const opening = openingChange(before, row.opening, opts.mode);
						const fields = Object.keys(changes).length > 0;
						if (!fields && !opening) {
							unchanged++;
							continue;
						}
						// Only a record that changes is validated again (with its cards): an opening balance
						// alone leaves the customer as the document has it.
						if (fields) {
							const merged = { ...current, ...changes } as CustomerDraft;
							const errors = validateCustomer(merged, validation).errors;
							merged.cards.forEach((card, i) => {
								const owner = taken.get(card.toLowerCase());
								if (owner && owner !== row.id) errors.push({ field: `cards.${i}`, code: 'card-already-assigned', params: { card, ownerId: owner, ownerName: 'another customer' } });
							});
							if (errors.length) {
								refused.push({ rowNumber: row.rowNumber, errors });
								continue;
							}
							writeCustomerFields(map, row.id, changes, now);
							if ('consents' in changes) appendConsentEvents(doc, row.id, this.#consentEvents(current.consents, merged.consents, now));
							for (const card of merged.cards) taken.set(card.toLowerCase(), row.id);
						}
						if (opening) writeOpening(doc, { ...opening, customerId: row.id, at: now, source: opts.source ?? 'import' });
						written++;
					}
				})
				.then(() => {
					outcome.imported += written;
					outcome.unchanged += unchanged;
					outcome.refused.push(...refused);
					opts.onProgress?.({ done: Math.min(start + chunk.length, total), total });
				});
			// The chunk before must be on disk before a third one starts.
			await landed();
			inflight = writing;
			// Let the page paint the progress bar and handle a click on "Cancel import".
			await new Promise((r) => setTimeout(r, 0));
		}
		await landed();
		return outcome;
	}

	/**
	 * A matcher for imports: card, email or phone (any format) → customer id, from one key scan of
	 * the search index instead of a query per row.
	 */
	async matcher(): Promise<(key: { card?: string; email?: string; phone?: string }) => string | null> {
		const byKey = new Map<string, string>();
		for (const prefix of ['c:', 'e:', 'p:']) {
			await this.#db.customers
				.where('k')
				.startsWith(prefix)
				.eachKey((k, cursor) => {
					if (!byKey.has(k as string)) byKey.set(k as string, cursor.primaryKey);
				});
		}
		const country = this.#ctx.validation().defaultCountry;
		return ({ card, email, phone }) => {
			if (card) {
				const hit = byKey.get(exactKey.card(normalizeCard(card)));
				if (hit) return hit;
			}
			if (email) {
				const e = normalizeEmail(email);
				const hit = e.ok && e.email ? byKey.get(exactKey.email(e.email)) : undefined;
				if (hit) return hit;
			}
			if (phone) {
				const p = normalizePhone(phone, country);
				const hit = p.ok && p.e164 ? byKey.get(exactKey.phone(p.e164)) : undefined;
				if (hit) return hit;
			}
			return null;
		};
	}

	count(): Promise<number> {
		return this.#db.customers.count();
	}

	#consentEvents(before: Customer['consents'], after: Customer['consents'], now: string): ConsentEvent[] {
		const actor = this.#ctx.actor?.() ?? { by: '' };
		return consentChanges(before, after, { now, by: actor.by, role: actor.role, newId: this.#newId });
	}

	/** Domain validation plus what only the database knows: a card belongs to one customer only. */
	async #validate(
		draft: CustomerDraft,
		selfId?: string
	): Promise<{ ok: true; draft: CustomerDraft } | { ok: false; errors: FieldError[] }> {
		const { draft: normalised, errors } = validateCustomer(draft, this.#ctx.validation());
		const cardErrors = await this.#cardConflicts(normalised.cards, selfId);
		const all = [...errors, ...cardErrors];
		return all.length ? { ok: false, errors: all } : { ok: true, draft: normalised };
	}

	async #cardConflicts(cards: string[], selfId?: string): Promise<FieldError[]> {
		if (cards.length === 0) return [];
		const owners = (
			await Promise.all(cards.map((card) => this.#db.customers.where('k').equals(exactKey.card(card)).toArray()))
		).flat();
		const errors: FieldError[] = [];
		cards.forEach((card, i) => {
			const other = owners.find((o) => o.id !== selfId && o.cards.includes(card));
			if (other) errors.push({ field: `cards.${i}`, code: 'card-already-assigned', params: { card, ...owner(other) } });
		});
		return errors;
	}

	/** card (lower-cased, as in the search keys) → id of the customer holding it, for every card in use. */
	async #cardOwners(): Promise<Map<string, string>> {
		const owners = new Map<string, string>();
		await this.#db.customers
			.where('k')
			.startsWith('c:')
			.eachKey((key, cursor) => owners.set((key as string).slice(2), cursor.primaryKey));
		return owners;
	}

	async #refuseTakenCards<R extends { rowNumber: number; draft: CustomerDraft }>(
		chunk: R[],
		taken: Map<string, string>,
		outcome: ImportOutcome
	): Promise<R[]> {
		const clashes = chunk.filter((row) => row.draft.cards.some((c) => taken.has(c.toLowerCase())));
		if (clashes.length === 0) return chunk;
		const ownerIds = [
			...new Set(clashes.flatMap((r) => r.draft.cards.map((c) => taken.get(c.toLowerCase())).filter((x): x is string => !!x)))
		];
		const owners = new Map((await this.#db.customers.bulkGet(ownerIds)).filter((o) => !!o).map((o) => [o!.id, o!]));
		const refused = new Set(clashes);
		for (const row of clashes) {
			const errors: FieldError[] = [];
			row.draft.cards.forEach((card, i) => {
				const ownerId = taken.get(card.toLowerCase());
				if (!ownerId) return;
				const other = owners.get(ownerId);
				const params = other ? owner(other) : { ownerId, ownerName: 'a customer imported just now' };
				errors.push({ field: `cards.${i}`, code: 'card-already-assigned', params: { card, ...params } });
			});
			outcome.refused.push({ rowNumber: row.rowNumber, errors });
		}
		return chunk.filter((row) => !refused.has(row));
	}
}

function owner(c: Customer): { ownerId: string; ownerName: string } {
	return { ownerId: c.id, ownerName: fullName(c) || c.email || c.phone };
}

export function stripDerived(rec: CustomerRecord): Customer {
	const { k: _k, sortName: _s, consentHistory: _h, ...c } = rec;
	return c;
}
