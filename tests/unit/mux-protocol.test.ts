import { describe, expect, it } from 'vitest';
import * as app from '$lib/sync/mux-protocol';
import * as relay from '../../sync-server/src/mux-protocol';

// The app may not import the relay's code, so each side has its copy of the protocol numbers.
describe('multiplexed protocol: app and relay agree', () => {
	it('has the same numbers and the same frame layout on both sides', () => {
		expect(app.CONTROL).toBe(relay.CONTROL);
		expect(app.control).toEqual(relay.control);
		expect(app.muxClose).toEqual(relay.muxClose);
		expect(app.docErrorCode).toEqual(relay.docErrorCode);
		const message = new Uint8Array([0, 1, 2, 3]);
		expect(app.frame('customers-3', message)).toEqual(relay.frame('customers-3', message));
		const appAuth = app.controlFrame(app.control.auth);
		expect(appAuth).toEqual(relay.controlFrame(relay.control.auth));
		const back = relay.unframe(app.frame('sales-2026-11', message));
		expect(back.docName).toBe('sales-2026-11');
		expect([...back.message]).toEqual([...message]);
	});
});
