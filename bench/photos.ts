import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { picture } from '../test/support/fixtures/images.js';
import { report } from './support.js';

/** Runs bench/photo-worker.ts on `dir` in a process of its own and returns what it measured. */
async function photoWorker(dir: string, what: 'phones' | 'album' | 'bomb' | 'avif-bombs' | 'avif-6mp') {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/photo-worker.ts', dir, what], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`photo worker (${what}) exited ${code}`);
  return JSON.parse(out) as { result: number | string; ms: number; growthMb: number };
}

/** 20 phone photos of 12 MP normalised and zipped for FAL; a 108 MP PNG refused; AVIFs two at once. Measured in a fresh process. */
export async function photoPipeline(dataDir: string) {
  const section = '7 photo pipeline';
  const dir = path.join(dataDir, 'pipeline');
  await mkdir(dir, { recursive: true });
  // Sensor-like detail (grain softened by the lens) over a scene: about what a 12 MP phone JPEG weighs.
  let originals = 0;
  for (let i = 0; i < 20; i++) {
    const grain = await sharp({
      create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .blur(0.6)
      .png({ compressionLevel: 1 })
      .toBuffer();
    const bytes = await picture(4000, 3000, `phone-${i}`)
      .composite([{ input: grain, blend: 'overlay' }])
      .jpeg({ quality: 95 })
      .toBuffer();
    await writeFile(path.join(dir, `phone-${String(i).padStart(2, '0')}.jpg`), bytes);
    originals += bytes.length;
  }
  const phones = await photoWorker(dir, 'phones');
  const zipBytes = Number(phones.result);
  report(
    section,
    `20 × 12 MP (${(originals / 20 / 1024 / 1024).toFixed(1)} MB each): normalise + zip`,
    `${(phones.ms / 1000).toFixed(1)} s`,
    `${(phones.ms / 20).toFixed(0)} ms a photo, one at a time`,
  );
  report(section, 'normalise + zip: peak RSS growth', `${phones.growthMb.toFixed(0)} MB`, 'a fresh process, after its imports');
  report(
    section,
    'zip / originals',
    (zipBytes / originals).toFixed(3),
    `target ≤ 0.100; ${(zipBytes / 1024 / 1024).toFixed(1)} MB of ${(originals / 1024 / 1024).toFixed(0)} MB`,
  );

  const album = await photoWorker(dir, 'album');
  report(
    section,
    'the same 20, four at a time (as an album arrives)',
    `${(album.ms / 1000).toFixed(1)} s`,
    `peak RSS growth ${album.growthMb.toFixed(0)} MB; uploads are downloaded four at a time`,
  );

  await writeFile(
    path.join(dir, 'bomb.png'),
    await sharp({ create: { width: 12_000, height: 9000, channels: 3, background: '#808080' }, limitInputPixels: false })
      .png()
      .toBuffer(),
  );
  const bomb = await photoWorker(dir, 'bomb');
  report(section, '108 MP PNG bomb: refused in', `${bomb.ms.toFixed(1)} ms`, `target < 200 ms; ${bomb.result}`);
  report(section, '108 MP PNG bomb: RSS growth', `${bomb.growthMb.toFixed(1)} MB`, 'target < 64 MB');

  // An AVIF is decoded whole (libvips, about 18 bytes a pixel): 99.7 MP would take 1.8 GB each.
  for (const [prefix, width, height] of [
    ['avif-bomb-', 10_000, 9970],
    ['avif-6mp-', 2449, 2449],
  ] as const) {
    for (const n of [1, 2]) {
      const avif = await picture(width, height, `${prefix}${n}`).avif({ effort: 0 }).toBuffer();
      await writeFile(path.join(dir, `${prefix}${n}.avif`), avif);
    }
  }
  const bombs = await photoWorker(dir, 'avif-bombs');
  report(
    section,
    'two 99.7 MP AVIFs at once: peak RSS growth',
    `${bombs.growthMb.toFixed(1)} MB`,
    `target < 200 MB (1.8 GB each if decoded); ${bombs.result}`,
  );
  const six = await photoWorker(dir, 'avif-6mp');
  report(
    section,
    'two 6 MP AVIFs at once: peak RSS growth',
    `${six.growthMb.toFixed(0)} MB`,
    `target < 200 MB; ${six.result}, one at a time`,
  );
}
