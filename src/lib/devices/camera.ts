// The camera as a barcode reader: open the back camera, switch its torch, and decode frames
// continuously. Decoding uses the browser's own BarcodeDetector where it reads the formats we
// need, else ZXing; either is loaded with import() the first time a scanner opens, so neither
// weighs on the JavaScript every page loads.

export type CameraProblem = 'camera-unsupported' | 'camera-denied' | 'no-camera' | 'camera-busy' | 'camera-failed';

/** What the camera reads: customer cards (EAN-13, Code 128, UPC-A, EAN-8) and QR codes (pairing). */
export const SCAN_FORMATS = ['ean_13', 'ean_8', 'upc_a', 'code_128', 'qr_code'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface Decoder {
	/** Which implementation: shown nowhere, useful in tests and benchmarks. */
	readonly kind: 'native' | 'zxing';
	/** The text of the first code found in the frame, or null. */
	decode(frame: HTMLCanvasElement): Promise<string | null>;
}

/** The name of a getUserMedia failure → what to tell the person (see CAMERA_MESSAGES). */
export function cameraProblem(err: unknown): CameraProblem {
	const name = (err as { name?: string })?.name;
	if (name === 'NotAllowedError' || name === 'SecurityError') return 'camera-denied';
	if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-camera';
	if (name === 'NotReadableError' || name === 'AbortError') return 'camera-busy';
	return 'camera-failed';
}

/** Opens the back camera where there is one; failures are returned as codes, not thrown. */
export async function openCamera(): Promise<{ stream: MediaStream } | { problem: CameraProblem }> {
	if (!navigator.mediaDevices?.getUserMedia) return { problem: 'camera-unsupported' };
	try {
		const stream = await navigator.mediaDevices.getUserMedia({
			// `ideal`, not `exact`: a tablet with only a front camera still scans.
			video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
			audio: false
		});
		return { stream };
	} catch (err) {
		return { problem: cameraProblem(err) };
	}
}

export function stopStream(stream: MediaStream | null | undefined): void {
	for (const track of stream?.getTracks() ?? []) track.stop();
}

/** True when the camera has a torch the page may switch (Chrome on Android, some tablets). */
export function hasTorch(stream: MediaStream): boolean {
	const track = stream.getVideoTracks()[0];
	const caps = track?.getCapabilities?.() as (MediaTrackCapabilities & { torch?: boolean }) | undefined;
	return !!caps?.torch;
}

export async function setTorch(stream: MediaStream, on: boolean): Promise<boolean> {
	const track = stream.getVideoTracks()[0];
	try {
		await track?.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
		return true;
	} catch {
		return false;
	}
}

interface NativeDetector {
	detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
interface NativeDetectorClass {
	new (opts: { formats: string[] }): NativeDetector;
	getSupportedFormats(): Promise<string[]>;
}

let decoder: Promise<Decoder> | null = null;

/** The decoder, made once per page: the native one if it reads every format we need, else ZXing. */
export function loadDecoder(): Promise<Decoder> {
	decoder ??= makeDecoder().catch((err) => {
		decoder = null; // a failed chunk load (offline before it was cached) may work next time
		throw err;
	});
	return decoder;
}

async function makeDecoder(): Promise<Decoder> {
	const Native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
	if (Native) {
		const supported = await Native.getSupportedFormats().catch(() => [] as string[]);
		if (SCAN_FORMATS.every((f) => supported.includes(f))) {
			const detector = new Native({ formats: [...SCAN_FORMATS] });
			return {
				kind: 'native',
				async decode(frame) {
					const found = await detector.detect(frame);
					return found[0]?.rawValue ?? null;
				}
			};
		}
	}
	const { zxingDecoder } = await import('./zxing');
	return zxingDecoder();
}

/**
 * Decodes frames of `video` until the returned stop() is called, calling `onText` for each code
 * read (the caller ignores repeats). A timer, not requestAnimationFrame: a decode takes tens of
 * milliseconds on a tablet, and ten tries a second find a code held up just as fast.
 */
export function scanVideo(video: HTMLVideoElement, decode: Decoder, onText: (text: string) => void, intervalMs = 100): () => void {
	const canvas = document.createElement('canvas');
	const ctx = canvas.getContext('2d', { willReadFrequently: true });
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;

	const tick = async () => {
		if (stopped) return;
		if (ctx && video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
			// Downscale big frames: decoding time grows with pixels, and a card held up fills the view.
			const scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
			const w = Math.round(video.videoWidth * scale);
			const h = Math.round(video.videoHeight * scale);
			if (canvas.width !== w || canvas.height !== h) {
				canvas.width = w;
				canvas.height = h;
			}
			ctx.drawImage(video, 0, 0, w, h);
			const text = await decode.decode(canvas).catch(() => null);
			if (text && !stopped) onText(text);
		}
		if (!stopped) timer = setTimeout(tick, intervalMs);
	};
	void tick();
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}
