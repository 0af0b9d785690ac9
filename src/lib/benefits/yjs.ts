// How benefits, coupons and the shop's benefit policy are shaped in Yjs (domain/benefits/DESIGN.md,
// "Next: data layer"). One small document, 'benefits' (hundreds of entries at most):
//
//   map 'benefits'  '<id>'                  → the benefit as created (one JSON value, with `version`)
//                   '<id>/<field>/<writer>' → { v, at } of a field edited later (store/lww.ts)
//                   '<id>'                  → { deleted: true, at } once deleted
//   map 'coupons'   the same, for coupons
//   map 'policy'    'policy/policy/<writer>' → { v, at }: the whole policy, last writer wins (an
//                   order list is one value: merging two reorderings would give an order nobody chose)
//
// Fields are written under each tablet's own key, so two tablets editing one field offline end
// with the later edit by their clocks, and two editing different fields both keep theirs. A price
// book's entries are one field: the later save of a book wins whole (a half-merged book would
// surprise both people). A deletion wins over any edit: edits that arrive after it are ignored and
// removed by the next write to the document.
import type * as Y from 'yjs';
import { BENEFIT_SCHEMA_VERSION, type BenefitPolicy } from '$lib/domain/benefits/types';
import type { BenefitDraft, CouponDraft } from '$lib/domain/benefits/validate';
import {
	applyEdits,
	changedFields,
	fieldKeysOf,
	latestEdits,
	readBase,
	writeBase,
	writeFields,
	writeTombstone,
	writerOf
} from '$lib/store/lww';

export const BENEFITS_MAP = 'benefits';
export const COUPONS_MAP = 'coupons';
export const POLICY_MAP = 'policy';
const POLICY_ID = 'policy';

/** Every field a benefit can carry after creation: its target, kind and the fields of every kind. */
export const BENEFIT_FIELDS = ['version', 'target', 'kind', 'pct', 'name', 'entries', 'factor', 'points', 'period', 'enabled', 'categories'] as const;
/** The fields of each kind (a benefit switched to another kind keeps only the new kind's). */
const KIND_FIELDS: Record<string, readonly string[]> = {
	discount: ['pct'],
	priceBook: ['name', 'entries'],
	pointsMultiplier: ['factor'],
	redemptionLimit: ['points', 'period'],
	loyalty: ['enabled'],
	appAccess: ['categories'],
	vip: []
};
export const COUPON_FIELDS = ['version', 'code', 'value', 'validFrom', 'validTo', 'usesPerCustomer', 'groups'] as const;

export type StoredState = { kind: 'live'; raw: Record<string, unknown> } | { kind: 'deleted' } | { kind: 'absent' };

export function benefitsMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(BENEFITS_MAP);
}
export function couponsMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(COUPONS_MAP);
}
export function policyMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(POLICY_MAP);
}

/** The field keys of the wanted records, one pass over the map. */
export const recordKeys = fieldKeysOf;

/**
 * A record as stored, edits applied, not yet read by domain/benefits/read.ts (which decides whether
 * this build can use it). Unknown fields of a newer version stay as they arrived.
 */
function readRecord(map: Y.Map<unknown>, id: string, fields: readonly string[], keys: readonly string[]): StoredState {
	const base = readBase<Record<string, unknown>>(map, id);
	if (base.kind !== 'live') return { kind: base.kind };
	const raw: Record<string, unknown> = { ...base.base, id };
	raw.updatedAt = applyEdits(raw, latestEdits(map, id, fields, keys), String(base.base.createdAt ?? ''));
	return { kind: 'live', raw };
}

export function readBenefitRecord(map: Y.Map<unknown>, id: string, keys: readonly string[]): StoredState {
	const state = readRecord(map, id, BENEFIT_FIELDS, keys);
	if (state.kind !== 'live') return state;
	// Fields left from a kind the benefit no longer has are dropped (a newer version's own fields stay).
	const own = KIND_FIELDS[String(state.raw.kind)];
	if (own) for (const f of BENEFIT_FIELDS) if (!own.includes(f) && !['version', 'target', 'kind'].includes(f)) delete state.raw[f];
	return state;
}

export function readCouponRecord(map: Y.Map<unknown>, id: string, keys: readonly string[]): StoredState {
	return readRecord(map, id, COUPON_FIELDS, keys);
}

/** The value to store for a benefit draft: the kind's own fields and the target, nothing else. */
export function benefitValue(draft: BenefitDraft): Record<string, unknown> {
	const d = draft as unknown as Record<string, unknown>;
	const out: Record<string, unknown> = { version: BENEFIT_SCHEMA_VERSION, target: d.target, kind: d.kind };
	for (const f of KIND_FIELDS[draft.kind] ?? []) out[f] = d[f];
	return out;
}

export function couponValue(draft: CouponDraft): Record<string, unknown> {
	return {
		version: BENEFIT_SCHEMA_VERSION,
		code: draft.code,
		value: draft.value,
		validFrom: draft.validFrom,
		validTo: draft.validTo,
		usesPerCustomer: draft.usesPerCustomer,
		groups: draft.groups
	};
}

export function writeNewRecord(map: Y.Map<unknown>, id: string, value: Record<string, unknown>, now: string): void {
	writeBase(map, id, { ...value, createdAt: now });
}

/**
 * Writes the fields that differ from the stored record (edits of other fields made elsewhere are
 * kept). A benefit that changes kind leaves the old kind's field keys in place: they are ignored
 * on read (readBenefitRecord). Nothing is written to a record deleted meanwhile.
 */
export function writeRecordChanges(
	map: Y.Map<unknown>,
	id: string,
	current: Record<string, unknown>,
	next: Record<string, unknown>,
	fields: readonly string[],
	now: string
): boolean {
	const keys = fieldKeysOf(map, (x) => x === id).get(id) ?? [];
	if (readBase(map, id).kind !== 'live') return false;
	const changes = changedFields(current, next, fields, { onlyPresent: true });
	if (Object.keys(changes).length) writeFields(map, id, changes, now, { writer: writerOf(map), keys });
	return true;
}

export function deleteRecord(map: Y.Map<unknown>, id: string, now: string): void {
	writeTombstone(map, id, now, fieldKeysOf(map, (x) => x === id).get(id) ?? []);
}

/** Field keys of deleted records (edits that arrived after the deletion): removed by any write. */
export function orphanKeys(map: Y.Map<unknown>): string[] {
	const out: string[] = [];
	for (const [id, keys] of fieldKeysOf(map, () => true)) if (readBase(map, id).kind !== 'live') out.push(...keys);
	return out;
}

export function readPolicyRecord(map: Y.Map<unknown>): unknown | undefined {
	const keys = fieldKeysOf(map, (x) => x === POLICY_ID).get(POLICY_ID) ?? [];
	return latestEdits(map, POLICY_ID, [POLICY_ID], keys).get(POLICY_ID)?.v;
}

export function writePolicy(map: Y.Map<unknown>, policy: BenefitPolicy, now: string): void {
	const keys = fieldKeysOf(map, (x) => x === POLICY_ID).get(POLICY_ID) ?? [];
	writeFields(map, POLICY_ID, { [POLICY_ID]: policy }, now, { writer: writerOf(map), keys });
}

/**
 * A deleted group leaves the priority order in the same write (otherwise the next save of the
 * policy would be refused at a row the owner cannot see). Only a policy this version reads is
 * touched; nothing is written when the group is not named.
 */
export function dropFromPolicy(doc: Y.Doc, groupId: string, now: string): boolean {
	const map = policyMap(doc);
	const raw = readPolicyRecord(map) as { version?: unknown; kind?: unknown; order?: unknown } | undefined;
	if (!raw || raw.version !== BENEFIT_SCHEMA_VERSION || raw.kind !== 'priority' || !Array.isArray(raw.order)) return false;
	if (!raw.order.includes(groupId)) return false;
	writePolicy(map, { ...(raw as BenefitPolicy & { kind: 'priority' }), order: (raw.order as string[]).filter((g) => g !== groupId) }, now);
	return true;
}

/**
 * What deleting a group does to the benefits document, in the deletion's own write: the group's
 * benefits (and its levels') are deleted, newer-version ones too (a deletion needs no reading);
 * its keys are taken out of every coupon restricted to it. A coupon left without any group is
 * closed (it ended `yesterday`, in the shop's zone), never opened to everyone. A coupon from a newer
 * version is left untouched: restricted to a group nobody is in, it applies to no one.
 */
export function detachGroup(doc: Y.Doc, groupId: string, yesterday: string, now: string): { benefits: number; coupons: number } {
	const ofGroup = (key: unknown) => typeof key === 'string' && (key === groupId || key.startsWith(`${groupId}/`));
	const benefits = benefitsMap(doc);
	let removed = 0;
	for (const [id, keys] of liveRecords(benefits)) {
		const state = readBenefitRecord(benefits, id, keys);
		if (state.kind === 'live' && ofGroup(state.raw.target)) {
			writeTombstone(benefits, id, now, keys);
			removed++;
		}
	}
	const coupons = couponsMap(doc);
	let changed = 0;
	for (const [id, keys] of liveRecords(coupons)) {
		const state = readCouponRecord(coupons, id, keys);
		if (state.kind !== 'live' || state.raw.version !== BENEFIT_SCHEMA_VERSION || !Array.isArray(state.raw.groups)) continue;
		const groups = state.raw.groups as string[];
		if (!groups.some(ofGroup)) continue;
		const next: Record<string, unknown> = { ...state.raw, groups: groups.filter((k) => !ofGroup(k)) };
		if ((next.groups as string[]).length === 0) {
			if (String(next.validTo) > yesterday) next.validTo = yesterday;
			if (String(next.validFrom) > yesterday) next.validFrom = yesterday;
		}
		writeFields(coupons, id, changedFields(state.raw, next, COUPON_FIELDS), now, { writer: writerOf(coupons), keys });
		changed++;
	}
	return { benefits: removed, coupons: changed };
}

/** Every live record's id with its field keys. */
function liveRecords(map: Y.Map<unknown>): Map<string, string[]> {
	const keys = fieldKeysOf(map, () => true);
	const out = new Map<string, string[]>();
	for (const key of map.keys()) if (!key.includes('/') && readBase(map, key).kind === 'live') out.set(key, keys.get(key) ?? []);
	return out;
}
