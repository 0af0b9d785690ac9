// The one place where unexpected failures (exceptions) become words for the person at the tablet.
// Expected outcomes (validation) are values and never reach here.

export function describeError(err: unknown): string {
	const name = errorName(err);
	if (name === 'QuotaExceededError' || /quota/i.test(String((err as Error)?.message ?? ''))) {
		return 'This tablet has run out of storage space, so the change was not saved. Free some space (or remove other sites’ data in the browser settings) and try again; nothing already saved is lost.';
	}
	if (name === 'MissingAPIError' || name === 'InvalidStateError') {
		return 'This browser does not let the app store data (private browsing, or storage turned off). Open the app in a normal window to keep your shop on this tablet.';
	}
	if (name === 'VersionError' || name === 'UpgradeError') {
		return 'The data on this tablet was written by a newer version of the app. Reload to get the latest version.';
	}
	if (name === 'DatabaseClosedError' || name === 'AbortError') {
		return 'The tablet’s storage was closed unexpectedly, so the last change may not have been saved. Reload the app and check it.';
	}
	// A write the domain refused: its message is already in words for people (messageFor).
	if (name === 'InvalidWriteError' && err instanceof Error) return `${err.message.trim().replace(/\.+$/, '')}.`;
	// Without its own full stop: the sentence around it supplies one.
	const message = (err instanceof Error ? err.message : String(err)).trim().replace(/\.+$/, '');
	return `Something went wrong: ${message}. Nothing else was changed; try again, and reload the app if it keeps happening.`;
}

function errorName(err: unknown): string {
	if (err && typeof err === 'object') {
		const e = err as { name?: string; inner?: { name?: string } };
		// Dexie wraps the browser's DOMException; the inner one says what really happened.
		return e.inner?.name ?? e.name ?? '';
	}
	return '';
}
