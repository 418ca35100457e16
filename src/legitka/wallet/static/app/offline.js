// The QR code for an offline check: a compact signed presentation (a few claims, no photo) with a
// key-binding JWT carrying the time of showing, deflated into a byte-mode QR code. It is made
// anew every 30 seconds, so a screenshot is soon too old for a verifier to accept.

import qrcode from "../vendor/qrcode-generator-2.0.4.mjs";
import { base64url } from "../vendor/jose-6.2.18.js";
import { present } from "./sdjwt.js";

export const AUDIENCE = "urn:legitka:offline";
export const REFRESH_SECONDS = 30;
const CLAIMS = ["given_name", "family_name", "university", "student_id", "age_under_26"];

async function deflate(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The bytes the offline QR code carries (zlib of the SD-JWT+KB presentation). */
export async function payload(record, deviceKey) {
  const nonce = base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
  const text = await present(record.credential, CLAIMS, deviceKey, { audience: AUDIENCE, nonce });
  return deflate(text);
}

/** Draw `bytes` as a QR code (byte mode, error correction L) on `canvas`. */
export function draw(canvas, bytes) {
  const code = qrcode(0, "L");
  code.addData(String.fromCharCode(...bytes), "Byte");
  code.make();
  const modules = code.getModuleCount();
  const quiet = 4;
  const scale = Math.max(2, Math.floor(720 / (modules + 2 * quiet)));
  canvas.width = canvas.height = (modules + 2 * quiet) * scale;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = "#000";
  for (let row = 0; row < modules; row += 1) {
    for (let col = 0; col < modules; col += 1) {
      if (code.isDark(row, col)) context.fillRect((col + quiet) * scale, (row + quiet) * scale, scale, scale);
    }
  }
  return modules;
}
