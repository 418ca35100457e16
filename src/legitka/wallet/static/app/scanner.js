// Reading QR codes with the camera: the browser's BarcodeDetector where it has one, else jsQR on
// video frames drawn to a canvas. The camera is optional: every screen also takes typed text.

import "../vendor/jsQR-1.4.0.js";

export class Scanner {
  constructor(video, onText) {
    this.video = video;
    this.onText = onText;
    this.stream = null;
    this.canvas = document.createElement("canvas");
  }

  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment" },
      audio: false,
    });
    this.video.srcObject = this.stream;
    await this.video.play();
    this.detector = null;
    if ("BarcodeDetector" in globalThis) {
      try {
        const formats = await globalThis.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) this.detector = new globalThis.BarcodeDetector({ formats: ["qr_code"] });
      } catch {
        this.detector = null;
      }
    }
    this.running = true;
    this.loop();
  }

  stop() {
    this.running = false;
    for (const track of this.stream?.getTracks() || []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }

  async read() {
    if (this.detector) {
      try {
        const found = await this.detector.detect(this.video);
        if (found.length) return found[0].rawValue;
      } catch {
        this.detector = null; // fall back to jsQR
      }
    }
    const { videoWidth: width, videoHeight: height } = this.video;
    if (!width || !height) return null;
    this.canvas.width = width;
    this.canvas.height = height;
    const context = this.canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(this.video, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    const code = globalThis.jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
    return code ? code.data : null;
  }

  async loop() {
    while (this.running) {
      const text = await this.read();
      if (text && this.running) {
        this.stop();
        this.onText(text);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}
