import { describe, expect, it } from "vitest";

import { cloudSyncService } from "./cloud";

describe("cloudSyncService", () => {
  it("recognises the usual synced folders on each system", () => {
    expect(cloudSyncService("/home/pat/Dropbox/ownchart.zip")).toBe("Dropbox");
    expect(cloudSyncService("/home/pat/Dropbox (Personal)/x/ownchart.zip")).toBe("Dropbox");
    expect(cloudSyncService("C:\\Users\\pat\\OneDrive - Contoso\\Documents\\ownchart.zip")).toBe("OneDrive");
    expect(cloudSyncService("C:\\Users\\pat\\OneDrive\\ownchart.zip")).toBe("OneDrive");
    expect(cloudSyncService("/Users/pat/Library/Mobile Documents/com~apple~CloudDocs/ownchart.zip")).toBe(
      "iCloud Drive",
    );
    expect(cloudSyncService("/Users/pat/Library/CloudStorage/GoogleDrive-pat@example.org/My Drive/o.zip")).toBe(
      "Google Drive",
    );
    expect(cloudSyncService("/Users/pat/Library/CloudStorage/Box-Box/o.zip")).toBe("a cloud storage service");
    expect(cloudSyncService("/home/pat/Nextcloud/o.zip")).toBe("Nextcloud");
  });

  it("leaves ordinary folders alone, and judges folders, not the file's name", () => {
    expect(cloudSyncService("/home/pat/Documents/ownchart-export.zip")).toBeNull();
    expect(cloudSyncService("/home/pat/Documents/Dropbox")).toBeNull();
    expect(cloudSyncService("/home/pat/dropboxes/o.zip")).toBeNull();
    expect(cloudSyncService("/media/usb/box/o.zip")).toBeNull();
    expect(cloudSyncService("o.zip")).toBeNull();
  });
});
