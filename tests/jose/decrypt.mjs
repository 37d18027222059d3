// Decrypts a compact JWE (alg "dir", enc "A256GCM") with the jose library and
// writes the plaintext bytes to stdout, unchanged. The protected header goes to
// stderr as JSON so the test can check it too.
//
// Usage: node decrypt.mjs <file with the compact JWE> <base64url key>
import { readFileSync } from "node:fs";
import { compactDecrypt, base64url } from "jose";

const [file, key] = process.argv.slice(2);
if (!file || !key) {
  console.error("usage: node decrypt.mjs JWE_FILE BASE64URL_KEY");
  process.exit(2);
}
const jwe = readFileSync(file, "utf8").trim();
const { plaintext, protectedHeader } = await compactDecrypt(jwe, base64url.decode(key), {
  keyManagementAlgorithms: ["dir"],
  contentEncryptionAlgorithms: ["A256GCM"],
});
process.stderr.write(JSON.stringify(protectedHeader) + "\n");
process.stdout.write(plaintext);
