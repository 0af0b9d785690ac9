// The benefits service: every read and write of benefits, coupons and the policy goes through here
// (STYLE 3): validate against the groups and the item catalogue → one Yjs transaction on the
// 'benefits' document (DocStore) → persisted and projected in one IndexedDB transaction. Nothing is
// written when anything is wrong. The till reads `snapshot()`, cached until benefits, coupons, the
// policy or the groups change (it re-prices on every cart change).
import type { FieldError } from '$lib/domain/errors';
import type { Group } from '$lib/domain/groups/types';
import { newId } from '$lib/domain/ids';
import {
	BENEFIT_SCHEMA_VERSION,
	DEFAULT_POLICY,
	type Benefit,
	type BenefitPolicy,
	type Coupon,
	type CouponOutcome
} from '$lib/domain/benefits/types';
import {
	catalogueOf,
	dependentsOf,
	validateBenefit,
	validateCoupon,
	validatePolicy,
	type BenefitDraft,
	type CouponDraft
} from '$lib/domain/benefits/validate';
import { findOverlaps, overlapsOf } from '$lib/domain/benefits/overlaps';
import { normalizeCode } from '$lib/domain/benefits/coupons';
import type { RedemptionRecord } from '$lib/domain/benefits/allowance';
import type { DocStore } from '$lib/store/docstore';
import type { BenefitRow, CouponRow } from '$lib/store/schema';
import { BENEFITS_DOC } from '$lib/store/docnames';
import type { BenefitCheck, BenefitService, BenefitsSnapshot, BenefitWriteResult, StoredRecord } from './api';
import { BENEFITS_KIND, COUPONS_KIND, POLICY_KEY, POLICY_KIND, type PolicyRowValue } from './projection';
import {
	BENEFIT_FIELDS,
	benefitsMap,
	benefitValue,
	COUPON_FIELDS,
	couponsMap,
	couponValue,
	deleteRecord,
	orphanKeys,
	policyMap,
	readBenefitRecord,
	readCouponRecord,
	recordKeys,
	writeNewRecord,
	writePolicy,
	writeRecordChanges
} from './yjs';
import type * as Y from 'yjs';

export interface BenefitServiceContext {
	now(): string;
	/** The shop's currency (money in messages: "below zero" names the price). */
	currency(): string;
	newId?: () => string;
}

/** The id a benefit not yet saved carries in `check` (its overlaps name it). */
export const DRAFT_BENEFIT_ID = 'draft';

/** Kinds of change after which the snapshot is read again. */
const SNAPSHOT_KINDS = [BENEFITS_KIND, COUPONS_KIND, POLICY_KIND, 'groups'];

export class DexieBenefitService implements BenefitService {
	#store: DocStore;
	#ctx: BenefitServiceContext;
	#newId: () => string;
	#snapshot: Promise<BenefitsSnapshot> | null = null;

	constructor(store: DocStore, ctx: BenefitServiceContext) {
		this.#store = store;
		this.#ctx = ctx;
		this.#newId = ctx.newId ?? newId;
		store.subscribe((changes) => {
			if (SNAPSHOT_KINDS.some((k) => changes[k]?.length)) this.#snapshot = null;
		});
	}

	get #db() {
		return this.#store.db;
	}

	/**
	 * The stored groups (a newer-version rule's group still exists for targets and orders); the
	 * domain adds the built-in ones ("All customers", RFM) itself (sources.ts: groupMap).
	 */
	async #groups(): Promise<Group[]> {
		return (await this.#db.groups.toArray()).map((r) => r.group);
	}

	async #benefitRows(): Promise<BenefitRow[]> {
		return this.#db.benefits.toArray();
	}

	async #readableBenefits(): Promise<Benefit[]> {
		return (await this.#benefitRows()).filter((r) => r.value).map((r) => r.value!);
	}

	async #readableCoupons(): Promise<Coupon[]> {
		return (await this.#db.coupons.toArray()).filter((r) => r.value).map((r) => r.value!);
	}

	async #catalogue() {
		return catalogueOf(await this.#db.items.toArray());
	}

	snapshot(): Promise<BenefitsSnapshot> {
		const load = async (): Promise<BenefitsSnapshot> => {
			const [benefits, coupons, policy] = await Promise.all([this.#readableBenefits(), this.#readableCoupons(), this.policy()]);
			return { benefits, coupons, policy: policy.policy, policyNeedsUpdate: policy.needsUpdate };
		};
		const p = (this.#snapshot ??= load());
		// A failed read is not kept: the next call tries again.
		p.catch(() => {
			if (this.#snapshot === p) this.#snapshot = null;
		});
		return p;
	}

	async ofGroup(groupId: string): Promise<StoredRecord<Benefit>[]> {
		const rows = await this.#db.benefits.where('target').equals(groupId).or('target').startsWith(`${groupId}/`).toArray();
		return rows.sort(byCreation).map((r) => ({ id: r.id, value: r.value, needsUpdate: r.needsUpdate, target: r.target }));
	}

	async check(draft: BenefitDraft, id?: string): Promise<BenefitCheck> {
		const [groups, benefits, catalogue, { policy }] = await Promise.all([this.#groups(), this.#readableBenefits(), this.#catalogue(), this.policy()]);
		const errors = validateBenefit(draft, groups, catalogue, this.#ctx.currency());
		if (errors.length) return { errors, overlaps: [] };
		const self = id ?? DRAFT_BENEFIT_ID;
		const now = this.#ctx.now();
		const before = benefits.find((b) => b.id === self);
		const candidate = { ...benefitValue(draft), id: self, createdAt: before?.createdAt ?? now, updatedAt: now } as unknown as Benefit;
		const all = [...benefits.filter((b) => b.id !== self), candidate];
		const overlaps = findOverlaps(all, groups, policy, { catalogue, currency: this.#ctx.currency() });
		return { errors: [], overlaps: overlapsOf(self, overlaps) };
	}

	async save(draft: BenefitDraft, id?: string): Promise<BenefitWriteResult> {
		const [groups, catalogue] = await Promise.all([this.#groups(), this.#catalogue()]);
		const errors = validateBenefit(draft, groups, catalogue, this.#ctx.currency());
		if (id !== undefined) errors.push(...(await this.#editable(this.#db.benefits.get(id), 'benefit-gone', 'benefit-needs-update')));
		if (errors.length) return { ok: false, errors };
		const value = benefitValue(draft);
		return this.#write(benefitsMap, id, value, BENEFIT_FIELDS, readBenefitRecord);
	}

	async remove(id: string): Promise<BenefitWriteResult> {
		if (!(await this.#db.benefits.get(id))) return { ok: false, errors: [{ field: 'id', code: 'benefit-gone' }] };
		const now = this.#ctx.now();
		await this.#transact((doc) => deleteRecord(benefitsMap(doc), id, now));
		return { ok: true, id };
	}

	async coupons(): Promise<StoredRecord<Coupon>[]> {
		const rows = await this.#db.coupons.toArray();
		return rows.sort((a, b) => a.code.localeCompare(b.code) || a.id.localeCompare(b.id)).map((r) => ({ id: r.id, value: r.value, needsUpdate: r.needsUpdate }));
	}

	async saveCoupon(draft: CouponDraft, id?: string): Promise<BenefitWriteResult> {
		const [rows, groups] = await Promise.all([this.#db.coupons.toArray(), this.#groups()]);
		const normalized: CouponDraft = { ...draft, code: normalizeCode(draft.code), groups: [...new Set(draft.groups ?? [])] };
		// A newer-version coupon's code is taken too (only its code is read).
		const existing = rows.map((r) => r.value ?? ({ id: r.id, code: r.code } as Coupon));
		const errors = validateCoupon(normalized, existing, groups, id ?? null);
		if (id !== undefined) errors.push(...(await this.#editable(this.#db.coupons.get(id), 'coupon-gone', 'coupon-needs-update')));
		if (errors.length) return { ok: false, errors };
		return this.#write(couponsMap, id, couponValue(normalized), COUPON_FIELDS, readCouponRecord);
	}

	async removeCoupon(id: string): Promise<BenefitWriteResult> {
		if (!(await this.#db.coupons.get(id))) return { ok: false, errors: [{ field: 'id', code: 'coupon-gone' }] };
		const now = this.#ctx.now();
		await this.#transact((doc) => deleteRecord(couponsMap(doc), id, now));
		return { ok: true, id };
	}

	async policy(): Promise<{ policy: BenefitPolicy; needsUpdate: boolean }> {
		const row = (await this.#db.kv.get(POLICY_KEY))?.value as PolicyRowValue | undefined;
		return { policy: row?.policy ?? DEFAULT_POLICY, needsUpdate: row?.needsUpdate ?? false };
	}

	async savePolicy(policy: BenefitPolicy): Promise<BenefitWriteResult> {
		const [groups, benefits, stored] = await Promise.all([this.#groups(), this.#readableBenefits(), this.policy()]);
		const errors = validatePolicy(policy, groups, benefits);
		if (stored.needsUpdate) errors.push({ field: 'kind', code: 'policy-needs-update' });
		if (errors.length) return { ok: false, errors };
		const value: BenefitPolicy =
			policy.kind === 'priority' ? { version: BENEFIT_SCHEMA_VERSION, kind: 'priority', order: [...policy.order] } : { version: BENEFIT_SCHEMA_VERSION, kind: policy.kind };
		const now = this.#ctx.now();
		await this.#transact((doc) => writePolicy(policyMap(doc), value, now));
		return { ok: true, id: POLICY_KEY };
	}

	async dependentsOf(groupId: string): Promise<{ benefits: Benefit[]; coupons: Coupon[] }> {
		const [benefits, coupons] = await Promise.all([this.#readableBenefits(), this.#readableCoupons()]);
		const d = dependentsOf(groupId, benefits, coupons);
		return { benefits: benefits.filter((b) => d.benefits.includes(b.id)), coupons: coupons.filter((c) => d.coupons.includes(c.id)) };
	}

	async couponUses(customerId: string): Promise<Record<string, number>> {
		const out: Record<string, number> = {};
		for (const sale of await this.#db.sales.where('customerId').equals(customerId).toArray()) {
			if (sale.refundOf !== null) continue;
			for (const o of outcomesOf(sale)) if (o.applied && o.couponId) out[o.couponId] = (out[o.couponId] ?? 0) + 1;
		}
		return out;
	}

	async redemptionHistory(customerId: string): Promise<RedemptionRecord[]> {
		const sales = await this.#db.sales.where('customerId').equals(customerId).toArray();
		return sales.map((s) => ({ id: s.id, at: s.at, pointsRedeemed: s.pointsRedeemed ?? 0, refundOf: s.refundOf ?? null }));
	}

	/** Refuses editing a record deleted meanwhile or written by a newer version of the app. */
	async #editable(row: Promise<BenefitRow | CouponRow | undefined>, gone: FieldError['code'], newer: FieldError['code']): Promise<FieldError[]> {
		const r = await row;
		if (!r) return [{ field: 'id', code: gone }];
		return r.needsUpdate ? [{ field: 'id', code: newer }] : [];
	}

	async #write(
		mapOf: (doc: Y.Doc) => Y.Map<unknown>,
		id: string | undefined,
		value: Record<string, unknown>,
		fields: readonly string[],
		read: typeof readBenefitRecord
	): Promise<BenefitWriteResult> {
		const now = this.#ctx.now();
		const target = id ?? this.#newId();
		let written = true;
		await this.#transact((doc) => {
			const map = mapOf(doc);
			if (id === undefined) return writeNewRecord(map, target, value, now);
			const state = read(map, target, recordKeys(map, (x) => x === target).get(target) ?? []);
			// Deleted on another tablet meanwhile (seen since the check above): nothing to edit.
			written = state.kind === 'live' && writeRecordChanges(map, target, state.raw, value, fields, now);
		});
		return written ? { ok: true, id: target } : { ok: false, errors: [{ field: 'id', code: mapOf === couponsMap ? 'coupon-gone' : 'benefit-gone' }] };
	}

	/** One write to the benefits document; late edits of deleted records are cleared in it too. */
	async #transact(fn: (doc: Y.Doc) => void): Promise<void> {
		await this.#store.transact([BENEFITS_DOC], (docs) => {
			const doc = docs.get(BENEFITS_DOC)!;
			fn(doc);
			for (const map of [benefitsMap(doc), couponsMap(doc)]) for (const key of orphanKeys(map)) map.delete(key);
		});
	}
}

function byCreation(a: BenefitRow, b: BenefitRow): number {
	const at = (r: BenefitRow) => String(r.value?.createdAt ?? r.raw.createdAt ?? '');
	return at(a).localeCompare(at(b)) || a.id.localeCompare(b.id);
}

/** The coupon outcomes the till stored on a sale (an optional field added by issue 9; older sales have none). */
function outcomesOf(sale: object): CouponOutcome[] {
	const list = (sale as { coupons?: unknown }).coupons;
	if (!Array.isArray(list)) return [];
	return list.filter((o): o is CouponOutcome => typeof o === 'object' && o !== null && typeof (o as CouponOutcome).applied === 'boolean');
}
