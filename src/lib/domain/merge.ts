// Merging two customers: which fields come from where, how the rest is combined, what is refused,
// and how "A was merged into B" marks resolve to one surviving customer on every tablet.
// Pure: the service (merge/service.ts) writes what this decides.
import type { ConsentChannel, Consent, Customer, CustomerDraft } from './customer';
import { CONSENT_CHANNELS } from './customer';
import type { FieldError } from './errors';

/** Fields the owner chooses one side of, radio by radio. The rest is combined (mergedDraft). */
export const MERGE_CHOICE_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'birthDate', 'gender', 'addresses', 'storeId'] as const;
export type MergeChoiceField = (typeof MERGE_CHOICE_FIELDS)[number];
export type MergeSide = 'kept' | 'other';
export type MergeChoices = Record<MergeChoiceField, MergeSide>;

/** The replicated mark on a merged-away customer. */
export interface MergeMark {
	into: string;
	/** ISO instant of the merge. */
	at: string;
	/** Device or staff member that merged. */
	by: string;
	/** Fields the kept customer took from this one: a later edit of them here is forwarded (lateEdits). */
	taken?: MergeChoiceField[];
}

/**
 * Edits of a merged-away customer made after the merge (on a tablet that had not heard of it),
 * as changes for the survivor: a field the merge took from this customer, edited later here and
 * not edited since on the survivor, goes to the survivor; a consent goes there when it is the
 * most recent for its channel. Anything else stays in the merged-away record, still readable.
 * `survivorEdits`: when each field of the survivor was last written.
 */
export function lateEdits(
	mark: MergeMark,
	edits: ReadonlyMap<string, { v: unknown; at: string }>,
	survivor: Customer,
	survivorEdits: ReadonlyMap<string, { at: string }>
): { field: string; v: unknown; at: string }[] {
	const out: { field: string; v: unknown; at: string }[] = [];
	for (const [field, edit] of edits) {
		if (edit.at <= mark.at) continue;
		if (field === 'consents') {
			const next = latestConsents(survivor.consents, edit.v as Customer['consents']);
			if (JSON.stringify(next) !== JSON.stringify(survivor.consents)) out.push({ field, v: next, at: edit.at });
			continue;
		}
		if (!(mark.taken ?? []).includes(field as MergeChoiceField)) continue;
		const since = survivorEdits.get(field)?.at ?? '';
		if (since >= edit.at) continue;
		if (JSON.stringify(survivor[field as MergeChoiceField]) === JSON.stringify(edit.v)) continue;
		out.push({ field, v: edit.v, at: edit.at });
		// The default address goes with the addresses it points into.
		if (field === 'addresses') {
			const def = edits.get('defaultAddressId');
			if (def) out.push({ field: 'defaultAddressId', v: def.v, at: edit.at });
		}
	}
	return out;
}

function isEmpty(v: unknown): boolean {
	return v === '' || v === null || v === undefined || v === 'not-stated' || (Array.isArray(v) && v.length === 0);
}

/**
 * Sensible defaults: a field empty on the kept customer comes from the other one; where both have a
 * different value, from the customer changed most recently; otherwise the kept customer's.
 */
export function defaultChoices(kept: Customer, other: Customer): MergeChoices {
	const out = {} as MergeChoices;
	for (const f of MERGE_CHOICE_FIELDS) {
		const k = kept[f];
		const o = other[f];
		if (isEmpty(o) || JSON.stringify(k) === JSON.stringify(o)) out[f] = 'kept';
		else if (isEmpty(k)) out[f] = 'other';
		else out[f] = other.updatedAt > kept.updatedAt ? 'other' : 'kept';
	}
	return out;
}

/** The most recent consent per channel (a withdrawal dated later beats an older grant). */
export function latestConsents(a: Customer['consents'], b: Customer['consents']): Customer['consents'] {
	const out: Partial<Record<ConsentChannel, Consent>> = {};
	for (const ch of CONSENT_CHANNELS) {
		const x = a[ch];
		const y = b[ch];
		const pick = !x ? y : !y ? x : y.date > x.date ? y : x;
		if (pick) out[ch] = pick;
	}
	return out;
}

/** Both customers' notes, the kept customer's first; the same note is kept once. */
export function combinedNotes(kept: string, other: string): string {
	const k = kept.trim();
	const o = other.trim();
	if (!o || o === k || k.includes(o)) return kept;
	if (!k) return other;
	return `${kept.trimEnd()}\n\n${other.trim()}`;
}

function union<T>(a: readonly T[], b: readonly T[], key: (x: T) => string = String): T[] {
	const seen = new Set(a.map(key));
	return [...a, ...b.filter((x) => !seen.has(key(x)))];
}

/**
 * The kept customer after the merge: chosen fields from the chosen side; cards and tags of both;
 * the most recent consent per channel; both notes; the earlier registration.
 */
export function mergedDraft(kept: Customer, other: Customer, choices: MergeChoices): CustomerDraft {
	const from = (f: MergeChoiceField) => (choices[f] === 'other' ? other : kept)[f];
	const addressesFrom = choices.addresses === 'other' ? other : kept;
	return {
		firstName: from('firstName') as string,
		lastName: from('lastName') as string,
		email: from('email') as string,
		phone: from('phone') as string,
		birthDate: from('birthDate') as string,
		gender: from('gender') as Customer['gender'],
		addresses: structuredClone(addressesFrom.addresses),
		defaultAddressId: addressesFrom.defaultAddressId,
		storeId: from('storeId') as string,
		cards: union(kept.cards, other.cards, (c) => c.toLowerCase()),
		tags: union(kept.tags, other.tags, (t) => t.toLowerCase()),
		consents: latestConsents(kept.consents, other.consents),
		notes: combinedNotes(kept.notes, other.notes),
		registeredAt: other.registeredAt && other.registeredAt < kept.registeredAt ? other.registeredAt : kept.registeredAt
	};
}

/** What the merge check needs to know of each side: the record (absent when deleted) and its mark. */
export interface MergeCandidate {
	id: string;
	customer: Customer | undefined;
	/** Survivor this customer was merged into, when it was merged away. */
	mergedInto?: { id: string; name: string };
	/** Personal data erased (issue 11's erasure): nothing left to merge. */
	erased?: boolean;
	name: string;
}

/** Refusals: merge with self, with a merged-away, deleted or erased customer. Empty when allowed. */
export function checkMerge(kept: MergeCandidate, other: MergeCandidate, choices?: Partial<MergeChoices>): FieldError[] {
	if (kept.id === other.id) return [{ field: 'other', code: 'merge-self' }];
	const errors: FieldError[] = [];
	for (const [field, side] of [['kept', kept], ['other', other]] as const) {
		if (side.mergedInto) errors.push({ field, code: 'merge-already-merged', params: { name: side.name, intoName: side.mergedInto.name, intoId: side.mergedInto.id } });
		else if (side.erased) errors.push({ field, code: 'merge-erased', params: { name: side.name } });
		else if (!side.customer) errors.push({ field, code: 'merge-customer-gone', params: { name: side.name } });
	}
	if (errors.length || !choices) return errors;
	for (const f of MERGE_CHOICE_FIELDS) {
		if (choices[f] !== 'kept' && choices[f] !== 'other') errors.push({ field: `choices.${f}`, code: 'merge-choice-invalid', params: { label: f } });
	}
	return errors;
}

/**
 * Every merged-away id → the customer that survives it. Marks are followed transitively (A into B,
 * B into C: A's survivor is C). Two merges decided concurrently both ways (A into B on one tablet,
 * B into A on another) form a cycle: the lowest id in it survives and its own mark is ignored, so
 * every tablet, whatever order the marks arrived in, picks the same survivor. Ids that survive
 * (also a cycle's survivor) map to themselves.
 */
export function resolveSurvivors(marks: ReadonlyMap<string, string>): Map<string, string> {
	const out = new Map<string, string>();
	for (const start of marks.keys()) {
		if (out.has(start)) continue;
		const path: string[] = [];
		const onPath = new Map<string, number>();
		let cur: string | undefined = start;
		let survivor: string;
		for (;;) {
			if (out.has(cur)) {
				survivor = out.get(cur)!;
				break;
			}
			if (onPath.has(cur)) {
				// A cycle: from where it starts on the path to the end.
				const cycle = path.slice(onPath.get(cur)!);
				survivor = cycle.reduce((m, id) => (id < m ? id : m));
				break;
			}
			const next = marks.get(cur);
			if (next === undefined) {
				survivor = cur;
				break;
			}
			onPath.set(cur, path.length);
			path.push(cur);
			cur = next;
		}
		for (const id of path) out.set(id, survivor);
		out.set(survivor, survivor);
	}
	return out;
}
