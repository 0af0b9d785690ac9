// The contract between the UI / the till and the benefits data layer (issue 9). Components and the
// cart depend on these types only; DexieBenefitService (service.ts, over Dexie + the Yjs doc
// `benefits`) implements them. Pricing itself is the pure domain (domain/benefits/price.ts).
import type { FieldError } from '$lib/domain/errors';
import type { Benefit, BenefitPolicy, Coupon } from '$lib/domain/benefits/types';
import type { BenefitDraft, CouponDraft } from '$lib/domain/benefits/validate';
import type { Overlap } from '$lib/domain/benefits/overlaps';
import type { RedemptionRecord } from '$lib/domain/benefits/allowance';
import type { MembershipKey } from '$lib/domain/groups/types';

/** A stored benefit or coupon as the back office lists it. */
export interface StoredRecord<T> {
	id: string;
	/** null when `needsUpdate` (stored by a newer version of the app: shown, never applied nor edited). */
	value: T | null;
	needsUpdate: boolean;
	/** For a benefit: its target key even when it needs an update (so the group page can list it). */
	target?: MembershipKey;
}

/** Everything the till prices with: small (hundreds of rows), read whole and kept in memory. */
export interface BenefitsSnapshot {
	/** Readable benefits only; newer-version ones are left out (never applied). */
	benefits: Benefit[];
	coupons: Coupon[];
	/** DEFAULT_POLICY when none is stored, or when the stored one needs an update. */
	policy: BenefitPolicy;
	/** The stored policy is from a newer app version: the till says "policy needs an update" and prices best-price. */
	policyNeedsUpdate: boolean;
}

export type BenefitWriteResult = { ok: true; id: string } | { ok: false; errors: FieldError[] };

/** The check before saving: field errors (nothing saved) and the overlaps the draft would create with their predicted winners. */
export interface BenefitCheck {
	errors: FieldError[];
	overlaps: Overlap[];
}

export interface BenefitService {
	snapshot(): Promise<BenefitsSnapshot>;
	/** The benefits of a group and of its levels (target = group id or `${groupId}/${levelId}`), newer-version ones included. */
	ofGroup(groupId: string): Promise<StoredRecord<Benefit>[]>;
	/** Validates the draft and computes the overlaps it would create under the current policy; writes nothing. */
	check(draft: BenefitDraft, id?: string): Promise<BenefitCheck>;
	/** Validates (validateBenefit against groups and the catalogue) then writes; nothing half-saved. */
	save(draft: BenefitDraft, id?: string): Promise<BenefitWriteResult>;
	remove(id: string): Promise<BenefitWriteResult>;
	coupons(): Promise<StoredRecord<Coupon>[]>;
	saveCoupon(draft: CouponDraft, id?: string): Promise<BenefitWriteResult>;
	removeCoupon(id: string): Promise<BenefitWriteResult>;
	policy(): Promise<{ policy: BenefitPolicy; needsUpdate: boolean }>;
	/** validatePolicy (a priority list must name every group that has a price benefit), then writes. */
	savePolicy(policy: BenefitPolicy): Promise<BenefitWriteResult>;
	/** What would go with a group: its benefits, and coupons restricted to it (closed, never opened to everyone). */
	dependentsOf(groupId: string): Promise<{ benefits: Benefit[]; coupons: Coupon[] }>;
	/** Coupon id → times the customer used it (from their recorded sales' coupon outcomes). */
	couponUses(customerId: string): Promise<Record<string, number>>;
	/** The customer's sales and refunds, as allowance needs them. */
	redemptionHistory(customerId: string): Promise<RedemptionRecord[]>;
}
