// Duplicate merge (issue 11): every merge and "Not a duplicate" of the app goes through here.
// Checks (domain/merge.ts) → one Yjs transaction over both customers' bucket documents → projected
// in one IndexedDB transaction (customers/merges.ts re-points sales and points to the survivor).
//
// What a merge writes: the kept customer's fields (the owner's choices, both customers' cards and
// tags, the most recent consent per channel, both notes), the other customer's manual group
// memberships and levels copied to the kept one, and a "merged into" mark on the other customer.
// The other customer's record is left as it was: its sales, points and edits made offline by a
// tablet that had not heard of the merge stay readable, and everything that counts per customer
// follows the mark to the survivor.
import type { Customer, CustomerDraft } from '$lib/domain/customer';
import { fullName } from '$lib/domain/customer';
import type { FieldError } from '$lib/domain/errors';
import { checkMerge, lateEdits, mergedDraft, MERGE_CHOICE_FIELDS, type MergeCandidate, type MergeChoices, type MergeMark } from '$lib/domain/merge';
import { CUSTOMER_FIELDS } from '$lib/domain/customer';
import { latestEdits } from '$lib/store/lww';
import { pairKey, type DuplicatePair } from '$lib/domain/duplicates';
import type { DocStore } from '$lib/store/docstore';
import type { MergeRow } from '$lib/store/schema';
import { customerDocName } from '$lib/store/docnames';
import {
	appendConsentEvents,
	changedFields,
	consentEventsByCustomer,
	customersMap,
	notDuplicatesMap,
	openingsMap,
	readCustomer,
	readMerge,
	readOpening,
	writeCustomerFields,
	writeMerge,
	writeOpening
} from '$lib/customers/yjs';
import { combineOpenings } from '$lib/domain/opening';
import { consentEventsToAdd } from '$lib/domain/privacy/consent';
import { memberKeys, membersMap, readMember, splitPair, writeLevel, writeMember } from '$lib/groups/yjs';
import { stripDerived } from '$lib/customers/service';
import { readErasure } from '$lib/customers/erasure';

export type MergeResult = { ok: true; keptId: string } | { ok: false; errors: FieldError[] };

export interface MergeContext {
	now(): string;
	/** Who merges: this device's name (and staff member when there is one). */
	by(): string;
}

export class CustomerMergeService {
	#store: DocStore;
	#ctx: MergeContext;

	constructor(store: DocStore, ctx: MergeContext) {
		this.#store = store;
		this.#ctx = ctx;
	}

	get #db() {
		return this.#store.db;
	}

	/** The merge row of a customer merged away (survivor !== id), for the profile's redirect. */
	async mergedAway(id: string): Promise<MergeRow | undefined> {
		const row = await this.#db.merges.get(id);
		return row && row.survivor !== row.id ? row : undefined;
	}

	/** Customers merged into this one (directly or through a chain). */
	mergedInto(survivorId: string): Promise<MergeRow[]> {
		return this.#db.merges.where('survivor').equals(survivorId).filter((r) => r.id !== survivorId).toArray();
	}

	/** What the merge screen and the check need of one side. */
	async candidate(id: string): Promise<MergeCandidate> {
		const [rec, merged, erasure] = await Promise.all([this.#db.customers.get(id), this.mergedAway(id), this.#db.erasures.get(id)]);
		const customer = rec ? stripDerived(rec) : undefined;
		const name = customer ? label(customer) : merged ? label(merged.record) : '';
		if (!merged) return { id, customer, name, erased: !!erasure };
		const into = await this.#db.customers.get(merged.survivor);
		return { id, customer: undefined, name, mergedInto: { id: merged.survivor, name: into ? label(into) : '' } };
	}

	/** Refusals for a pair before the screen opens (self, merged away, deleted, erased). */
	async check(keptId: string, otherId: string): Promise<FieldError[]> {
		if (keptId === otherId) return checkMerge({ id: keptId, customer: undefined, name: '' }, { id: otherId, customer: undefined, name: '' });
		return checkMerge(await this.candidate(keptId), await this.candidate(otherId));
	}

	/**
	 * Merges `otherId` into `keptId` with the owner's field choices. Checked against the replicated
	 * state itself (not the tables) inside the write, so nothing is written half-way.
	 */
	async merge(keptId: string, otherId: string, choices: MergeChoices): Promise<MergeResult> {
		const first = await this.check(keptId, otherId);
		if (first.length) return { ok: false, errors: first };
		const keptDoc = customerDocName(keptId);
		const otherDoc = customerDocName(otherId);
		const names = [...new Set([keptDoc, otherDoc])];
		const now = this.#ctx.now();
		const by = this.#ctx.by();
		const survivors = await this.#survivingMarks([keptId, otherId]);
		let errors: FieldError[] = [];
		await this.#store.transact(names, (docs) => {
			const keptMap = customersMap(docs.get(keptDoc)!);
			const otherMap = customersMap(docs.get(otherDoc)!);
			// Checked again on the replicated state: another tablet may have merged one of them since.
			const keptMark = markOf(keptMap, keptId, survivors);
			const otherMark = markOf(otherMap, otherId, survivors);
			const kept = keptMark ? undefined : readLive(keptMap, keptId);
			const other = otherMark ? undefined : readLive(otherMap, otherId);
			const keptErased = !!readErasure(docs.get(keptDoc)!, keptId);
			const otherErased = !!readErasure(docs.get(otherDoc)!, otherId);
			errors = checkMerge(side(keptId, kept, keptMark, keptErased), side(otherId, other, otherMark, otherErased), choices);
			if (errors.length || !kept || !other) return;
			const draft: CustomerDraft = mergedDraft(kept, other, choices);
			const changes = changedFields(kept, draft);
			if (Object.keys(changes).length) writeCustomerFields(keptMap, keptId, changes, now);
			copyMemberships(docs.get(otherDoc)!, otherId, docs.get(keptDoc)!, keptId, now, by);
			// The other's consent history joins the kept customer's (same event ids, so two tablets doing
			// it write the same keys): the current consent per channel is then the most recent of both.
			// An event the kept customer already holds, under its id or as a twin (the same channel,
			// status, moment, source and recorder: both imported from one file), is not copied again.
			const otherEvents = consentEventsByCustomer(docs.get(otherDoc)!, new Set([otherId])).get(otherId) ?? [];
			const keptEvents = consentEventsByCustomer(docs.get(keptDoc)!, new Set([keptId])).get(keptId) ?? [];
			const copied = consentEventsToAdd(keptEvents, otherEvents);
			if (copied.length) appendConsentEvents(docs.get(keptDoc)!, keptId, copied);
			// The other's opening balance (an import's history) counts for the kept customer from now on.
			const otherOpening = readOpening(docs.get(otherDoc)!, otherId);
			if (otherOpening) {
				writeOpening(docs.get(keptDoc)!, combineOpenings(keptId, readOpening(docs.get(keptDoc)!, keptId), otherOpening));
				openingsMap(docs.get(otherDoc)!).delete(otherId);
			}
			const taken = MERGE_CHOICE_FIELDS.filter((f) => choices[f] === 'other');
			writeMerge(otherMap, otherId, { into: keptId, at: now, by, taken });
		});
		return errors.length ? { ok: false, errors } : { ok: true, keptId };
	}

	/**
	 * Edits made to merged-away customers after their merge (announced by the projection as
	 * 'customers:merge-late'), forwarded to their survivors as domain/merge.ts lateEdits decides.
	 * Written with the edit's own moment, so every tablet that does it writes the same and a later
	 * edit of the survivor still wins. Returns the number of fields written.
	 */
	async forwardLateEdits(ids: string[]): Promise<number> {
		let written = 0;
		for (const id of ids) {
			const row = await this.#db.merges.get(id);
			if (!row || row.survivor === id) continue;
			const fromName = customerDocName(id);
			const toName = customerDocName(row.survivor);
			const plan = async () => {
				const from = customersMap(await this.#store.open(fromName));
				const to = customersMap(await this.#store.open(toName));
				const mark = readMerge(from, id);
				const survivor = readLive(to, row.survivor);
				if (!mark || !survivor) return [];
				return lateEdits(mark, latestEdits(from, id, CUSTOMER_FIELDS), survivor, latestEdits(to, row.survivor, CUSTOMER_FIELDS));
			};
			const changes = await plan();
			if (changes.length === 0) continue;
			await this.#store.transact([...new Set([fromName, toName])], (docs) => {
				const to = customersMap(docs.get(toName)!);
				for (const c of changes) writeCustomerFields(to, row.survivor, { [c.field]: c.v }, c.at);
			});
			written += changes.length;
		}
		return written;
	}

	/** Of `ids`, those carrying a mark yet surviving (the lowest id of a cycle of opposite merges). */
	async #survivingMarks(ids: string[]): Promise<Set<string>> {
		const rows = await this.#db.merges.bulkGet(ids);
		return new Set(rows.filter((r) => r && r.survivor === r.id).map((r) => r!.id));
	}

	/** "Not a duplicate": hidden on every tablet (replicated in the lower id's bucket). */
	async dismiss(a: string, b: string): Promise<void> {
		if (a === b) return;
		const key = pairKey(a, b);
		const name = customerDocName(a < b ? a : b);
		const at = this.#ctx.now();
		const by = this.#ctx.by();
		await this.#store.transact([name], (docs) => {
			const map = notDuplicatesMap(docs.get(name)!);
			if (!map.has(key)) map.set(key, { at, by });
		});
	}

	/** Pairs still worth showing: both customers still here, not dismissed meanwhile. */
	async stillOpen(pairs: DuplicatePair[]): Promise<DuplicatePair[]> {
		const ids = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
		const [present, dismissed] = await Promise.all([
			this.#db.customers.bulkGet(ids),
			this.#db.dismissedPairs.bulkGet(pairs.map((p) => pairKey(p.a, p.b)))
		]);
		const here = new Set(present.filter((c) => !!c).map((c) => c!.id));
		return pairs.filter((p, i) => here.has(p.a) && here.has(p.b) && !dismissed[i]);
	}
}

/** The customer as replicated, merged away or not (callers decide with markOf). */
function readLive(map: ReturnType<typeof customersMap>, id: string): Customer | undefined {
	const state = readCustomer(map, id);
	return state.kind === 'live' ? state.customer : undefined;
}

/** The customer's merge mark, unless the resolution says it survives (a cycle's lowest id). */
function markOf(map: ReturnType<typeof customersMap>, id: string, surviving: ReadonlySet<string>): MergeMark | null {
	return surviving.has(id) ? null : readMerge(map, id);
}

function side(id: string, c: Customer | undefined, mark: MergeMark | null, erased: boolean): MergeCandidate {
	return { id, customer: c, name: c ? label(c) : '', erased, mergedInto: mark ? { id: mark.into, name: '' } : undefined };
}

function label(c: Pick<Customer, 'firstName' | 'lastName' | 'email' | 'phone'>): string {
	return fullName(c) || c.email || c.phone;
}

/**
 * The other customer's manual memberships and levels, copied to the kept one where the kept one has
 * none of its own for that group (a group both were in stays one membership).
 */
function copyMemberships(fromDoc: Parameters<typeof membersMap>[0], fromId: string, toDoc: Parameters<typeof membersMap>[0], toId: string, at: string, by: string): void {
	const from = membersMap(fromDoc);
	const to = membersMap(toDoc);
	const mine = memberKeys(from, (pair) => splitPair(pair).customerId === fromId);
	if (mine.size === 0) return;
	const theirs = memberKeys(to, (pair) => splitPair(pair).customerId === toId);
	for (const [pair, keys] of mine) {
		const { groupId } = splitPair(pair);
		const m = readMember(from, fromId, groupId, keys);
		if (!m) continue;
		const targetKeys = theirs.get(`${toId}/${groupId}`) ?? [];
		const current = readMember(to, toId, groupId, targetKeys);
		if (m.member && !current?.member) writeMember(to, toId, groupId, true, at, by, targetKeys);
		if (m.level && !current?.level) writeLevel(to, toId, groupId, m.level);
	}
}
