// A customer's points ledger: every movement of points, from the sales, the adjustments and the
// opening balance an import brought from the previous system.
import type { OpeningBalance } from '../opening';
import type { PointAdjustment, Sale } from './types';

export interface LedgerEntry {
	id: string;
	at: string;
	kind: 'sale' | 'refund' | 'adjustment' | 'opening';
	/** Receipt number, or the adjustment's reason. */
	label: string;
	by: string;
	earned: number;
	redeemed: number;
	/** Net change of the balance. */
	change: number;
	saleId?: string;
}

/** Every movement of points, newest first: earned and redeemed per sale, adjustments with reasons. */
export function ledgerOf(sales: readonly Sale[], adjustments: readonly PointAdjustment[], opening: OpeningBalance | null = null): LedgerEntry[] {
	const out: LedgerEntry[] = [];
	// The points the previous system held, as one opening entry dated at the import (never as sales).
	if (opening && opening.points !== 0) {
		out.push({ id: opening.customerId, at: opening.at, kind: 'opening', label: `From ${opening.source}`, by: '', earned: 0, redeemed: 0, change: opening.points });
	}
	for (const s of sales) {
		if (s.pointsEarned === 0 && s.pointsRedeemed === 0) continue;
		out.push({
			id: s.id,
			at: s.at,
			kind: s.refundOf ? 'refund' : 'sale',
			label: s.receiptNo,
			by: s.deviceName,
			earned: s.pointsEarned,
			redeemed: s.pointsRedeemed,
			change: s.pointsEarned - s.pointsRedeemed,
			saleId: s.id
		});
	}
	for (const a of adjustments) {
		out.push({ id: a.id, at: a.at, kind: 'adjustment', label: a.reason, by: a.by, earned: 0, redeemed: 0, change: a.points });
	}
	return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
