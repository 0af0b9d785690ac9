// Who, where and when a sale or refund is recorded: the stamp every receipt carries.
import { newId } from '$lib/domain/ids';
import { parseReceiptNumber } from '$lib/domain/sales/receipt';
import { shop } from '$lib/state/shop.svelte';
import type { SaleStamp } from '$lib/domain/sales/types';

export type TillStamp = SaleStamp;

export async function tillStamp(): Promise<TillStamp> {
	const receiptNo = await shop.sales.nextReceiptNo();
	return {
		id: newId(),
		receiptNo,
		at: new Date().toISOString(),
		storeId: shop.device.storeId,
		// The receipt number's device part is this installation's own code.
		deviceId: parseReceiptNumber(receiptNo)?.deviceCode ?? '',
		deviceName: shop.device.name,
		// No cashier log-in yet: the till's name stands for whoever is at it.
		cashier: shop.device.name
	};
}

/** The customer's points balance on this tablet (0 before their first sale). */
export async function balanceOf(customerId: string): Promise<number> {
	return (await shop.sales.settledStats(customerId))?.pointsBalance ?? 0;
}

