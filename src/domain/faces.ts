import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db, DbOrTx } from '../db/client.js';
import { avatarPhotos, generations } from '../db/schema.js';
import type { Face, FaceDetector, FaceScan } from '../faces/face-detector.js';

/**
 * What the faces of a photo say about it (the models are in src/faces/):
 * a portrait avatar's photo shows one face, big enough and whole; the photos of
 * one avatar show one person; a generated picture is scored by how much its
 * face looks like them. Descriptors are face-api's 128-d vectors: crops of one
 * person measure 0.02–0.40 apart, different people 0.7–0.9.
 */

export type FaceRules = Config['faces'];

/** Why a portrait photo's face was not accepted. */
export type FaceRefusal =
  | { kind: 'no_face' }
  | { kind: 'several_faces'; count: number }
  | { kind: 'face_too_small'; percent: number; minPercent: number }
  | { kind: 'face_cut_off' };

/** A face less than this share of the largest one's size is someone far behind, not a second subject. */
const BACKGROUND_FACE = 0.4;
/** A box this close to an edge (a share of the side) is a face the frame cuts. */
const EDGE = 0.01;

/** The face of a portrait photo, or why there is none to train on. */
export function judgePortrait(scan: FaceScan, rules: FaceRules): { face: Face; share: number } | FaceRefusal {
  const sizeOf = (f: Face) => Math.max(f.box.width * scan.width, f.box.height * scan.height);
  const faces = [...scan.faces].sort((a, b) => sizeOf(b) - sizeOf(a));
  const main = faces[0];
  if (!main) return { kind: 'no_face' };
  const subjects = faces.filter((f) => sizeOf(f) >= BACKGROUND_FACE * sizeOf(main));
  if (subjects.length > 1) return { kind: 'several_faces', count: subjects.length };
  const share = sizeOf(main) / Math.min(scan.width, scan.height);
  if (share < rules.minSize)
    return { kind: 'face_too_small', percent: Math.round(share * 100), minPercent: Math.round(rules.minSize * 100) };
  const { x, y, width, height } = main.box;
  if (x < EDGE || y < EDGE || x + width > 1 - EDGE || y + height > 1 - EDGE) return { kind: 'face_cut_off' };
  return { face: main, share };
}

function faceDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - (b[i] ?? 0)) ** 2;
  return Math.sqrt(sum);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * True when `descriptor` is someone else than the faces of `others`: its median
 * distance to them passes the threshold. Judged from two others on (the third
 * photo): with one, there is no telling which of the two is the stranger.
 */
function isStranger(descriptor: readonly number[], others: readonly (readonly number[])[], rules: FaceRules): boolean {
  if (others.length < 2) return false;
  return median(others.map((o) => faceDistance(descriptor, o))) > rules.matchDistance;
}

/** One photo's face as the one-person check sees it. */
type SetPhoto = { id: string; descriptor: number[]; status: 'ok' | 'flagged' | 'kept' };

/**
 * The photos of the set that look like someone else, judged each against all
 * the others: the photo the user already kept as theirs is never flagged again.
 */
function strangersOf(photos: readonly SetPhoto[], rules: FaceRules): string[] {
  return photos
    .filter(
      (p, i) =>
        p.status !== 'kept' &&
        isStranger(
          p.descriptor,
          photos.filter((_, j) => j !== i).map((o) => o.descriptor),
          rules,
        ),
    )
    .map((p) => p.id);
}

/** The checked faces of an avatar's photos. */
async function setFaces(db: DbOrTx, avatarId: string): Promise<SetPhoto[]> {
  const rows = await db
    .select({ id: avatarPhotos.id, descriptor: avatarPhotos.faceDescriptor, status: avatarPhotos.faceStatus })
    .from(avatarPhotos)
    .where(and(eq(avatarPhotos.avatarId, avatarId), isNotNull(avatarPhotos.faceDescriptor)))
    .orderBy(avatarPhotos.position);
  return rows.map((r) => ({ id: r.id, descriptor: r.descriptor ?? [], status: r.status ?? 'ok' }));
}

/**
 * Flags every photo of the set that now looks like someone else (the first
 * photos may be the stranger: they are judged again as more arrive) and returns
 * the photos flagged just now, in upload order.
 */
export async function flagStrangers(tx: DbOrTx, avatarId: string, rules: FaceRules): Promise<{ id: string; sha256: string }[]> {
  const photos = await setFaces(tx, avatarId);
  const strangers = strangersOf(photos, rules);
  const fresh = photos.filter((p) => p.status === 'ok' && strangers.includes(p.id)).map((p) => p.id);
  if (fresh.length === 0) return [];
  return tx
    .update(avatarPhotos)
    .set({ faceStatus: 'flagged' })
    .where(inArray(avatarPhotos.id, fresh))
    .returning({ id: avatarPhotos.id, sha256: avatarPhotos.sha256, position: avatarPhotos.position })
    .then((rows) => rows.sort((a, b) => a.position - b.position).map(({ id, sha256 }) => ({ id, sha256 })));
}

/** The photos of an avatar flagged as someone else and not answered yet, in upload order. */
export async function openFlags(db: DbOrTx, avatarId: string): Promise<{ id: string; sha256: string }[]> {
  return db
    .select({ id: avatarPhotos.id, sha256: avatarPhotos.sha256 })
    .from(avatarPhotos)
    .where(and(eq(avatarPhotos.avatarId, avatarId), eq(avatarPhotos.faceStatus, 'flagged')))
    .orderBy(avatarPhotos.position);
}

/** What the review says of the set's faces; null when the photos were not checked (a style avatar, the check off). */
export type FaceSummary = { photos: number; checked: number; flagged: number } | null;

export async function faceSummary(db: DbOrTx, avatarId: string): Promise<FaceSummary> {
  const [row] = await db
    .select({
      photos: sql<number>`count(*)::int`,
      checked: sql<number>`count(${avatarPhotos.faceDescriptor})::int`,
      flagged: sql<number>`count(*) filter (where ${avatarPhotos.faceStatus} = 'flagged')::int`,
    })
    .from(avatarPhotos)
    .where(eq(avatarPhotos.avatarId, avatarId));
  return row && row.checked > 0 ? row : null;
}

/** The user's answer to a flag: the photo is theirs after all. False when there was no open flag. */
export async function keepFlaggedPhoto(db: Db, avatarId: string, shaPrefix: string): Promise<boolean> {
  const kept = await db
    .update(avatarPhotos)
    .set({ faceStatus: 'kept' })
    .where(
      and(
        eq(avatarPhotos.avatarId, avatarId),
        eq(avatarPhotos.faceStatus, 'flagged'),
        sql`${avatarPhotos.sha256} like ${`${shaPrefix.replace(/[^0-9a-f]/g, '')}%`}`,
      ),
    )
    .returning({ id: avatarPhotos.id });
  return kept.length > 0;
}

/** The mean face of an avatar's photos (flagged ones left out), or null when none was checked. */
async function meanFace(db: DbOrTx, avatarId: string): Promise<number[] | null> {
  const faces = (await setFaces(db, avatarId)).filter((p) => p.status !== 'flagged');
  if (faces.length === 0) return null;
  const mean = new Array<number>(faces[0]!.descriptor.length).fill(0);
  for (const f of faces) for (let i = 0; i < mean.length; i++) mean[i]! += f.descriptor[i]! / faces.length;
  return mean;
}

/**
 * Likeness in percent from a descriptor distance: 100 × (1 − d / 1.5), so the
 * same person (d ≤ 0.4) scores 73–100 %, the threshold 0.6 scores 60 %, a
 * stranger (0.7–0.9) 40–53 %.
 */
export const likenessOf = (distance: number) => Math.max(0, Math.round(100 * (1 - distance / 1.5)));

export type Likeness = { score: number | null; flagged: boolean };

/**
 * Scores a generated picture against the avatar's photos and stores the score
 * on its generation: the largest face counts; no face, or one farther than the
 * match distance, is flagged. Null when there is nothing to compare with.
 */
export async function scoreGeneration(
  db: Db,
  faces: { detector: FaceDetector; rules: FaceRules },
  generation: { id: string; avatarId: string },
  picture: Buffer,
): Promise<Likeness | null> {
  const mean = await meanFace(db, generation.avatarId);
  if (!mean) return null;
  const scan = await faces.detector.scan(picture);
  const face = [...scan.faces].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
  const distance = face ? faceDistance(face.descriptor, mean) : null;
  const likeness: Likeness = {
    score: distance === null ? null : likenessOf(distance),
    flagged: distance === null || distance > faces.rules.matchDistance,
  };
  await db
    .update(generations)
    .set({ likeness: likeness.score, likenessStatus: face ? 'measured' : 'no_face' })
    .where(eq(generations.id, generation.id));
  return likeness;
}
