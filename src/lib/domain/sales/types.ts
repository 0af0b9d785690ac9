// Sales, items and loyalty as every part of the app sees them. Pure data: no DOM, Dexie or Yjs.
// Money is always an integer in minor units (pence, cents); quantities are integers.
// A finalised Sale is immutable: it copies what it needs from the catalogue, so editing or
// deleting an item later never changes a past sale, a receipt reprint or a customer's statistics.
import type { CouponOutcome, DiscountRemoval, PolicyKind, TraceStep, Winner, WinReason } from '../benefits/types';

export type RedeemMode = 'none' | 'partial' | 'full';

export interface Item {
	id: string;
	sku: string;
	/** '' when the item has none. */
	barcode: string;
	name: string;
	brand: string;
	category: string;
	/** Size or variant, e.g. 'M', '500 ml'. */
	variant: string;
	/** Minor units, tax included. */
	price: number;
	/** Minor units, for gross margin; 0 when unknown. */
	cost: number;
	/** 'full': a unit is paid wholly with points or not at all; 'partial': points pay any part of it. */
	redeem: RedeemMode;
	/** Points that pay one unit wholly; 0 when redeem is 'none'. */
	pointsPrice: number;
	active: boolean;
}

export interface SaleLine {
	itemId: string;
	sku: string;
	name: string;
	brand: string;
	category: string;
	variant: string;
	/** Negative on a refund. */
	qty: number;
	unitPrice: number;
	unitCost: number;
	/** Minor units off this line: >= 0 on a sale; on a refund line, minus the share given back. */
	discount: number;
	discountReason: string;
	/** Points used to pay this line (negative on a refund: points given back). */
	pointsRedeemed: number;
	/** Money those points paid for on this line, in minor units (same sign as pointsRedeemed). */
	pointsValue: number;
	/** On a refund line: the index of the line of the original sale it refunds. */
	refundOfLine?: number;
	/**
	 * How the line's price was reached (list price → Gold −7 % → coupon SPRING …), with labels
	 * copied in: a later change to a group never rewrites it. Absent on sales rung up before
	 * group benefits (issue 9) and on refunds.
	 */
	trace?: TraceStep[];
	/** The groups whose benefit set the price (several when stacking). */
	winners?: Winner[];
	/** Why the winner won under the shop's policy at the time. */
	why?: WinReason | null;
}

export type PaymentMethod = 'cash' | 'card' | 'points';

export interface Payment {
	method: PaymentMethod;
	/** Minor units; cash is what was tendered (see Sale.change); negative on a refund. */
	amount: number;
}

/** Who, where and when: the stamp every sale and refund carries. */
export type SaleStamp = Pick<Sale, 'id' | 'receiptNo' | 'at' | 'storeId' | 'deviceId' | 'deviceName' | 'cashier'>;

export interface Sale {
	/** Random id: the key under which the sale replicates, so re-sending it never counts it twice. */
	id: string;
	receiptNo: string;
	/** ISO 8601 instant. */
	at: string;
	storeId: string;
	deviceId: string;
	deviceName: string;
	cashier: string;
	customerId: string | null;
	lines: SaleLine[];
	payments: Payment[];
	/** Sum of unitPrice × qty. */
	subtotal: number;
	discountTotal: number;
	/** Money value of the points redeemed. */
	pointsValue: number;
	/** To pay in money after discounts and points: subtotal − discountTotal − pointsValue. */
	total: number;
	/** Cash handed back: money payments − change = total. */
	change: number;
	pointsRedeemed: number;
	/** Earned by this sale whether or not a customer is attached, so tracking it later awards them. */
	pointsEarned: number;
	/** Id of the original sale for a refund. */
	refundOf: string | null;
	/** Receipt number of the original sale for a refund, for the printed receipt. */
	refundOfReceipt?: string;
	/** ISO 4217. */
	currency: string;
	/** Coupon codes entered at the till and what became of each (issue 9; absent on older sales). */
	coupons?: CouponOutcome[];
	/** Group discounts the cashier took off, with the reason they gave (itemId null: the whole sale). */
	removals?: DiscountRemoval[];
	/** The benefit policy the sale was priced under. */
	policy?: PolicyKind;
}

export interface PointAdjustment {
	id: string;
	customerId: string;
	/** Positive or negative. */
	points: number;
	reason: string;
	/** ISO 8601 instant. */
	at: string;
	by: string;
}

export interface LoyaltySettings {
	/** Points earned per whole currency unit spent, e.g. 1. */
	pointsPerUnit: number;
	rounding: 'down' | 'nearest' | 'up';
	/** Minor units one point is worth when redeemed, e.g. 1 (= 1p). */
	pointValue: number;
	/** Whether the part paid with points earns points too. */
	earnOnRedeemed: boolean;
}

export const DEFAULT_LOYALTY: LoyaltySettings = {
	pointsPerUnit: 1,
	rounding: 'down',
	pointValue: 1,
	earnOnRedeemed: false
};

/**
 * A discount applied to one line of a cart, with the reason printed on the receipt. Group
 * discounts (a later issue) compute these and hand them to priceCart.
 */
export interface LineDiscount {
	lineIndex: number;
	/** Minor units, > 0. */
	amount: number;
	reason: string;
}
