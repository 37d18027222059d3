// Folders that a cloud service copies off this computer. A record file saved in
// one leaves the computer too: worth a warning, and for a file without a
// passphrase, a second thought (threat model D-05).

const SERVICES: readonly { name: string; folder: RegExp }[] = [
  { name: "Dropbox", folder: /^Dropbox( \(.+\))?$/i },
  { name: "OneDrive", folder: /^OneDrive( - .+)?$/i },
  { name: "Google Drive", folder: /^(Google ?Drive|My Drive|GoogleDrive-.+)$/i },
  { name: "iCloud Drive", folder: /^(iCloud ?Drive|Mobile Documents)$/i },
  { name: "Nextcloud", folder: /^Nextcloud$/i },
  { name: "ownCloud", folder: /^ownCloud$/i },
  { name: "pCloud", folder: /^pCloud ?Drive$/i },
  { name: "Box", folder: /^Box( Sync)?$/ },
  { name: "MEGA", folder: /^MEGA(sync)?$/ },
  { name: "Sync.com", folder: /^Sync$/ },
];

/** The cloud service whose folder holds `path` ("Dropbox"), or null when none is recognised. */
export function cloudSyncService(path: string): string | null {
  const parts = path.split(/[\\/]+/);
  // The last part is the file's own name: only the folders above it count.
  for (const part of parts.slice(0, -1)) {
    const service = SERVICES.find((s) => s.folder.test(part));
    if (service) {
      return service.name;
    }
  }
  // macOS puts every provider's folder under ~/Library/CloudStorage.
  return parts.slice(0, -1).some((p) => p === "CloudStorage") ? "a cloud storage service" : null;
}
