/* Scanning a lot's QR code at the weighbridge: with the camera (the
   browser's BarcodeDetector where it has one, else the vendored jsQR), or from
   a photo (for browsers without camera access, such as WeChat's). A found code
   opens the receive form for it, as a keyboard-wedge scanner's Enter does. */
(function () {
  "use strict";
  const form = document.getElementById("scan-form");
  if (!form) return;
  const text = JSON.parse(document.getElementById("scan-text").textContent);
  const video = document.getElementById("camera-video");
  const box = document.getElementById("camera");
  const error = document.getElementById("scan-error");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stream = null;
  let detector = null;

  function say(message) {
    error.textContent = message || "";
    error.hidden = !message;
  }

  function open(code) {
    stop();
    window.location.href = `${form.action}?code=${encodeURIComponent(code.trim())}`;
  }

  async function decode(source, width, height) {
    if (detector) {
      try {
        const found = await detector.detect(source);
        if (found.length) return found[0].rawValue;
      } catch (e) {
        /* fall back to jsQR */
      }
    }
    canvas.width = width;
    canvas.height = height;
    context.drawImage(source, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height);
    const found = window.jsQR(pixels.data, width, height, { inversionAttempts: "attemptBoth" });
    return found ? found.data : null;
  }

  async function tick() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      const code = await decode(video, video.videoWidth, video.videoHeight);
      if (code) return open(code);
    }
    requestAnimationFrame(tick);
  }

  async function start() {
    say("");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return say(text.noCamera);
    if ("BarcodeDetector" in window) {
      try {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) {
        detector = null;
      }
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      return say(text.noCamera);
    }
    video.srcObject = stream;
    box.hidden = false;
    await video.play();
    requestAnimationFrame(tick);
  }

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    box.hidden = true;
  }

  document.getElementById("camera-start").addEventListener("click", start);
  document.getElementById("camera-stop").addEventListener("click", stop);
  document.getElementById("photo").addEventListener("change", (event) => {
    const file = event.target.files && event.target.files[0];
    if (!file) return;
    const image = new Image();
    image.onload = async () => {
      // Photos are large: decode a copy at most 1600 px wide.
      const scale = Math.min(1, 1600 / image.naturalWidth);
      const code = await decode(image, Math.round(image.naturalWidth * scale), Math.round(image.naturalHeight * scale));
      URL.revokeObjectURL(image.src);
      code ? open(code) : say(text.noCode);
    };
    image.src = URL.createObjectURL(file);
  });
})();
