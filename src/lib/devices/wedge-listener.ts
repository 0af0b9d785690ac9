// The DOM side of keyboard-wedge scanning: one capture-phase keydown listener for the whole app,
// driven by the pure WedgeDetector. A scan never lands in the focused field: the first keys of
// the burst (let through before it could be told from typing) are taken out again, the rest are
// held back, and Enter is swallowed so no form is submitted.
import { WedgeDetector, type WedgeOptions } from './wedge';

/**
 * Fields whose value is itself a barcode (an item's barcode, a customer's card) opt out with
 * `data-wedge="type"`: there the scanner types, as it always did.
 */
const TYPE_HERE = '[data-wedge="type"]';

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** How long without a key before held keys go back to the field (fast typing, not a scan). */
const IDLE_MS = 250;

interface Snapshot {
	el: TextField;
	value: string;
	start: number | null;
	end: number | null;
}

export function listenForWedgeScans(onScan: (code: string) => void, opts: Partial<WedgeOptions> = {}): () => void {
	const detector = new WedgeDetector(opts);
	let snapshot: Snapshot | null = null;
	let timer: ReturnType<typeof setTimeout> | undefined;

	const onKey = (e: KeyboardEvent) => {
		if (e.isComposing || e.repeat) return;
		const target = e.target instanceof Element ? e.target : null;
		if (target?.closest(TYPE_HERE)) {
			// Typing into an opted-out field ends any burst in progress, as any other key would.
			const released = detector.flush();
			if (released?.kind === 'release') type(snapshot, released.text);
			return;
		}
		// The key's own time (when the keyboard sent it), not when this handler runs: a page busy
		// after the first key (as-you-type search) delays the next ones' handlers, not their times.
		const at = e.timeStamp > 0 ? e.timeStamp : performance.now();
		const verdicts = detector.key(e.key, at, e.ctrlKey || e.altKey || e.metaKey);
		for (const v of verdicts) {
			if (v.kind === 'release') type(snapshot, v.text);
			else if (v.kind === 'start') snapshot = snapshotOf(document.activeElement);
			else if (v.kind === 'hold') swallow(e);
			else if (v.kind === 'scan') {
				swallow(e);
				restore(snapshot);
				snapshot = null;
				onScan(v.code);
			}
		}
		clearTimeout(timer);
		if (detector.holding) {
			// A burst that stops without Enter was fast typing: its held keys are typed back. Judged
			// on the handler's clock with room to spare, so a page too busy to handle queued keys on
			// time does not cut a scan in two.
			timer = setTimeout(() => {
				const v = detector.flush();
				if (v?.kind === 'release') type(snapshot, v.text);
			}, IDLE_MS);
		}
	};

	// Capture on window: runs before any field's or dialog's own handler sees the key.
	window.addEventListener('keydown', onKey, { capture: true });
	return () => {
		clearTimeout(timer);
		window.removeEventListener('keydown', onKey, { capture: true });
	};
}

function swallow(e: KeyboardEvent): void {
	e.preventDefault();
	e.stopImmediatePropagation();
}

function isTextField(el: Element | null): el is TextField {
	return el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(el.type));
}

function selection(el: TextField): { start: number | null; end: number | null } {
	// type=email/number have no selection API and throw when asked.
	try {
		return { start: el.selectionStart, end: el.selectionEnd };
	} catch {
		return { start: null, end: null };
	}
}

function snapshotOf(el: Element | null): Snapshot | null {
	return isTextField(el) ? { el, value: el.value, ...selection(el) } : null;
}

/** The field back as it was before the burst: value, caret, and an input event for bindings. */
function restore(s: Snapshot | null): void {
	if (!s || s.el.value === s.value) return;
	s.el.value = s.value;
	try {
		if (s.start !== null && s.end !== null) s.el.setSelectionRange(s.start, s.end);
	} catch {
		// No selection API on this input type: the caret goes to the end, which is fine.
	}
	s.el.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Hands held-back keys to the field they were aimed at (fast typing, not a scan after all). */
function type(s: Snapshot | null, text: string): void {
	const el = document.activeElement;
	if (!isTextField(el) || (s && s.el !== el)) return;
	// execCommand keeps the browser's undo history and fires the input event itself.
	if (document.execCommand?.('insertText', false, text)) return;
	el.value += text;
	el.dispatchEvent(new Event('input', { bubbles: true }));
}
