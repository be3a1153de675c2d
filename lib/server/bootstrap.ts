import 'server-only';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { CREATABLE_NAME_RULE, isCreatableName } from '@/lib/pipes/names';
import { serializePipe, validatePipeInput } from '@/lib/pipes/schema';
import { UnavailableError } from '@/lib/server/errors';
import { getSupervisor, type BucketSupervisor } from '@/lib/server/hub';
import { errorMessage, log } from '@/lib/server/log';

export type BootstrapResult = { created: string[]; kept: string[]; skipped: { file: string; reason: string }[] };

/**
 * Seeds the bucket from the top-level `*.sql` files of `dir`: each becomes a pipe named after the
 * file. A key that has any record — a value, or a delete marker left by an admin —
 * is never overwritten, so edits made in the console win and deleted pipes stay deleted.
 */
export async function bootstrapSqlFiles(dir: string, supervisor: BucketSupervisor = getSupervisor()): Promise<BootstrapResult> {
  const result: BootstrapResult = { created: [], kept: [], skipped: [] };
  const root = await realpath(dir).catch((err) => {
    throw new Error(`PIPES_DIR ${dir} cannot be read: ${errorMessage(err)}`);
  });
  const files = (await readdir(root)).filter((f) => f.endsWith('.sql')).sort();
  const bucket = await waitForBucket(supervisor);
  for (const file of files) {
    const name = file.slice(0, -'.sql'.length);
    const reason = await unusable(root, file, name);
    if (reason) {
      result.skipped.push({ file, reason });
      log.warn('.sql bootstrap skipped a file', { file, reason });
      continue;
    }
    const pipe = validatePipeInput({ sql: await readFile(path.join(root, file), 'utf8') }, name);
    if (!pipe.ok) {
      result.skipped.push({ file, reason: pipe.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
      log.warn('.sql bootstrap skipped a file', { file, reason: result.skipped.at(-1)!.reason });
      continue;
    }
    const created = await bucket.createIfNeverWritten(name, serializePipe(pipe.value));
    (created ? result.created : result.kept).push(name);
  }
  log.info('.sql bootstrap done', { dir: root, created: result.created.length, kept: result.kept.length, skipped: result.skipped.length });
  return result;
}

async function unusable(root: string, file: string, name: string): Promise<string | undefined> {
  if (!isCreatableName(name)) return `"${name}" is not a valid pipe name (${CREATABLE_NAME_RULE})`;
  const stat = await lstat(path.join(root, file));
  // A symlink could point anywhere on the machine; only plain files of the folder are read.
  if (stat.isSymbolicLink()) return 'symbolic links are not followed';
  if (!stat.isFile()) return 'not a regular file';
  if (stat.size > 512 * 1024) return `file is ${stat.size} bytes; the limit is 512 KiB`;
  return undefined;
}

async function waitForBucket(supervisor: BucketSupervisor) {
  for (;;) {
    try {
      return await supervisor.writableBucket();
    } catch (err) {
      if (!(err instanceof UnavailableError)) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
