import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { FaceScan, ScanRequest, WorkerAnswer } from './face-protocol.js';

/**
 * The face models in a worker thread, so their CPU time never blocks the event
 * loop: @vladmandic/face-api on TensorFlow.js' WebAssembly backend, the models
 * and the .wasm files read from their npm packages (nothing is downloaded).
 * Loaded once; the requests are answered one at a time, in order.
 */

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof import('@vladmandic/face-api');

const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

async function load(): Promise<void> {
  // A path, not a URL: the backend reads the file itself instead of fetching it.
  wasm.setWasmPaths(`${packageDir('@tensorflow/tfjs-backend-wasm')}/dist/`);
  await tf.setBackend('wasm');
  await tf.ready();
  const models = `${packageDir('@vladmandic/face-api')}/model`;
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
}

/** SSD MobileNet v1: slower than the tiny detector (~240 against ~80 ms a photo here) but it misses far fewer faces. */
const detector = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 20 });

async function scan(request: ScanRequest): Promise<FaceScan> {
  const { width, height } = request;
  const input = tf.tensor3d(new Uint8Array(request.rgb), [height, width, 3], 'int32');
  try {
    const found = await faceapi.detectAllFaces(input, detector).withFaceLandmarks().withFaceDescriptors();
    return {
      width,
      height,
      faces: found.map((f) => {
        const box = f.detection.box;
        return {
          box: { x: box.x / width, y: box.y / height, width: box.width / width, height: box.height / height },
          score: f.detection.score,
          descriptor: Array.from(f.descriptor),
        };
      }),
    };
  } finally {
    tf.dispose(input);
  }
}

const port = parentPort;
if (!port) throw new Error('face-worker.ts runs as a worker thread');
const loaded = load();
let queue: Promise<unknown> = loaded;
port.on('message', (request: ScanRequest) => {
  queue = queue.then(async () => {
    let answer: WorkerAnswer;
    try {
      answer = { id: request.id, scan: await scan(request) };
    } catch (error) {
      answer = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
  });
});
loaded.then(
  () => port.postMessage({ ready: true }),
  (error: unknown) => port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) }),
);
