import type { Readable } from 'node:stream';

type PutOptions = { contentType?: string };

/**
 * Where avatar photos and generated pictures live. Keys are relative paths such
 * as `avatars/<id>/photos/01.jpg`; a prefix groups everything of one avatar.
 */
export interface Storage {
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<void>;
  /** The object's bytes as a stream, or null when there is no such key. */
  get(key: string): Promise<Readable | null>;
  exists(key: string): Promise<boolean>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every key that starts with `prefix`; returns how many were deleted. */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Throws when the storage cannot be reached (used by /readyz). */
  ping(): Promise<void>;
}

const KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Keys come from our code, never from users, but a bad one must never escape the storage root. */
export function assertValidKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((part) => part === '.' || part === '..') || key.length > 512) {
    throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  }
}

/** A prefix is a key's leading part: a valid key, optionally ending with "/". */
export function assertValidPrefix(prefix: string): void {
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
