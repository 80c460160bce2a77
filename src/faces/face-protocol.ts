/** What the face worker is asked and answers (face-worker.ts, face-detector.ts). */

/** A face found in a picture: its box in fractions of the picture's sides, the detector's confidence, its 128-d descriptor. */
export type Face = {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  descriptor: number[];
};

export type FaceScan = { width: number; height: number; faces: Face[] };

/** Raw RGB pixels, three bytes a pixel, row by row; the buffer is moved to the worker, not copied. */
export type ScanRequest = { id: number; rgb: ArrayBuffer; width: number; height: number };

export type WorkerAnswer =
  | { id: number; scan: FaceScan }
  | { id: number; error: string }
  | { ready: true }
  | { ready: false; error: string };
