// A short beep when a scan is taken, like a till scanner's: the cashier hears it without looking.
// WebAudio, made on first use (browsers allow audio only after a tap, and a scan follows one).
let ctx: AudioContext | null = null;

export function beep(kind: 'ok' | 'unknown' = 'ok'): void {
	try {
		ctx ??= new AudioContext();
		if (ctx.state === 'suspended') void ctx.resume();
		const osc = ctx.createOscillator();
		const gain = ctx.createGain();
		osc.type = 'square';
		// A high tone for a known card, a lower one for a code that needs a decision.
		osc.frequency.value = kind === 'ok' ? 1760 : 660;
		const t = ctx.currentTime;
		gain.gain.setValueAtTime(0.0001, t);
		gain.gain.exponentialRampToValueAtTime(0.15, t + 0.01);
		gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.12);
		osc.connect(gain).connect(ctx.destination);
		osc.start(t);
		osc.stop(t + 0.13);
	} catch {
		// No audio on this device: the visible confirmation is enough.
	}
}
