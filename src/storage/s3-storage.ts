import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Config } from '../config.js';
import { assertValidKey, assertValidPrefix, type Storage } from './storage.js';

export function createS3Client(config: S3Config): S3Client {
  return new S3Client({
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // MinIO, R2 and s3rver do not all speak the SDK's default flexible checksums;
    // with them, streamed uploads can be silently corrupted.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const isMissing = (error: unknown) =>
  error instanceof NoSuchKey ||
  error instanceof NotFound ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/** S3-compatible storage (S3, MinIO, R2). */
export function createS3Storage(client: S3Client, bucket: string): Storage {
  return {
    async put(key, body, options) {
      assertValidKey(key);
      // Upload streams bodies of unknown length (multipart above 5 MB) without buffering them whole.
      await new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: options?.contentType },
      }).done();
    },

    async get(key) {
      assertValidKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body as Readable;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async exists(key) {
      assertValidKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async delete(key) {
      assertValidKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async deleteByPrefix(prefix) {
      assertValidPrefix(prefix);
      // Each round lists the first page and deletes it, so no continuation token is needed
      // (tokens are where S3-compatible servers differ most).
      let deleted = 0;
      let previousFirst: string | undefined;
      for (;;) {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
        if (keys.length === 0) return deleted;
        if (keys[0]?.Key === previousFirst) throw new Error(`objects under ${prefix} are listed again after deletion`);
        previousFirst = keys[0]?.Key;
        const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
        const failed = out.Errors ?? [];
        if (failed.length > 0) {
          throw new Error(`could not delete ${failed.length} objects under ${prefix}: ${failed[0]?.Message ?? ''}`);
        }
        deleted += keys.length;
      }
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
  };
}
