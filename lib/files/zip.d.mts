/** One file of a zip: its path in the archive ("/"-separated, relative), its bytes (a string is written as UTF-8), its time. */
export type ZipFile = { name: string; data: Uint8Array | string; modified?: Date };

export declare const MAX_ZIP_FILES: number;

/** MS-DOS date and time fields of `date` in UTC, clamped to 1980–2107. */
export function dosDateTime(date: Date): { time: number; date: number };

/** A zip archive of the files stored uncompressed, in order; throws RangeError past the limits of a zip without zip64. */
export function zipStored(files: ZipFile[]): Buffer;
