import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { preparePhoto } from '../src/domain/photo-pipeline.js';
import { zipPhotosToFile } from '../src/domain/training/photo-archive.js';
import { createFsStorage } from '../src/storage/fs-storage.js';

/**
 * The photo pipeline measured in a process of its own (bench/run.ts section 7):
 * the inputs were made by the parent, so this process's memory is the
 * pipeline's. Normalises every `phone-*.jpg` in the directory one at a time
 * and zips the results (`phones`), or four at a time as an album's photos
 * arrive (`album`), or refuses `bomb.png`, or takes two AVIFs at once
 * (`avif-bombs`: 99.7 MP each; `avif-6mp`); prints one JSON line.
 */
const OPTIONS = {
  maxBytes: 20 * 1024 * 1024,
  minSide: 512,
  maxSide: 1536,
  quality: { minBrightness: 20, minContrast: 6, minSharpness: 8 },
};

async function measured(work: () => Promise<unknown>) {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const result = await work();
  clearInterval(sampler);
  return { result, ms: performance.now() - t0, growthMb: (Math.max(peak, process.memoryUsage().rss) - baseline) / 1024 / 1024 };
}

const [dir, what] = process.argv.slice(2) as [string, 'phones' | 'album' | 'bomb' | 'avif-bombs' | 'avif-6mp'];
const fileOf = async (name: string) => ({ path: path.join(dir, name), size: (await stat(path.join(dir, name))).size });

if (what === 'bomb') {
  const bomb = await fileOf('bomb.png');
  const run = await measured(async () => {
    const prepared = await preparePhoto(bomb, OPTIONS);
    return 'kind' in prepared ? prepared.kind : 'accepted';
  });
  process.stdout.write(`${JSON.stringify(run)}\n`);
} else if (what === 'avif-bombs' || what === 'avif-6mp') {
  // Two AVIFs sent together: what their decoding (or refusal) costs.
  const prefix = what === 'avif-bombs' ? 'avif-bomb-' : 'avif-6mp-';
  const names = (await readdir(dir)).filter((n) => n.startsWith(prefix)).sort();
  const run = await measured(async () => {
    const outcomes = await Promise.all(names.map(async (name) => preparePhoto(await fileOf(name), OPTIONS)));
    return outcomes.map((o) => ('kind' in o ? o.kind : 'decoded')).join(', ');
  });
  process.stdout.write(`${JSON.stringify(run)}\n`);
} else if (what === 'album') {
  const names = (await readdir(dir)).filter((n) => n.startsWith('phone-')).sort();
  const run = await measured(async () => {
    const queue = [...names];
    const worker = async () => {
      for (let name = queue.shift(); name; name = queue.shift()) await preparePhoto(await fileOf(name), OPTIONS);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return names.length;
  });
  process.stdout.write(`${JSON.stringify(run)}\n`);
} else {
  const names = (await readdir(dir)).filter((n) => n.startsWith('phone-')).sort();
  const storage = createFsStorage(path.join(dir, 'files'));
  const run = await measured(async () => {
    const photos = [];
    for (const [i, name] of names.entries()) {
      const prepared = await preparePhoto(await fileOf(name), OPTIONS);
      if ('kind' in prepared) throw new Error(`${name} refused: ${prepared.kind}`);
      const key = `avatars/bench/photos/${i}.jpg`;
      await storage.put(key, prepared.jpeg);
      photos.push({
        id: `${i}`,
        avatarId: 'bench',
        storageKey: key,
        telegramFileId: null,
        sha256: `${i}`,
        sizeBytes: prepared.jpeg.length,
        width: prepared.width,
        height: prepared.height,
        format: 'jpeg',
        fingerprint: prepared.fingerprint,
        thumbnailKey: null,
        faceDescriptor: null,
        faceStatus: null,
        faceSize: null,
        position: i + 1,
        createdAt: new Date(),
      });
    }
    const zip = path.join(dir, 'photos.zip');
    await zipPhotosToFile(storage, photos, zip);
    return (await stat(zip)).size;
  });
  process.stdout.write(`${JSON.stringify(run)}\n`);
}
