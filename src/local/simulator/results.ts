import { createHash, randomBytes } from 'node:crypto';
import { simulatedPicture } from '../sample-images.js';
import type { SimulatorFiles } from './files.js';
import { simulatedRewrite } from './prompt-phrases.js';

/** What a finished job answers: its HTTP status and body, as FAL's result endpoint gives them. */
export type Outcome = { status: number; body: unknown };

export const isTrainer = (modelId: string) => /train/.test(modelId);
/** FAL's LLM endpoint (domain/prompts/llm.ts): answered from a phrase table, offline. */
export const isLlm = (modelId: string) => modelId === 'openrouter/router';

/** `openrouter/router`'s answer `{ output, usage }`, written by the phrase table instead of a model. */
function llmResult(input: Record<string, unknown>): Outcome {
  const output = simulatedRewrite(String(input.system_prompt ?? ''), String(input.prompt ?? ''));
  const words = (text: string) => Math.ceil(text.length / 4);
  const usage = { prompt_tokens: words(`${input.system_prompt ?? ''}${input.prompt ?? ''}`), completion_tokens: words(output) };
  return { status: 200, body: { output, usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens, cost: 0 } } };
}

/**
 * The first file of a zip, read through its central directory (the training
 * zip stores its JPEGs uncompressed); null for anything else.
 */
function firstZipEntry(zip: Buffer): Buffer | null {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > zip.length) return null;
  const central = zip.readUInt32LE(end + 16);
  if (central + 46 > zip.length || zip.readUInt32LE(central) !== 0x02014b50 || zip.readUInt16LE(central + 10) !== 0) return null;
  const size = zip.readUInt32LE(central + 20);
  const local = zip.readUInt32LE(central + 42);
  if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) return null;
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  return start + size <= zip.length ? zip.subarray(start, start + size) : null;
}

/**
 * A LoRA trainer's result: a weights file and its config. The simulator's
 * "weights" are the first training photo, so its pictures can show the face
 * they were trained on (random bytes when the zip is not at hand).
 */
async function trainingResult(files: SimulatorFiles, jobId: string, input: Record<string, unknown>): Promise<Outcome> {
  const zip = await files.read(input.images_data_url);
  const weights = (zip && firstZipEntry(zip)) ?? randomBytes(1024);
  const lora = await files.write(`lora-${jobId}.safetensors`, weights);
  const config = await files.write(`config-${jobId}.json`, JSON.stringify({ simulated: true, input }));
  return {
    status: 200,
    body: {
      diffusers_lora_file: { url: lora, content_type: null, file_name: null, file_size: weights.length },
      config_file: { url: config, content_type: 'application/json', file_name: 'config.json', file_size: null },
    },
  };
}

function sizeOf(input: Record<string, unknown>): [number, number] {
  const byName: Record<string, [number, number]> = {
    portrait_4_3: [768, 1024],
    square_hd: [1024, 1024],
    portrait_16_9: [576, 1024],
    landscape_16_9: [1024, 576],
  };
  const ratio: Record<string, [number, number]> = { '3:4': [768, 1024], '1:1': [1024, 1024], '9:16': [576, 1024], '16:9': [1024, 576] };
  return byName[String(input.image_size)] ?? ratio[String(input.aspect_ratio)] ?? [1024, 1024];
}

/**
 * A picture in the format asked for, drawn from the prompt with the face of its
 * LoRA (a simulator's LoRA is a training photo) or of its reference photo (a
 * preview), with a seed past 2^53 as FAL's can be.
 */
async function imageResult(files: SimulatorFiles, jobId: string, input: Record<string, unknown>): Promise<Outcome> {
  const prompt = String(input.prompt ?? '');
  const [width, height] = sizeOf(input);
  const loras = Array.isArray(input.loras) ? (input.loras as { path?: unknown }[]) : [];
  // A zero-shot identity model (a preview) is given the face itself.
  const images = Array.isArray(input.image_urls) ? (input.image_urls as unknown[]) : [];
  const face = await files.read(loras[0]?.path ?? input.reference_image_url ?? images[0]);
  const url = await files.write(`image-${jobId}.jpg`, await simulatedPicture(prompt, width, height, face));
  return {
    status: 200,
    body: {
      images: [{ url, width, height, content_type: 'image/jpeg' }],
      seed: createHash('sha256').update(prompt).digest().readBigUInt64BE(4).toString(),
      has_nsfw_concepts: [false],
      prompt,
    },
  };
}

/** The result of a job: a simulated failure (by chance, or a prompt containing "fail"), a training, or a picture. */
export async function resultOf(
  files: SimulatorFiles,
  job: { id: string; modelId: string; input: Record<string, unknown> },
  failureRate: number,
): Promise<Outcome> {
  if (isLlm(job.modelId)) return llmResult(job.input);
  if (Math.random() < failureRate || /fail/i.test(String(job.input.prompt ?? ''))) {
    return { status: 422, body: { detail: 'Simulated failure' } };
  }
  return isTrainer(job.modelId) ? trainingResult(files, job.id, job.input) : imageResult(files, job.id, job.input);
}
