// Projections of the 'benefits' document (copies only, read through domain/benefits/read.ts):
// benefits → the benefits table, coupons → the coupons table, the policy → one kv row. A record
// from a newer version of the app is kept for display (needsUpdate) and never applied; a damaged
// one is left out (nothing could show or apply it).
import * as Y from 'yjs';
import type { ChangeSet, Projection } from '$lib/store/docstore';
import type { BenefitRow, CouponRow, ShopDB } from '$lib/store/schema';
import { BENEFITS_DOC } from '$lib/store/docnames';
import { entityOfKey } from '$lib/store/lww';
import { readBenefit, readCoupon, readPolicy } from '$lib/domain/benefits/read';
import type { BenefitPolicy } from '$lib/domain/benefits/types';
import { normalizeCode } from '$lib/domain/benefits/coupons';
import { benefitsMap, couponsMap, policyMap, readBenefitRecord, readCouponRecord, readPolicyRecord, recordKeys } from './yjs';

/** The kv row of the policy; absent until someone saves one (the default applies). */
export const POLICY_KEY = 'benefits.policy';
export const BENEFITS_KIND = 'benefits';
export const COUPONS_KIND = 'coupons';
export const POLICY_KIND = 'benefits.policy';

/** A flush changed benefits, coupons or the policy (here or on another tablet). */
export function touchesBenefitData(changes: ChangeSet): boolean {
	return [BENEFITS_KIND, COUPONS_KIND, POLICY_KIND].some((k) => (changes[k]?.length ?? 0) > 0);
}

export interface PolicyRowValue {
	/** null when it needs an update (or is damaged): the default applies. */
	policy: BenefitPolicy | null;
	needsUpdate: boolean;
}

export function toBenefitRow(raw: Record<string, unknown>): BenefitRow | null {
	const read = readBenefit(raw);
	const id = String(raw.id);
	const target = typeof raw.target === 'string' ? raw.target : '';
	if (read.ok) return { id, target, value: read.value, needsUpdate: false, raw };
	return read.reason === 'newer-version' ? { id, target, value: null, needsUpdate: true, raw } : null;
}

export function toCouponRow(raw: Record<string, unknown>): CouponRow | null {
	const read = readCoupon(raw);
	const id = String(raw.id);
	const code = normalizeCode(typeof raw.code === 'string' ? raw.code : '');
	if (read.ok) return { id, code, value: read.value, needsUpdate: false, raw };
	return read.reason === 'newer-version' ? { id, code, value: null, needsUpdate: true, raw } : null;
}

export function toPolicyValue(raw: unknown): PolicyRowValue | null {
	if (raw === undefined) return null;
	const read = readPolicy(raw);
	return read.ok ? { policy: read.value, needsUpdate: false } : { policy: null, needsUpdate: read.reason === 'newer-version' };
}

function recordProjection<Row>(
	kind: string,
	table: 'benefits' | 'coupons',
	mapOf: (doc: Y.Doc) => Y.Map<unknown>,
	read: (map: Y.Map<unknown>, id: string, keys: readonly string[]) => { kind: string; raw?: Record<string, unknown> },
	toRow: (raw: Record<string, unknown>) => Row | null
): Projection {
	return {
		kind,
		tables: [table],
		matches: (name) => name === BENEFITS_DOC,
		observe(doc, dirty) {
			mapOf(doc).observe((event) => {
				for (const key of event.keysChanged) dirty(entityOfKey(key), event.transaction.origin);
			});
		},
		async apply(db: ShopDB, doc: Y.Doc, ids: Set<string>) {
			const map = mapOf(doc);
			const keysOf = recordKeys(map, (id) => ids.has(id));
			const puts: Row[] = [];
			const deletes: string[] = [];
			for (const id of ids) {
				const state = read(map, id, keysOf.get(id) ?? []);
				const row = state.kind === 'live' && state.raw ? toRow(state.raw) : null;
				if (row) puts.push(row);
				else deletes.push(id);
			}
			// put(): the row is the whole record, replaced from the Yjs state.
			const t = db.table(table);
			if (puts.length) await t.bulkPut(puts);
			if (deletes.length) await t.bulkDelete(deletes);
		}
	};
}

export const benefitsProjection = recordProjection(BENEFITS_KIND, 'benefits', benefitsMap, readBenefitRecord, toBenefitRow);
export const couponsProjection = recordProjection(COUPONS_KIND, 'coupons', couponsMap, readCouponRecord, toCouponRow);

export const benefitPolicyProjection: Projection = {
	kind: POLICY_KIND,
	tables: ['kv'],
	matches: (name) => name === BENEFITS_DOC,
	observe(doc, dirty) {
		policyMap(doc).observe((event) => dirty(POLICY_KEY, event.transaction.origin));
	},
	async apply(db: ShopDB, doc: Y.Doc) {
		const value = toPolicyValue(readPolicyRecord(policyMap(doc)));
		// put(): one small value replaced whole.
		if (value) await db.kv.put({ key: POLICY_KEY, value });
		else await db.kv.delete(POLICY_KEY);
	}
};
