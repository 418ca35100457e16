// The offline check of the verifier's start page: the wallet's offline QR code holds bytes (zlib
// of the presentation, QR byte mode), read from the camera or from a picture with the wallet's
// vendored jsQR (its binaryData keeps the bytes exactly; BarcodeDetector only gives text, so it
// is used to find the code in a camera frame and jsQR reads it). The bytes go in base64 to
// POST /verifier/offline; the verdict is shown like an online one and wiped after the retention.

import { ServerClock, fill, readStrings, showResult, wipeAt } from "./verdict.js";

const JSQR = "/wallet/vendor/jsQR-1.4.0.js";
const MAX_SIDE = 2000;
const root = document.querySelector("[data-offline]");

async function jsQR() {
  if (!globalThis.jsQR) await import(JSQR); // a UMD script: it sets self.jsQR
  return globalThis.jsQR;
}

function base64(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

// The QR code's bytes in an image (ImageBitmap, video or canvas), or null.
async function readBytes(source, width, height, { invert = false } = {}) {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const decode = await jsQR();
  const code = decode(image.data, canvas.width, canvas.height, {
    inversionAttempts: invert ? "attemptBoth" : "dontInvert",
  });
  return code && code.binaryData && code.binaryData.length ? Uint8Array.from(code.binaryData) : null;
}

function relativeAge(seconds, locale) {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (seconds < 60) return format.format(-seconds, "second");
  if (seconds < 3600) return format.format(-Math.floor(seconds / 60), "minute");
  return format.format(-Math.floor(seconds / 3600), "hour");
}

if (root) {
  const strings = readStrings(root);
  const clock = new ServerClock(root.dataset.serverNow);
  const locale = root.dataset.locale || document.documentElement.lang;
  const retention = Number(root.dataset.retention || "300") * 1000;
  const section = root.querySelector("[data-result]");
  const message = root.querySelector(".scan-message");
  const scanButton = root.querySelector("[data-scan]");
  const stopButton = root.querySelector("[data-stop]");
  const video = root.querySelector("video");
  const file = root.querySelector("[data-file]");
  let stream = null;
  let wipe = null;

  const say = (text) => {
    message.textContent = text || "";
  };

  const check = async (bytes) => {
    say(strings.checking);
    let body;
    try {
      const response = await fetch(root.dataset.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ qr: base64(bytes) }),
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
      body = await response.json();
      if (!response.ok) {
        say(body.detail || strings.offline_error);
        return;
      }
    } catch {
      say(strings.offline_error);
      return;
    }
    say("");
    const now = body.status_checked_at != null && body.status_age != null
      ? (body.status_checked_at + body.status_age) * 1000
      : clock.now();
    if (wipe) window.clearTimeout(wipe);
    const until = body.claims ? clock.now() + retention : null;
    showResult(section, body, {
      strings,
      locale,
      decidedAt: now,
      claimsUntil: until,
      extra: body.status_age != null ? fill(strings.status_age, "age", relativeAge(body.status_age, locale)) : null,
    });
    if (until) wipe = wipeAt(section, until, clock, strings);
  };

  const stop = () => {
    for (const track of stream?.getTracks() || []) track.stop();
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    stopButton.hidden = true;
    scanButton.hidden = false;
  };

  const scan = async () => {
    const detector = "BarcodeDetector" in globalThis
      ? await globalThis.BarcodeDetector.getSupportedFormats()
        .then((formats) => (formats.includes("qr_code") ? new globalThis.BarcodeDetector({ formats: ["qr_code"] }) : null))
        .catch(() => null)
      : null;
    while (stream) {
      const { videoWidth: width, videoHeight: height } = video;
      if (width && height) {
        let seen = true;
        if (detector) {
          try {
            seen = (await detector.detect(video)).length > 0;
          } catch {
            seen = true;
          }
        }
        const bytes = seen ? await readBytes(video, width, height) : null;
        if (bytes && stream) {
          stop();
          await check(bytes);
          return;
        }
      }
      await new Promise((resolve) => window.setTimeout(resolve, 150));
    }
  };

  if (navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function") {
    scanButton.hidden = false;
    scanButton.addEventListener("click", async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch {
        say(strings.camera_error);
        return;
      }
      video.srcObject = stream;
      video.hidden = false;
      scanButton.hidden = true;
      stopButton.hidden = false;
      say(strings.camera_on);
      await video.play().catch(() => {});
      scan();
    });
    stopButton.addEventListener("click", () => {
      stop();
      say("");
      scanButton.focus();
    });
  }

  file.addEventListener("change", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    let bytes = null;
    try {
      const image = await createImageBitmap(chosen);
      bytes = await readBytes(image, image.width, image.height, { invert: true });
      image.close();
    } catch {
      bytes = null;
    }
    file.value = "";
    if (!bytes) {
      say(strings.no_qr);
      return;
    }
    await check(bytes);
  });
}
