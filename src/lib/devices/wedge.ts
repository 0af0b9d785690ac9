// Keyboard-wedge barcode scanners (USB or Bluetooth) "type" a code as a burst of key presses a
// few milliseconds apart, then Enter. This is the pure timing part: fed key presses with their
// times, it says what to do with each. The DOM glue is wedge-listener.ts.
//
// Why not @point-of-sale/keyboard-barcode-scanner: it ignores key presses aimed at an <input> or
// <textarea> altogether (so a scan while the search field has focus is typed into it, not
// recognised), and outside fields it lets the first keys of a burst through. The app needs both
// cases handled, so it keeps its own small detector, built the same way (gap threshold per key).
//
// The first keys of a burst cannot be told from typing until the next one arrives, so they are
// let through ('start', 'pass'); once the gaps show a scanner, the rest is held back ('hold').
// At Enter the scan is complete ('scan'): the caller undoes the keys it let through. If a burst
// stops without Enter (a fast typist's roll), the held keys are handed back ('release').

export interface WedgeOptions {
	/** Longest gap between two keys of a scan. Scanners type 5–50 ms apart; people rarely under 60. */
	maxGapMs: number;
	/** Fewest characters in a scan; shorter bursts are typing. */
	minLength: number;
	/** Keys let through before the detector starts holding them back. */
	passFirst: number;
}

export const DEFAULT_WEDGE: WedgeOptions = { maxGapMs: 50, minLength: 4, passFirst: 2 };

export type WedgeVerdict =
	/** A new possible burst begins with this key: let it through, remember the field as it was. */
	| { kind: 'start' }
	/** Let the key through. */
	| { kind: 'pass' }
	/** Keep the key from the page: it belongs to a scan in progress. */
	| { kind: 'hold' }
	/** Enter ended a scan: swallow it, undo the keys let through since 'start', handle `code`. */
	| { kind: 'scan'; code: string }
	/** The burst stopped before Enter: type `text` (held keys) where they were meant to go, then carry on. */
	| { kind: 'release'; text: string };

const IGNORED = new Set(['Shift', 'CapsLock', 'NumLock', 'Unidentified', 'Dead']);

export class WedgeDetector {
	#opts: WedgeOptions;
	#buffer = '';
	#held = '';
	#last = -Infinity;

	constructor(opts: Partial<WedgeOptions> = {}) {
		this.#opts = { ...DEFAULT_WEDGE, ...opts };
	}

	/**
	 * One key press (KeyboardEvent.key) at time `at` (ms). Keys with Ctrl, Alt or Meta are
	 * shortcuts, never scans. May return two verdicts: a 'release' of the previous burst, then
	 * what to do with this key.
	 */
	key(key: string, at: number, modifiers = false): WedgeVerdict[] {
		if (IGNORED.has(key)) return [{ kind: 'pass' }];
		const out: WedgeVerdict[] = [];
		const fast = at - this.#last <= this.#opts.maxGapMs;
		if (!fast) {
			const released = this.flush();
			if (released) out.push(released);
		}
		if (modifiers || (key.length !== 1 && key !== 'Enter')) {
			const released = this.flush();
			if (released) out.push(released);
			out.push({ kind: 'pass' });
			return out;
		}
		if (key === 'Enter') {
			const code = this.#buffer;
			const isScan = fast && code.length >= this.#opts.minLength;
			if (!isScan) {
				const released = this.flush();
				if (released) out.push(released);
				out.push({ kind: 'pass' });
				return out;
			}
			this.#reset();
			out.push({ kind: 'scan', code });
			return out;
		}
		this.#last = at;
		if (!fast || this.#buffer === '') {
			this.#buffer = key;
			out.push({ kind: 'start' });
			return out;
		}
		this.#buffer += key;
		if (this.#buffer.length <= this.#opts.passFirst) {
			out.push({ kind: 'pass' });
		} else {
			this.#held += key;
			out.push({ kind: 'hold' });
		}
		return out;
	}

	/** True while keys are held back: the caller flushes them if no key follows for a while. */
	get holding(): boolean {
		return this.#held !== '';
	}

	/** Ends the current burst; returns the held keys to hand back, if any. */
	flush(): WedgeVerdict | null {
		const text = this.#held;
		this.#reset();
		return text ? { kind: 'release', text } : null;
	}

	#reset(): void {
		this.#buffer = '';
		this.#held = '';
		this.#last = -Infinity;
	}
}
