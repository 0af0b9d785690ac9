// "Erase personal data": the one write path of an erasure, and its cleanup, resumable.
//
// 1. One Yjs transaction deletes every key of the customer and records the erasure (who, when): the
//    flush projects both at once, so staff never see a half-erased profile.
// 2. This tablet's stored log of the bucket is rewritten from the garbage-collected doc
//    (DocStore.compactNow): the deleted content leaves IndexedDB.
// 3. The relay is asked to rewrite its log of the bucket once it holds the deletion (kv request,
//    carried out by the sync engine, also after a restart or while the relay was down).
// An erased customer's row in `erasures` stays pending until 2 is done, and turns pending again
// when an offline tablet later sends something for them: resume() (at start and on every such
// announcement) deletes it again and repeats 2 and 3.
import { fullName } from '$lib/domain/customer';
import type { FieldError } from '$lib/domain/errors';
import type { DeviceRole } from '$lib/domain/privacy/consent';
import { confirmationMatches, isDormant } from '$lib/domain/privacy/erasure';
import type { DocStore } from '$lib/store/docstore';
import { customerDocName } from '$lib/store/docnames';
import { RELAY_COMPACTION_KIND, requestRelayCompaction } from '$lib/store/relay-compaction';
import type { ErasureRow } from '$lib/store/schema';
import { eraseInDoc, erasedLeftovers, readErasure, type ErasureRecord } from '$lib/customers/erasure';

export interface Actor {
	by: string;
	role: DeviceRole;
}

export interface DormantCustomer {
	id: string;
	name: string;
	lastSale: string | null;
	lastChange: string;
}

export type EraseResult = { ok: true; erasure: ErasureRecord } | { ok: false; errors: FieldError[] };

export class ErasureService {
	#store: DocStore;
	#now: () => string;
	#resuming: Promise<number> | null = null;

	constructor(store: DocStore, ctx: { now: () => string }) {
		this.#store = store;
		this.#now = ctx.now;
	}

	/** Owner only; `confirmation` must be the customer's full name or ERASE. */
	async erase(id: string, confirmation: string, actor: Actor): Promise<EraseResult> {
		if (actor.role !== 'owner') return { ok: false, errors: [{ field: 'confirmation', code: 'erase-owner-only' }] };
		const rec = await this.#store.db.customers.get(id);
		if (!rec) return { ok: false, errors: [{ field: 'confirmation', code: 'customer-gone' }] };
		if (!confirmationMatches(confirmation, fullName(rec))) {
			return { ok: false, errors: [{ field: 'confirmation', code: 'erase-confirmation-mismatch', params: { name: fullName(rec) } }] };
		}
		const at = this.#now();
		const record: ErasureRecord = { at, by: actor.by, role: actor.role };
		// The customers merged into this one are the same person: their records go too, in the same write.
		const ids = [id, ...(await this.#mergedInto(id))];
		const names = [...new Set(ids.map(customerDocName))];
		await this.#store.transact(names, (docs) => {
			for (const each of ids) eraseInDoc(docs.get(customerDocName(each))!, each, record, at);
		});
		await this.#clean(names);
		return { ok: true, erasure: record };
	}

	/**
	 * Erases many customers (retention), one transaction each, so a cancel (signal) stops between
	 * two customers and never halfway through one. Each bucket's log is rewritten once at the end,
	 * also after a cancel; until then the erased rows stay pending, so a closed tab resumes it.
	 */
	async eraseMany(
		ids: string[],
		actor: Actor,
		opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {}
	): Promise<{ erased: number; cancelled: boolean }> {
		if (actor.role !== 'owner') return { erased: 0, cancelled: false };
		const docs = new Set<string>();
		let erased = 0;
		let cancelled = false;
		opts.onProgress?.({ done: 0, total: ids.length });
		for (const id of ids) {
			if (opts.signal?.aborted) {
				cancelled = true;
				break;
			}
			const at = this.#now();
			const all = [id, ...(await this.#mergedInto(id))];
			const names = [...new Set(all.map(customerDocName))];
			let done = false;
			await this.#store.transact(names, (d) => {
				for (const each of all) {
					const doc = d.get(customerDocName(each))!;
					// Someone else may have erased them meanwhile: nothing to do then.
					if (readErasure(doc, each)) continue;
					eraseInDoc(doc, each, { at, by: actor.by, role: actor.role }, at);
					if (each === id) done = true;
				}
			});
			if (done) erased++;
			for (const name of names) docs.add(name);
			opts.onProgress?.({ done: erased, total: ids.length });
			// Let the page paint the progress and take a click on Cancel.
			await new Promise((r) => setTimeout(r, 0));
		}
		await this.#clean([...docs]);
		return { erased, cancelled };
	}

	/** Customers merged (directly or through a chain) into `id`. */
	async #mergedInto(id: string): Promise<string[]> {
		return (await this.#store.db.merges.where('survivor').equals(id).primaryKeys()).filter((m) => m !== id);
	}

	/**
	 * Customers with no sale and no profile change since `cutoff` ('YYYY-MM-DD'), oldest activity
	 * first. One pass over the customers and one over the statistics (key-ordered walks).
	 */
	async dormant(cutoff: string): Promise<DormantCustomer[]> {
		const db = this.#store.db;
		const lastSale = new Map<string, string | null>();
		await db.customerStats.each((s) => lastSale.set(s.customerId, s.lastVisit));
		const out: DormantCustomer[] = [];
		await db.customers.each((c) => {
			const sale = lastSale.get(c.id) ?? null;
			if (!isDormant(c, sale, cutoff)) return;
			const lastChange = c.updatedAt > c.registeredAt ? c.updatedAt : c.registeredAt;
			out.push({ id: c.id, name: fullName(c) || c.email || c.phone || 'No name', lastSale: sale, lastChange });
		});
		const activity = (d: DormantCustomer) => (d.lastSale && d.lastSale > d.lastChange ? d.lastSale : d.lastChange);
		return out.sort((a, b) => (activity(a) < activity(b) ? -1 : activity(a) > activity(b) ? 1 : 0));
	}

	/** The erasure of a customer, if they were erased (for the profile). */
	erasureOf(id: string): Promise<ErasureRow | undefined> {
		return this.#store.db.erasures.get(id);
	}

	/** Every erasure, newest first: the erasure log (no personal data in it). */
	async log(): Promise<ErasureRow[]> {
		return (await this.#store.db.erasures.toArray()).sort((a, b) => (a.at < b.at ? 1 : -1));
	}

	/**
	 * Finishes every pending cleanup: leftovers deleted again, local log rewritten, relay asked.
	 * Returns how many erased customers were cleaned. Runs one at a time.
	 */
	resume(): Promise<number> {
		const run = (this.#resuming ?? Promise.resolve(0)).then(() => this.#resumeOnce());
		this.#resuming = run.catch(() => 0);
		return run;
	}

	async #resumeOnce(): Promise<number> {
		const pending = await this.#store.db.erasures.where('pending').equals(1).toArray();
		if (pending.length === 0) return 0;
		const docs = new Set<string>();
		for (const row of pending) {
			const doc = await this.#store.open(row.doc);
			const record = readErasure(doc, row.id);
			if (record && erasedLeftovers(doc, row.id) > 0) {
				await this.#store.transact([row.doc], (d) => {
					eraseInDoc(d.get(row.doc)!, row.id, record, this.#now());
				});
			}
			docs.add(row.doc);
		}
		await this.#clean([...docs]);
		return pending.length;
	}

	async #clean(docs: string[]): Promise<void> {
		for (const name of docs) await this.#store.compactNow(name);
		await requestRelayCompaction(this.#store.db, docs);
		this.#store.announce({ [RELAY_COMPACTION_KIND]: docs });
		const db = this.#store.db;
		const done: string[] = [];
		for (const name of docs) {
			const doc = await this.#store.open(name);
			const rows = await db.erasures.where('pending').equals(1).filter((r) => r.doc === name).toArray();
			// A row whose customer got a leftover during the compaction stays for the next resume.
			for (const r of rows) if (erasedLeftovers(doc, r.id) === 0) done.push(r.id);
		}
		// modify(): only the flag changes.
		if (done.length) await db.erasures.where('id').anyOf(done).modify({ pending: 0 });
	}
}
