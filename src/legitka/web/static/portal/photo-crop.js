// Choosing the part of a photo to keep, in a frame with the card's 35:45 proportions.
//
// The chosen image is shown in the frame; the student drags it (mouse, touch or pen), zooms with
// the slider or the mouse wheel, or uses the arrow keys and + / − on the focused frame. The part
// inside the frame is written, in pixels of the image, to the form's hidden crop_* fields. Without
// JavaScript the fields stay empty and the server keeps the middle of the photo.

const form = document.querySelector("form[data-photo-form]");

if (form) {
  const input = form.querySelector('input[type="file"]');
  const cropper = form.querySelector("[data-cropper]");
  const frame = form.querySelector("[data-crop-frame]");
  const image = form.querySelector("[data-crop-image]");
  const zoom = form.querySelector("[data-crop-zoom]");
  const warning = form.querySelector("[data-crop-warning]");
  const fields = {};
  for (const field of form.querySelectorAll("[data-crop-field]")) {
    fields[field.dataset.cropField] = field;
  }
  const minWidth = Number(form.dataset.minWidth) || 0;
  const minHeight = Number(form.dataset.minHeight) || 0;
  const MAX_ZOOM = Number(zoom.max) || 4;
  const STEP = 0.1; // of the frame, per arrow key press

  // The view: the zoom (1 = the image just covers the frame) and the point of the image, in
  // image pixels, at the frame's centre. Kept in image terms, it survives a resized frame.
  let state = null;
  let objectUrl = null;

  const clearFields = () => {
    for (const field of Object.values(fields)) field.value = "";
    if (warning) warning.textContent = "";
  };

  const coverScale = () =>
    Math.max(frame.clientWidth / state.width, frame.clientHeight / state.height);

  // Keep the frame inside the image, then draw the image and fill in the fields.
  const update = () => {
    if (!state) return;
    const frameWidth = frame.clientWidth;
    const frameHeight = frame.clientHeight;
    const scale = coverScale() * state.zoom;
    const halfWidth = frameWidth / scale / 2;
    const halfHeight = frameHeight / scale / 2;
    state.cx = Math.min(Math.max(state.cx, halfWidth), state.width - halfWidth);
    state.cy = Math.min(Math.max(state.cy, halfHeight), state.height - halfHeight);
    const left = frameWidth / 2 - state.cx * scale;
    const top = frameHeight / 2 - state.cy * scale;
    image.style.width = `${state.width}px`;
    image.style.height = `${state.height}px`;
    image.style.transform = `translate(${left}px, ${top}px) scale(${scale})`;

    const x = Math.max(0, Math.floor(state.cx - halfWidth));
    const y = Math.max(0, Math.floor(state.cy - halfHeight));
    const width = Math.min(state.width - x, Math.floor(2 * halfWidth));
    const height = Math.min(state.height - y, Math.floor(2 * halfHeight));
    fields.x.value = String(x);
    fields.y.value = String(y);
    fields.width.value = String(width);
    fields.height.value = String(height);
    if (warning) {
      const small = width < minWidth || height < minHeight;
      warning.textContent = small ? warning.dataset.message : "";
    }
  };

  const setZoom = (value) => {
    if (!state) return;
    state.zoom = Math.min(Math.max(value, 1), MAX_ZOOM);
    zoom.value = String(state.zoom);
    update();
  };

  const moveBy = (dx, dy) => {
    if (!state) return;
    const scale = coverScale() * state.zoom;
    state.cx -= dx / scale;
    state.cy -= dy / scale;
    update();
  };

  const reset = () => {
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = null;
    state = null;
    cropper.hidden = true;
    clearFields();
  };

  input.addEventListener("change", () => {
    reset();
    const file = input.files && input.files[0];
    if (!file || !["image/jpeg", "image/png"].includes(file.type)) return;
    objectUrl = URL.createObjectURL(file);
    image.onload = () => {
      // naturalWidth/Height are those of the upright image, as the server turns it.
      state = {
        width: image.naturalWidth,
        height: image.naturalHeight,
        cx: image.naturalWidth / 2,
        cy: image.naturalHeight / 2,
        zoom: 1,
      };
      cropper.hidden = false;
      zoom.value = "1";
      update();
    };
    image.onerror = reset;
    image.src = objectUrl;
  });

  zoom.addEventListener("input", () => setZoom(Number(zoom.value)));

  let drag = null;
  frame.addEventListener("pointerdown", (event) => {
    if (!state) return;
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY };
    frame.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  frame.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    moveBy(event.clientX - drag.x, event.clientY - drag.y);
    drag.x = event.clientX;
    drag.y = event.clientY;
  });
  const endDrag = () => {
    drag = null;
  };
  frame.addEventListener("pointerup", endDrag);
  frame.addEventListener("pointercancel", endDrag);

  frame.addEventListener(
    "wheel",
    (event) => {
      if (!state) return;
      event.preventDefault();
      setZoom(state.zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
    },
    { passive: false },
  );

  frame.addEventListener("keydown", (event) => {
    if (!state) return;
    const stepX = frame.clientWidth * STEP;
    const stepY = frame.clientHeight * STEP;
    const moves = {
      ArrowLeft: [-stepX, 0],
      ArrowRight: [stepX, 0],
      ArrowUp: [0, -stepY],
      ArrowDown: [0, stepY],
    };
    if (event.key in moves) {
      moveBy(...moves[event.key]);
    } else if (event.key === "+" || event.key === "=") {
      setZoom(state.zoom * 1.1);
    } else if (event.key === "-" || event.key === "−") {
      setZoom(state.zoom / 1.1);
    } else {
      return;
    }
    event.preventDefault();
  });

  window.addEventListener("resize", update);
}
