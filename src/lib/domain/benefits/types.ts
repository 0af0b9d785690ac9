// Group benefits, coupons and the shop's benefit policy as every part of the app sees them.
// Pure data: no DOM, Dexie or Yjs. Money in integer minor units; percentages as numbers from 0 to
// 100 with at most two decimals (7, 12.5, 33.33), computed in hundredths of a percent.
import type { FieldError } from '../errors';
import type { MembershipKey } from '../groups/types';

/**
 * Version of the stored shapes (Benefit, Coupon, BenefitPolicy) this build reads and writes. A
 * newer stored version is kept, shown as "needs an update" and never applied: a till that
 * misread a newer benefit would charge the wrong price.
 */
export const BENEFIT_SCHEMA_VERSION = 1;

// ---- Benefits -------------------------------------------------------------------------------------

/** What a price book entry applies to. Brands and categories are compared as written in the catalogue. */
export type PriceMatch = { kind: 'item'; itemId: string } | { kind: 'brand'; brand: string } | { kind: 'category'; category: string };

/** The member price of one unit: a fixed price, a percentage off, or an amount off the list price. */
export type EntryPrice = { kind: 'fixed'; amount: number } | { kind: 'pctOff'; pct: number } | { kind: 'amountOff'; amount: number };

export interface PriceBookEntry {
	match: PriceMatch;
	price: EntryPrice;
}

export type RedemptionPeriod = 'day' | 'week' | 'month';

/** Everything a group or a tier level can give its members. */
export type BenefitValue =
	/** A percentage off every item (unless a price book of the same group says otherwise for the item). */
	| { kind: 'discount'; pct: number }
	| { kind: 'priceBook'; name: string; entries: PriceBookEntry[] }
	/** Points earned are multiplied by `factor` (> 0; 1.5 = Gold earns one and a half times). */
	| { kind: 'pointsMultiplier'; factor: number }
	/** Members may redeem at most `points` per period (day; week from Monday; calendar month), in the shop's zone. */
	| { kind: 'redemptionLimit'; points: number; period: RedemptionPeriod }
	/** enabled false: members earn and redeem nothing. Loyalty is on unless a benefit switches it off. */
	| { kind: 'loyalty'; enabled: boolean }
	/** Categories members may see and order in the customer app. */
	| { kind: 'appAccess'; categories: string[] }
	| { kind: 'vip' };

export type BenefitKind = BenefitValue['kind'];

/** Kinds that change a line's price: the only ones the policy chooses between. */
export const PRICE_KINDS: readonly BenefitKind[] = ['discount', 'priceBook'];

/**
 * A benefit attached to a group (`target` = group id) or to one tier level or RFM segment
 * (`target` = `${groupId}/${levelId}`). A level's benefit replaces its group's benefit of the
 * same kind for the members of that level.
 */
export type Benefit = BenefitValue & {
	version: number;
	id: string;
	target: MembershipKey;
	createdAt: string;
	updatedAt: string;
};

// ---- Coupons --------------------------------------------------------------------------------------

export type CouponValue = { kind: 'amount'; amount: number } | { kind: 'pct'; pct: number };

export interface Coupon {
	version: number;
	id: string;
	/** As typed at the till: compared without case and spaces ('spring 26' = 'SPRING26'). */
	code: string;
	value: CouponValue;
	/** 'YYYY-MM-DD' in the shop's zone, both inclusive. */
	validFrom: string;
	validTo: string;
	/** null: as often as the customer likes (an anonymous sale may use it too). */
	usesPerCustomer: number | null;
	/** Membership keys (groups or levels) whose members may use it; empty: everyone. */
	groups: MembershipKey[];
	createdAt: string;
	updatedAt: string;
}

// ---- Policy ---------------------------------------------------------------------------------------

/**
 * How the till chooses when a customer's groups offer different prices for one line.
 * - best-price: the lowest price for the customer (the default);
 * - priority: the first group in `order` that offers a price for the line;
 * - newest-group: the most recently created group that offers one;
 * - stack: every group's price, combined in the order of STACK_ORDER_RULE.
 * Every tie is broken by TIE_BREAK_RULE.
 */
export type BenefitPolicy =
	| { version: number; kind: 'best-price' }
	| { version: number; kind: 'priority'; order: string[] }
	| { version: number; kind: 'newest-group' }
	| { version: number; kind: 'stack' };

export type PolicyKind = BenefitPolicy['kind'];

export const DEFAULT_POLICY: BenefitPolicy = { version: BENEFIT_SCHEMA_VERSION, kind: 'best-price' };

/** The fixed tie-break, as the owner reads it in Settings and on a trace. Implemented by compareGroups (price.ts). */
export const TIE_BREAK_RULE =
	'When two groups would give the same result, the group created first wins; groups created at the same moment go by name (A to Z).';

/** How 'stack' combines, as the owner reads it. Implemented by stackLine (price.ts). */
export const STACK_ORDER_RULE =
	'Stacked benefits are combined in this order: the lowest fixed price of all groups first, then every amount off, then every percentage, each taken from the price left by the step before, groups in the tie-break order. A line never goes below zero.';

/** How amounts are rounded, as the owner reads it. Implemented by pctOf (price.ts). */
export const ROUNDING_RULE =
	'A percentage is taken from the whole line (unit price × quantity) and rounded to the nearest penny, a half penny in the customer’s favour.';

export const POLICY_LABELS: Record<PolicyKind, string> = {
	'best-price': 'Best price for the customer',
	priority: 'Groups in a fixed order of priority',
	'newest-group': 'The most recently created group',
	stack: 'Combine all groups’ benefits'
};

// ---- Pricing input and output ---------------------------------------------------------------------

/** What pricing needs to know of an item. */
export interface PricingItem {
	id: string;
	name: string;
	brand: string;
	category: string;
	/** List price of one unit, minor units. */
	price: number;
}

export interface PricingLine {
	item: PricingItem;
	qty: number;
}

/** The cashier took the group discount off one line (itemId) or off the whole sale (null). */
export interface DiscountRemoval {
	itemId: string | null;
	reason: string;
}

/** One step of how a line's price was reached; labels are copied in, so a trace never changes afterwards. */
export type TraceStep =
	| { kind: 'list'; unitPrice: number; qty: number; amount: number }
	| { kind: 'benefit'; label: string; benefitId: string; key: MembershipKey; off: number; after: number }
	| { kind: 'coupon'; code: string; off: number; after: number }
	/** A benefit or coupon that was considered and not used, and why (words for the receipt view). */
	| { kind: 'skipped'; label: string; why: string }
	| { kind: 'removed'; label: string; reason: string; by: 'cashier' };

/** Why the winning group won. */
export type WinReason =
	| { rule: 'only' }
	| { rule: 'best-price'; runnerUp: string | null }
	| { rule: 'priority'; position: number }
	| { rule: 'newest-group'; createdAt: string }
	| { rule: 'stack'; count: number }
	/** Same result as `against`: decided by TIE_BREAK_RULE. */
	| { rule: 'tie-break'; policy: PolicyKind; against: string[] };

export interface Winner {
	groupId: string;
	key: MembershipKey;
	benefitId: string;
	label: string;
}

export interface PricedBenefitLine {
	itemId: string;
	qty: number;
	unitPrice: number;
	/** unitPrice × qty. */
	gross: number;
	/** Off by group benefits (after any cashier removal). */
	benefitDiscount: number;
	couponDiscount: number;
	/** benefitDiscount + couponDiscount, never more than gross. */
	discount: number;
	/** gross − discount, never below zero. */
	net: number;
	/** Groups whose benefit set the price (several when stacking); empty when none applied. */
	winners: Winner[];
	why: WinReason | null;
	/** Short words for SaleLine.discountReason: 'Gold −7 %; coupon SPRING'. */
	reason: string;
	trace: TraceStep[];
}

export interface CouponOutcome {
	/** As entered, normalised. */
	code: string;
	couponId: string | null;
	applied: boolean;
	/** Total off across lines. */
	off: number;
	/** Why it was not applied (null when applied). */
	why: string | null;
}

export interface EffectiveLimit {
	points: number;
	period: RedemptionPeriod;
	/** Who set it, for the message: 'Gold'. */
	label: string;
}

/** The customer's benefits that are not prices, as they apply to this sale. */
export interface EffectivePerks {
	loyaltyEnabled: boolean;
	/** Who switched loyalty off, when it is off. */
	loyaltyOffBy: string | null;
	pointsMultiplier: number;
	multiplierFrom: string | null;
	/** Every limit applies (the strictest decides); empty: none. */
	limits: EffectiveLimit[];
	vip: boolean;
	appAccessCategories: string[];
}

export interface BenefitPricing {
	/** In the order the lines were given. */
	lines: PricedBenefitLine[];
	subtotal: number;
	discountTotal: number;
	/** subtotal − discountTotal, never below zero. */
	total: number;
	perks: EffectivePerks;
	coupons: CouponOutcome[];
	policy: PolicyKind;
	/** What must be put right before the sale can be finalised (a removal without a reason). */
	errors: FieldError[];
}
