import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import type { Metrics } from '../runtime/metrics.js';
import type { FaceScan, ScanRequest, WorkerAnswer } from './face-protocol.js';

export type { Face, FaceScan } from './face-protocol.js';

/** Finds the faces of a picture and describes each; the models run off the event loop. */
export type FaceDetector = {
  scan(image: Buffer): Promise<FaceScan>;
  /** Loads the models now rather than on the first photo. */
  warm(): Promise<void>;
  close(): Promise<void>;
};

/**
 * The long side the models see. SSD MobileNet looks at 512×512 whatever it is
 * given; the descriptor is taken from a 150 px crop of the face in this picture,
 * so a face of a portrait (≥ 15 % of the short side) keeps enough pixels.
 */
const SCAN_SIDE = 640;
/** A scan that takes this long means a stuck worker: it is replaced. */
const SCAN_TIMEOUT_MS = 30_000;

/**
 * The worker module next to this one: `.js` once compiled; under tsx (tests, `npm run dev`) the
 * `.ts` file, loaded through tsx's loader, which a worker thread does not inherit on Node 20.
 */
function newWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./face-worker.js', import.meta.url));
  const url = new URL('./face-worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`, { eval: true });
}

type Pending = { resolve: (scan: FaceScan) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/**
 * One worker thread for the models (about 200 MB once loaded), started on first
 * use and kept; one that dies or hangs is replaced on the next scan, and the
 * scans it held fail. The picture is scaled and decoded to raw RGB by sharp
 * (libvips' threads) before it is handed over.
 */
export function createFaceDetector(): FaceDetector {
  let worker: Worker | null = null;
  let ready: Promise<void> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (error: Error) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(error);
      pending.delete(id);
    }
  };

  const start = (): Promise<void> => {
    if (ready) return ready;
    const w = newWorker();
    w.unref();
    worker = w;
    ready = new Promise<void>((resolve, reject) => {
      w.on('message', (answer: WorkerAnswer) => {
        if ('ready' in answer) return answer.ready ? resolve() : reject(new Error(`face models not loaded: ${answer.error}`));
        const p = pending.get(answer.id);
        if (!p) return;
        pending.delete(answer.id);
        clearTimeout(p.timer);
        if ('scan' in answer) p.resolve(answer.scan);
        else p.reject(new Error(`face scan failed: ${answer.error}`));
      });
      const gone = (error: Error) => {
        if (worker === w) {
          worker = null;
          ready = null;
        }
        reject(error);
        failAll(error);
      };
      w.on('error', gone);
      w.on('exit', (code) => gone(new Error(`face worker exited (${code})`)));
    });
    // Nobody may be waiting yet (warm()): a failed load is reported to the next scan, not as unhandled.
    ready.catch(() => {});
    return ready;
  };

  const replace = async (error: Error) => {
    const w = worker;
    worker = null;
    ready = null;
    failAll(error);
    await w?.terminate();
  };

  return {
    async scan(image) {
      const { data, info } = await sharp(image)
        .autoOrient()
        .resize({ width: SCAN_SIDE, height: SCAN_SIDE, fit: 'inside', withoutEnlargement: true })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      await start();
      const w = worker;
      if (!w) throw new Error('face worker stopped');
      const id = nextId++;
      const rgb = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      const request: ScanRequest = { id, rgb, width: info.width, height: info.height };
      return new Promise<FaceScan>((resolve, reject) => {
        const timer = setTimeout(() => void replace(new Error('face scan timed out')), SCAN_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        w.postMessage(request, [rgb]);
      });
    },
    warm: () => start(),
    async close() {
      await replace(new Error('face detector closed'));
    },
  };
}

/** The same detector, each scan timed in `/metrics` by outcome. */
export function countedFaceDetector(detector: FaceDetector, metrics: Pick<Metrics, 'faceScans'>): FaceDetector {
  return {
    ...detector,
    async scan(image) {
      const stop = metrics.faceScans.startTimer();
      try {
        const scan = await detector.scan(image);
        stop({ outcome: 'ok' });
        return scan;
      } catch (error) {
        stop({ outcome: 'error' });
        throw error;
      }
    },
  };
}
