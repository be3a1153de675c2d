// A zip archive of stored (uncompressed) files: the `.sql` export as one download. Pipes' SQL is
// small text, so compression would save little and cost a dependency; a stored zip is what every
// unzip, file manager and `python3 -m zipfile` reads. No zip64: at most 65,535 files, each and
// the whole archive under 4 GiB, which a bucket of pipes never comes near.
import { crc32 } from 'node:zlib';

/** @typedef {import('./zip.d.mts').ZipFile} ZipFile */

export const MAX_ZIP_FILES = 0xffff;
const MAX_32 = 0xffffffff;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** 1.0: stored files, no zip64. */
const VERSION_NEEDED = 10;
/** Made by Unix (3), spec 2.0: the external attributes carry a Unix mode. */
const VERSION_MADE_BY = (3 << 8) | 20;
/** General purpose bit 11: the names are UTF-8. */
const UTF8_NAMES = 0x0800;
/** A regular file, rw-r--r--, in the high 16 bits of the external attributes. */
const FILE_MODE = 0o100644 << 16;

/**
 * The MS-DOS date and time of `date`, as UTC (zip has no time zone; UTC makes the bytes the same
 * wherever the archive is made), clamped to what the format can hold (1980–2107).
 * @param {Date} date
 * @returns {{ time: number, date: number }}
 */
export function dosDateTime(date) {
  const t = Math.min(Math.max(date.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58));
  const d = new Date(Number.isFinite(t) ? t : Date.UTC(1980, 0, 1));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** @param {string} name */
function nameProblem(name) {
  if (name === '') return 'is empty';
  if (name.startsWith('/') || name.includes('\\')) return 'must be a relative path with "/" separators';
  if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) return 'has an empty, "." or ".." segment';
  return null;
}

/**
 * The bytes of a zip archive holding `files` stored as they are, in the order given. The same
 * files (names, bytes, times) always give the same bytes.
 * @param {ZipFile[]} files
 * @returns {Buffer}
 */
export function zipStored(files) {
  if (files.length > MAX_ZIP_FILES) throw new RangeError(`a zip without zip64 holds at most ${MAX_ZIP_FILES} files, not ${files.length}`);
  const encoder = new TextEncoder();
  /** @type {Buffer[]} */
  const parts = [];
  /** @type {Buffer[]} */
  const central = [];
  const names = new Set();
  let offset = 0;
  for (const file of files) {
    const problem = nameProblem(file.name);
    if (problem) throw new RangeError(`zip entry name ${JSON.stringify(file.name)} ${problem}`);
    if (names.has(file.name)) throw new RangeError(`zip entry name ${JSON.stringify(file.name)} is given twice`);
    names.add(file.name);
    const name = Buffer.from(encoder.encode(file.name));
    const data = typeof file.data === 'string' ? Buffer.from(encoder.encode(file.data)) : Buffer.from(file.data);
    if (name.length > 0xffff) throw new RangeError(`zip entry name ${JSON.stringify(file.name.slice(0, 40))}… is longer than 65,535 bytes`);
    if (data.length >= MAX_32) throw new RangeError(`${file.name} is 4 GiB or more: a zip without zip64 cannot hold it`);
    const { time, date } = dosDateTime(file.modified ?? new Date(Date.UTC(1980, 0, 1)));
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); // compressed size: stored, the same
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // no extra field

    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(CENTRAL_HEADER, 0);
    entry.writeUInt16LE(VERSION_MADE_BY, 4);
    entry.writeUInt16LE(VERSION_NEEDED, 6);
    entry.writeUInt16LE(UTF8_NAMES, 8);
    entry.writeUInt16LE(0, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    // extra field, comment, disk number, internal attributes: 0
    entry.writeUInt32LE(FILE_MODE >>> 0, 38);
    entry.writeUInt32LE(offset, 42);

    parts.push(local, name, data);
    central.push(entry, name);
    offset += local.length + name.length + data.length;
    if (offset >= MAX_32) throw new RangeError('the files add up to 4 GiB or more: a zip without zip64 cannot hold them');
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  if (offset + centralSize >= MAX_32) throw new RangeError('the archive would be 4 GiB or more: a zip without zip64 cannot hold it');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  // this disk, the central directory's disk: 0
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  // no comment
  return Buffer.concat([...parts, ...central, end]);
}
