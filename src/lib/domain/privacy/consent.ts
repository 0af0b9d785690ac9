// Consent history: every change of a marketing consent is one event, kept for good (replicated
// append-only, customers/yjs.ts). The current consent of a channel is resolved from the events,
// not from whichever tablet's write of the consents field won: a withdrawal recorded on one tablet
// is never lost to an older grant from another tablet that synced later.
import type { Consent, ConsentChannel, ConsentSource } from '$lib/domain/customer';
import { CONSENT_CHANNELS } from '$lib/domain/customer';

export type ConsentStatus = Consent['status'];
export type DeviceRole = 'owner' | 'staff';

export interface ConsentEvent {
	/** Random id: the event's key in the replicated map, so re-sending it never doubles it. */
	id: string;
	channel: ConsentChannel;
	status: ConsentStatus;
	/** ISO instant the customer gave or withdrew it (what the consent says): orders the events. */
	date: string;
	/** ISO instant it was recorded on the tablet. */
	recordedAt: string;
	source: ConsentSource;
	/** The device (or staff member) that recorded it. */
	by: string;
	/** That device's role, when known. */
	role?: DeviceRole;
}

/**
 * Orders two events of one channel: later `date` wins; at the same moment a withdrawal wins over a
 * grant (the customer's "no" is never overridden by a tie); then the later recording, then the
 * larger id, so every tablet picks the same event whatever order they arrived in.
 */
export function compareConsentEvents(a: ConsentEvent, b: ConsentEvent): number {
	if (a.date !== b.date) return a.date < b.date ? -1 : 1;
	if (a.status !== b.status) return a.status === 'withdrawn' ? 1 : -1;
	if (a.recordedAt !== b.recordedAt) return a.recordedAt < b.recordedAt ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The current consent per channel: the latest event of each channel (ties go to the withdrawal). */
export function resolveConsents(events: readonly ConsentEvent[]): Partial<Record<ConsentChannel, Consent>> {
	const latest = new Map<ConsentChannel, ConsentEvent>();
	for (const e of events) {
		const best = latest.get(e.channel);
		if (!best || compareConsentEvents(e, best) > 0) latest.set(e.channel, e);
	}
	const out: Partial<Record<ConsentChannel, Consent>> = {};
	for (const channel of CONSENT_CHANNELS) {
		const e = latest.get(channel);
		if (e) out[channel] = { status: e.status, date: e.date, source: e.source, recordedBy: e.by };
	}
	return out;
}

/**
 * The consents as shown: channels with events take the resolved event; channels without any (a
 * customer imported or recorded before the history existed) keep the stored field's value.
 */
export function currentConsents(
	stored: Partial<Record<ConsentChannel, Consent>>,
	events: readonly ConsentEvent[]
): Partial<Record<ConsentChannel, Consent>> {
	return { ...stored, ...resolveConsents(events) };
}

/**
 * What makes two events the same change for whoever reads the history: channel, granted or
 * withdrawn, when, source and by whom. Two customers merged after both were imported from the same
 * file carry such twins under different ids.
 */
export function consentEventIdentity(e: ConsentEvent): string {
	return [e.channel, e.status, e.date, e.source, e.by].join('\u0000');
}

/** Of two twins, the one kept: the first recorded, then the lower id (the same on every tablet). */
function keptTwin(a: ConsentEvent, b: ConsentEvent): ConsentEvent {
	if (a.recordedAt !== b.recordedAt) return a.recordedAt < b.recordedAt ? a : b;
	return a.id <= b.id ? a : b;
}

/** One event per identity (consentEventIdentity), whatever order they come in. */
export function uniqueConsentEvents(events: readonly ConsentEvent[]): ConsentEvent[] {
	const byIdentity = new Map<string, ConsentEvent>();
	for (const e of events) {
		const key = consentEventIdentity(e);
		const had = byIdentity.get(key);
		byIdentity.set(key, had ? keptTwin(had, e) : e);
	}
	return [...byIdentity.values()];
}

/**
 * Of `incoming` (a merged-away customer's history), the events `existing` (the kept customer's)
 * holds neither by id nor as a twin, each once: what a merge copies.
 */
export function consentEventsToAdd(existing: readonly ConsentEvent[], incoming: readonly ConsentEvent[]): ConsentEvent[] {
	const ids = new Set(existing.map((e) => e.id));
	const known = new Set(existing.map(consentEventIdentity));
	return uniqueConsentEvents(incoming.filter((e) => !ids.has(e.id) && !known.has(consentEventIdentity(e))));
}

/** Newest first, for the profile; twins shown once. */
export function historyNewestFirst(events: readonly ConsentEvent[]): ConsentEvent[] {
	return uniqueConsentEvents(events).sort((a, b) => compareConsentEvents(b, a));
}

/** A line of the consent history as the profile shows it. */
export type ConsentHistoryLine = ConsentEvent & {
	/** A consent entered before its channel had a history (an import, the demo shop, an older version). */
	earlier?: true;
};

/**
 * The history as shown, newest first: the events, and for each channel that has a consent but no
 * event, that consent as it was entered (else the profile would say "granted on 9 Nov" above a
 * history that says nothing was ever recorded).
 */
export function historyAsShown(current: Partial<Record<ConsentChannel, Consent>>, events: readonly ConsentEvent[]): ConsentHistoryLine[] {
	const withEvents = new Set(events.map((e) => e.channel));
	const earlier: ConsentHistoryLine[] = [];
	for (const channel of CONSENT_CHANNELS) {
		const c = current[channel];
		if (!c || withEvents.has(channel)) continue;
		earlier.push({ id: `earlier:${channel}`, channel, status: c.status, date: c.date, recordedAt: c.date, source: c.source, by: c.recordedBy, earlier: true });
	}
	return [...historyNewestFirst(events), ...earlier].sort((a, b) => compareConsentEvents(b, a));
}

/**
 * The events a save records: one per channel whose status (or date) the draft changes compared to
 * what was current. A form that merely re-saves the same consents records nothing.
 */
export function consentChanges(
	before: Partial<Record<ConsentChannel, Consent>>,
	after: Partial<Record<ConsentChannel, Consent>>,
	ctx: { now: string; by: string; role?: DeviceRole; newId: () => string }
): ConsentEvent[] {
	const out: ConsentEvent[] = [];
	for (const channel of CONSENT_CHANNELS) {
		const next = after[channel];
		const prev = before[channel];
		if (!next) continue;
		if (prev && prev.status === next.status && prev.date === next.date) continue;
		out.push({
			id: ctx.newId(),
			channel,
			status: next.status,
			date: next.date || ctx.now,
			recordedAt: ctx.now,
			source: next.source,
			by: next.recordedBy || ctx.by,
			...(ctx.role ? { role: ctx.role } : {})
		});
	}
	return out;
}
