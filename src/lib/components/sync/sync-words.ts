// Words for sync: one table for relay and camera outcomes, and the status phrases shared by the
// app-bar indicator and the devices page, so both always say the same thing.
import type { SyncRefusal, SyncStatus } from '$lib/sync/engine';
import { RelayError } from '$lib/state/sync.svelte';
import { describeError } from '$lib/state/errors';
import type { CameraProblem } from '$lib/devices/camera';

const RELAY_MESSAGES: Record<string, string> = {
	'pairing-code-invalid': 'That pairing code is not right. Check it against the owner’s tablet, or ask for a new one.',
	'pairing-code-expired': 'That pairing code has expired (codes last 10 minutes). Ask the owner for a new one.',
	'too-many-requests': 'Too many attempts from this network. Wait a minute, then try again.',
	'setup-code-required': 'Creating a shop needs the setup code the shop server shows when it starts. Enter it above.',
	'setup-code-invalid':
		'That setup code is not right, or it was already used for another shop. Check it against the shop server (restarting it shows a new one).',
	'owner-only': 'Only an owner’s tablet can do this.',
	'cannot-revoke-self': 'A tablet cannot remove itself. Use another owner tablet.',
	unauthorized: 'This tablet is no longer allowed to sync with the shop. Ask the owner to pair it again.',
	'token-expired': 'This tablet was signed out after a long time without use. Pair it again.',
	'device-revoked': 'That tablet was removed from the shop; it must be paired again.',
	'device-not-found': 'That tablet is no longer in this shop.'
};

/** Why this tablet is signed out, for the person holding it. */
export function signedOutLabel(status: SyncStatus): string {
	if (status.signedOut === 'token-expired') {
		const days = status.idleDays ? `${status.idleDays} days` : 'a long time';
		return `This tablet was signed out after ${days} without use. Pair it again.`;
	}
	if (status.signedOut === 'token-rotated') {
		return 'This tablet’s access token was changed on another tablet, so it was signed out. Pair it again.';
	}
	return 'This tablet was removed from the shop or its access is no longer valid. Ask the owner to pair it again.';
}

/** The one place a failed relay call becomes a sentence for the person at the tablet. */
export function describeRelayError(err: unknown): string {
	if (err instanceof RelayError) return RELAY_MESSAGES[err.code] ?? err.message;
	return describeError(err);
}

export const CAMERA_MESSAGES: Record<CameraProblem, string> = {
	'camera-unsupported': 'This browser cannot use the camera here. Type the code instead.',
	'camera-denied':
		'The camera is blocked for this app. Allow camera access in the browser’s site settings, or type the code instead.',
	'no-camera': 'No camera was found on this tablet. Type the code instead.',
	'camera-busy': 'The camera is in use by another app. Close it and try again, or type the code instead.',
	'camera-failed': 'The camera could not be started. Type the code instead.'
};

/** What the relay's limits mean for the person at the till (engine SyncRefusal). */
export const REFUSAL_MESSAGES: Record<SyncRefusal, string> = {
	'doc-too-large':
		'The shop server refused a change: one of the shop’s data files has reached its size limit. The change is kept on this tablet. Ask the server’s administrator to raise MAX_DOC_MB, then press Sync now.',
	'shop-quota':
		'The shop server refused a change: this shop has used all the storage the server allows it. The change is kept on this tablet. Ask the server’s administrator to raise MAX_SHOP_MB, then press Sync now.',
	'rate-limited': 'This tablet is sending changes faster than the shop server accepts. It slows down and keeps trying; nothing is lost.',
	busy: 'The shop server is busy. This tablet keeps trying; nothing is lost.'
};

export const STATE_LABELS: Record<SyncStatus['state'], string> = {
	online: 'Online',
	offline: 'Offline',
	connecting: 'Connecting…',
	unauthorized: 'Removed from shop'
};

export function pendingLabel(pending: number): string {
	if (pending === 0) return 'All changes sent';
	return pending === 1 ? '1 change not sent' : `${pending} changes not sent`;
}

/** "Synced just now", "Synced 2 min ago", "Synced 3 h ago", "Synced on 4 Mar"; "Never synced". */
export function syncedLabel(lastSyncedAt: number | null, now: number): string {
	if (lastSyncedAt === null) return 'Never synced';
	return `Synced ${ago(lastSyncedAt, now)}`;
}

export function ago(at: number, now: number): string {
	const seconds = Math.max(0, (now - at) / 1000);
	if (seconds < 60) return 'just now';
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min ago`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return `${hours} h ago`;
	const days = Math.floor(hours / 24);
	if (days === 1) return 'yesterday';
	if (days < 7) return `${days} days ago`;
	return `on ${new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}`;
}
