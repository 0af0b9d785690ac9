// Camera → QR → pairing code. The parsing is plain functions (tested in Node); the camera part
// needs a browser and is kept to opening the stream and a decode loop that the caller stops.
import jsQR from 'jsqr';

/** The relay's code alphabet (no 0/O/1/I), 8 characters, shown as ABCD-EFGH. */
const CODE_CHARS = /^[A-HJ-NP-Z2-9]{8}$/;

/** 'abcd efgh', 'ABCDEFGH' or 'ABCD-EFGH' → 'ABCD-EFGH'; anything else → null. */
export function normalisePairingCode(raw: string): string | null {
	const compact = raw.toUpperCase().replace(/[\s-]/g, '');
	return CODE_CHARS.test(compact) ? `${compact.slice(0, 4)}-${compact.slice(4)}` : null;
}

/** What the owner's QR code holds: a link to the devices page, so a phone camera opens it too. */
export function pairingUrl(origin: string, code: string): string {
	return `${origin.replace(/\/+$/, '')}/settings/devices?pair=${encodeURIComponent(code)}`;
}

/** A scanned text that is a bare code or a link carrying ?pair=CODE → the code, else null. */
export function pairingCodeFromQr(text: string): string | null {
	const bare = normalisePairingCode(text.trim());
	if (bare) return bare;
	try {
		const param = new URL(text.trim()).searchParams.get('pair');
		return param ? normalisePairingCode(param) : null;
	} catch {
		return null;
	}
}

export type CameraProblem = 'camera-unsupported' | 'camera-denied' | 'no-camera' | 'camera-busy' | 'camera-failed';

/** Opens the back camera; failures are returned as codes, not thrown (the UI words them). */
export async function openCamera(): Promise<{ stream: MediaStream } | { problem: CameraProblem }> {
	if (!navigator.mediaDevices?.getUserMedia) return { problem: 'camera-unsupported' };
	try {
		const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
		return { stream };
	} catch (err) {
		const name = (err as { name?: string })?.name;
		if (name === 'NotAllowedError' || name === 'SecurityError') return { problem: 'camera-denied' };
		if (name === 'NotFoundError' || name === 'OverconstrainedError') return { problem: 'no-camera' };
		if (name === 'NotReadableError' || name === 'AbortError') return { problem: 'camera-busy' };
		return { problem: 'camera-failed' };
	}
}

export function stopStream(stream: MediaStream | null | undefined): void {
	for (const track of stream?.getTracks() ?? []) track.stop();
}

/**
 * Decodes frames of `video` about ten times a second until `onText` returns true or the
 * returned stop() is called. A timer rather than requestAnimationFrame: jsQR on a full frame
 * takes tens of milliseconds on a tablet, and 10 tries a second find a code just as fast.
 */
export function scanVideo(video: HTMLVideoElement, onText: (text: string) => boolean, intervalMs = 100): () => void {
	const canvas = document.createElement('canvas');
	const ctx = canvas.getContext('2d', { willReadFrequently: true });
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;

	const tick = () => {
		if (stopped) return;
		if (ctx && video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
			// Downscale big frames: decoding time grows with pixels, and a code held up fills the view.
			const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
			const w = Math.round(video.videoWidth * scale);
			const h = Math.round(video.videoHeight * scale);
			if (canvas.width !== w || canvas.height !== h) {
				canvas.width = w;
				canvas.height = h;
			}
			ctx.drawImage(video, 0, 0, w, h);
			const frame = ctx.getImageData(0, 0, w, h);
			const hit = jsQR(frame.data, w, h, { inversionAttempts: 'dontInvert' });
			if (hit?.data && onText(hit.data)) {
				stopped = true;
				return;
			}
		}
		timer = setTimeout(tick, intervalMs);
	};
	tick();
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}
