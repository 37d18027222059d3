/** The last part of a path, for `/home/a/my-records.json` and `C:\Users\a\my-records.json` alike. */
export function fileName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, "");
  const parts = trimmed.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
