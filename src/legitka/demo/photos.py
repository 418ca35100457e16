"""Synthetic ID photos for the demo: abstract portrait-like shapes, never a real face.

Each image is drawn from a seed, so the same seed always gives the same JPEG bytes. The size is
the smallest upload the register accepts (354×496); flat colours keep the files
small (a few kB), which matters when thousands of generated students each store one.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

from legitka.registry.services.photos import MIN_HEIGHT, MIN_WIDTH

WIDTH, HEIGHT = MIN_WIDTH, MIN_HEIGHT

_BACKGROUNDS = [(236, 238, 240), (228, 234, 242), (240, 236, 230), (232, 240, 236)]
_SKIN = [(241, 204, 176), (224, 180, 146), (198, 150, 112), (160, 112, 80), (112, 76, 54)]
_HAIR = [(40, 30, 24), (92, 60, 36), (150, 110, 60), (210, 180, 120), (120, 120, 120)]
_CLOTHES = [(40, 60, 110), (90, 30, 40), (50, 90, 70), (70, 70, 80), (150, 120, 60), (30, 30, 36)]


def portrait(seed: int | str, *, flawed: bool = False, quality: int = 70) -> bytes:
    """A JPEG of an abstract head-and-shoulders figure, the same for the same seed.

    ``flawed`` draws a dark, busy background: the kind of photo the dean's office rejects.
    """
    rng = random.Random(f"legitka-demo-photo:{seed}")  # noqa: S311 - drawing, not secrets
    image = Image.new("RGB", (WIDTH, HEIGHT), rng.choice(_BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    if flawed:
        _busy_background(draw, rng)

    cx = WIDTH // 2 + rng.randint(-8, 8)
    head_w = rng.randint(150, 176)
    head_h = int(head_w * rng.uniform(1.22, 1.34))
    head_top = rng.randint(96, 118)
    skin = rng.choice(_SKIN)
    hair = rng.choice(_HAIR)
    clothes = rng.choice(_CLOTHES)

    # shoulders and neck
    shoulder_top = head_top + head_h - 10
    draw.ellipse((cx - 190, shoulder_top + 40, cx + 190, shoulder_top + 360), fill=clothes)
    draw.rectangle((cx - 30, head_top + head_h - 40, cx + 30, shoulder_top + 60), fill=skin)
    # hair behind the head, the head, then a fringe
    hair_extra = rng.randint(10, 34)
    draw.ellipse(
        (
            cx - head_w // 2 - hair_extra // 2,
            head_top - 26,
            cx + head_w // 2 + hair_extra // 2,
            head_top + head_h // 2 + rng.randint(10, 120),
        ),
        fill=hair,
    )
    draw.ellipse((cx - head_w // 2, head_top, cx + head_w // 2, head_top + head_h), fill=skin)
    draw.chord(
        (cx - head_w // 2, head_top - 18, cx + head_w // 2, head_top + head_h // 2),
        180,
        360,
        fill=hair,
    )
    # abstract features: two soft dots and a line, no likeness of anyone
    eye_y = head_top + int(head_h * 0.50)
    eye_dx = head_w // 5
    feature = tuple(max(c - 90, 0) for c in skin)
    for dx in (-eye_dx, eye_dx):
        draw.ellipse((cx + dx - 7, eye_y - 5, cx + dx + 7, eye_y + 5), fill=feature)
    mouth_y = head_top + int(head_h * 0.76)
    draw.line((cx - 20, mouth_y, cx + 20, mouth_y), fill=feature, width=4)

    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _busy_background(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=(38, 44, 52))
    for _ in range(14):
        x, y = rng.randint(-60, WIDTH), rng.randint(-60, HEIGHT)
        size = rng.randint(40, 140)
        colour = (rng.randint(60, 200), rng.randint(60, 200), rng.randint(60, 200))
        draw.rectangle((x, y, x + size, y + size // 2), fill=colour)
