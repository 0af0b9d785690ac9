import type { ShopSettings } from '$lib/domain/settings';

/** What the "Set up a new shop" form hands to sync.createShop. */
export interface ShopSetup {
	shopName: string;
	deviceName: string;
	settings: Partial<ShopSettings>;
	relayUrl: string;
	setupSecret?: string;
}

/** What the "Join a shop" form hands to sync.pair. */
export interface JoinRequest {
	code: string;
	deviceName: string;
	relayUrl: string;
}
