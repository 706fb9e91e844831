import { open, rename } from "node:fs/promises";
import path from "node:path";

/**
 * Replaces a file so that after a power cut it holds either the old or the new content, never a
 * torn mix: write a sibling, fsync it, rename over, fsync the directory so the rename itself is on disk.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, "w", 0o600);
  try {
    await handle.writeFile(data, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  await syncDir(path.dirname(file));
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Times in the contract are ISO strings; epoch seconds (JWT style) are accepted as well. */
export function toMillis(value: string | number): number {
  if (typeof value === "number") return value < 1e12 ? value * 1000 : value;
  return Date.parse(value);
}
