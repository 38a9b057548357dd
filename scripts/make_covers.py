#!/usr/bin/env python3
"""Generate the six demo cover images for the newsdesk demo articles.

Each cover is a simple procedural illustration (1600x900 JPEG, quality 82)
that matches the article referencing it:

    tram.jpg      - 03 Straßenbahnlinie 4 (tram on a bridge at sunset)
    bakery.jpg    - 06 Bäckerei-Genossenschaft (bread shelves, stone oven)
    jazz.jpg      - 08 Jazz am Fluss (open-air stage by the river at night)
    football.jpg  - 10 Blau-Weiß Derby (pitch with floodlights, goal)
    library.jpg   - 15 Makerspace (bookshelves, table with 3D printer)
    heatpump.jpg  - 16 Wärmepumpen-Förderung (terraced houses, heat pump)

Usage:  .venv/bin/python scripts/make_covers.py   (requires Pillow only; output is deterministic)
writes newsdesk/demo/covers/, where `newsdesk loaddemo` reads them with the articles.
"""

import math
import os
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W, H = 1600, 900
QUALITY = 82
MAX_BYTES = 250 * 1024
# The covers ship with the demo articles in the package; this script stays out of it.
OUT_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "newsdesk", "demo", "covers"
)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def lerp(a, b, t):
    return a + (b - a) * t


def mix(c1, c2, t):
    return tuple(int(round(lerp(a, b, t))) for a, b in zip(c1, c2, strict=False))


def vgradient(size, stops):
    """Vertical gradient; stops = [(0.0, rgb), ..., (1.0, rgb)]."""
    w, h = size
    img = Image.new("RGB", size)
    d = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(1, h - 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
            if p0 <= t <= p1:
                col = mix(c0, c1, (t - p0) / max(1e-9, p1 - p0))
                break
        else:
            col = stops[-1][1]
        d.line([(0, y), (w, y)], fill=col)
    return img


def glow(img, center, radius, color, strength=1.0, blur=None):
    """Additive soft light blob."""
    layer = Image.new("RGB", img.size, (0, 0, 0))
    d = ImageDraw.Draw(layer)
    x, y = center
    col = tuple(int(c * strength) for c in color)
    d.ellipse([x - radius, y - radius, x + radius, y + radius], fill=col)
    layer = layer.filter(ImageFilter.GaussianBlur(blur or radius * 0.6))
    return ImageChops.add(img, layer)


def ridge(rng, y0, amp, waves, width=W, step=8):
    """Polyline of a hill ridge built from a few sine waves."""
    phases = [(rng.uniform(0, 2 * math.pi), rng.uniform(0.6, 1.4)) for _ in range(waves)]
    pts = []
    for x in range(0, width + step, step):
        y = y0
        for i, (ph, f) in enumerate(phases):
            y += amp / (i + 1) * math.sin(x / width * math.pi * (i + 1) * f * 2 + ph)
        pts.append((x, y))
    return pts


def fill_below(draw, pts, color, bottom=H):
    draw.polygon(pts + [(pts[-1][0], bottom), (pts[0][0], bottom)], fill=color)


def finish(img, noise=5, vignette=0.35, soften=0.7):
    """Lens-like finishing: slight blur, vignette and film grain."""
    if soften:
        img = img.filter(ImageFilter.GaussianBlur(soften))
    if vignette:
        mask = Image.radial_gradient("L").resize(img.size)
        mask = mask.point(lambda v: int(max(0, v - 90) * 1.6 * vignette))
        img = Image.composite(Image.new("RGB", img.size, (0, 0, 0)), img, mask)
    if noise:
        grain = Image.effect_noise(img.size, noise).convert("RGB")
        img = ImageChops.add(img, grain, 1.0, -128)
    return img


def save(img, name):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    quality = QUALITY
    img.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
    size = os.path.getsize(path)
    if size > MAX_BYTES:  # safety net: soften the grain instead of dropping quality
        img = img.filter(ImageFilter.GaussianBlur(0.8))
        img.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
        size = os.path.getsize(path)
    print(f"{name:14s} {img.size[0]}x{img.size[1]}  {size / 1024:6.1f} KB")
    return path


# --------------------------------------------------------------------------
# 1. tram on a bridge at sunset
# --------------------------------------------------------------------------


def tram():
    rng = random.Random(3)
    horizon = 560
    img = vgradient(
        (W, H),
        [
            (0.0, (38, 52, 110)),
            (0.35, (120, 96, 150)),
            (0.55, (238, 140, 92)),
            (0.63, (252, 206, 140)),
            (1.0, (252, 206, 140)),
        ],
    )
    img = glow(img, (360, 470), 70, (255, 240, 200), 1.0, blur=20)
    img = glow(img, (360, 470), 260, (255, 170, 90), 0.55)
    d = ImageDraw.Draw(img)

    # distant hills
    fill_below(d, ridge(rng, 430, 40, 3), (118, 92, 128))
    fill_below(d, ridge(rng, 480, 30, 4), (86, 70, 104))

    # old town silhouette with gables and a church tower
    x = 0
    town = (58, 46, 72)
    while x < W:
        bw = rng.randint(50, 110)
        top = horizon - rng.randint(60, 150)
        d.rectangle([x, top, x + bw, horizon], fill=town)
        d.polygon(
            [(x - 4, top), (x + bw / 2, top - rng.randint(25, 60)), (x + bw + 4, top)], fill=town
        )
        for wy in range(top + 18, horizon - 20, 28):
            for wx in range(x + 10, x + bw - 14, 24):
                if rng.random() < 0.35:
                    d.rectangle([wx, wy, wx + 9, wy + 13], fill=(255, 204, 120))
        x += bw + rng.randint(0, 8)
    d.rectangle([1110, 250, 1170, horizon], fill=town)
    d.polygon([(1100, 250), (1140, 140), (1180, 250)], fill=town)
    d.ellipse([1124, 280, 1156, 312], outline=(220, 170, 110), width=3)

    # river with reflections
    water = vgradient((W, H - horizon), [(0.0, (214, 140, 104)), (1.0, (60, 60, 96))])
    img.paste(water, (0, horizon))
    d = ImageDraw.Draw(img)
    for _i in range(140):
        y = rng.randint(horizon + 8, H)
        xw = rng.randint(250, 470)
        ln = rng.randint(20, 120)
        d.line([(xw, y), (xw + ln, y)], fill=(255, 214, 150), width=2)

    # bridge deck and arches
    deck_top, deck_bot = 600, 640
    stone = (72, 56, 70)
    mask = Image.new("L", img.size, 0)
    md = ImageDraw.Draw(mask)
    md.rectangle([0, deck_top, W, H], fill=255)
    for ax in range(-60, W + 320, 320):  # arch openings between the piers
        md.ellipse([ax - 130, deck_bot + 50, ax + 130, H + 260], fill=0)
    img.paste(stone, (0, 0, W, H), mask)
    d = ImageDraw.Draw(img)
    for ax in range(-60, W + 320, 320):  # arch rings
        d.arc([ax - 130, deck_bot + 50, ax + 130, H + 260], 180, 360, fill=(88, 70, 84), width=6)
    d.rectangle([0, deck_top - 18, W, deck_top], fill=(64, 50, 62))
    for px in range(0, W, 26):  # railing
        d.line([(px, deck_top - 40), (px, deck_top - 18)], fill=(64, 50, 62), width=3)
    d.line([(0, deck_top - 40), (W, deck_top - 40)], fill=(64, 50, 62), width=4)

    # overhead line masts and wire
    for mx in range(80, W, 380):
        d.rectangle([mx, 380, mx + 10, deck_top - 18], fill=(50, 40, 52))
        d.line([(mx, 392), (mx + 60, 392)], fill=(50, 40, 52), width=4)
    d.line([(0, 398), (W, 404)], fill=(40, 32, 44), width=2)

    # tram
    tx0, tx1, ty0, ty1 = 560, 1340, 440, 585
    d.rounded_rectangle([tx0, ty0, tx1, ty1], radius=34, fill=(246, 196, 40))
    d.rectangle([tx0 + 10, ty1 - 30, tx1 - 10, ty1 - 18], fill=(40, 40, 48))
    for sx in (tx0 + 260, tx0 + 520):  # articulation joints
        d.rectangle([sx - 6, ty0 + 6, sx + 6, ty1 - 4], fill=(60, 60, 66))
    wx = tx0 + 40
    while wx < tx1 - 70:
        if abs(wx - (tx0 + 260)) > 30 and abs(wx - (tx0 + 520)) > 30:
            d.rounded_rectangle([wx, ty0 + 26, wx + 62, ty0 + 90], radius=8, fill=(70, 82, 104))
            d.line([(wx + 6, ty0 + 32), (wx + 30, ty0 + 32)], fill=(255, 224, 170), width=3)
        wx += 78
    d.polygon(
        [(tx1 - 10, ty0 + 20), (tx1 + 30, ty0 + 60), (tx1 + 30, ty1 - 20), (tx1 - 10, ty1)],
        fill=(236, 184, 32),
    )
    d.rectangle([tx0 + 120, ty0 + 100, tx0 + 150, ty0 + 112], fill=(200, 40, 40))
    d.line([(tx0 + 380, ty0), (tx0 + 420, 404)], fill=(40, 36, 40), width=4)  # pantograph
    d.line([(tx0 + 460, ty0), (tx0 + 420, 404)], fill=(40, 36, 40), width=4)
    img = glow(img, (tx1 + 26, ty1 - 34), 18, (255, 250, 220), 1.0, blur=8)
    return finish(img)


# --------------------------------------------------------------------------
# 2. bakery: bread on wooden shelves in front of a stone oven
# --------------------------------------------------------------------------


def bread(d, rng, cx, cy, w, h):
    base = rng.choice([(150, 92, 44), (170, 112, 58), (126, 78, 40), (186, 134, 72)])
    for i in range(6):
        t = i / 6
        col = mix(base, (232, 184, 116), t * 0.8)
        d.ellipse(
            [cx - w / 2 + i * 3, cy - h / 2 + i * 2, cx + w / 2 - i * 5, cy + h / 2 - i * 4],
            fill=col,
        )
    for k in range(3):  # scoring
        sx = cx - w / 4 + k * w / 5
        d.arc([sx - 14, cy - h / 2 + 6, sx + 14, cy + 4], 200, 330, fill=(236, 210, 160), width=3)


def bakery():
    rng = random.Random(6)
    img = vgradient((W, H), [(0.0, (66, 42, 30)), (0.7, (122, 80, 52)), (1.0, (84, 56, 38))])
    d = ImageDraw.Draw(img)

    # brick wall / oven front in the middle
    ox0, ox1, oy0, oy1 = 520, 1080, 140, 760
    for row, y in enumerate(range(oy0, oy1, 34)):
        off = 0 if row % 2 else 38
        for x in range(ox0 - off, ox1, 76):
            c = rng.randint(-14, 14)
            d.rectangle([max(ox0, x), y, min(ox1, x + 72), y + 30], fill=(150 + c, 96 + c, 70 + c))
    # oven mouth with fire glow
    d.pieslice([640, 330, 960, 650], 180, 360, fill=(40, 18, 10))
    d.rectangle([640, 490, 960, 640], fill=(40, 18, 10))
    img = glow(img, (800, 560), 120, (255, 130, 30), 1.0)
    img = glow(img, (800, 590), 60, (255, 220, 120), 1.0, blur=26)
    d = ImageDraw.Draw(img)
    d.rectangle([600, 640, 1000, 672], fill=(96, 86, 80))  # hearth stone
    d.arc([640, 330, 960, 650], 180, 360, fill=(110, 100, 96), width=14)

    # wooden shelves left and right with loaves
    wood = (104, 66, 36)
    for side in (0, 1):
        x0 = 40 if side == 0 else 1120
        x1 = 480 if side == 0 else 1560
        d.rectangle([x0, 100, x0 + 18, 820], fill=(84, 52, 28))
        d.rectangle([x1 - 18, 100, x1, 820], fill=(84, 52, 28))
        for sy in (250, 430, 610, 790):
            d.rectangle([x0, sy, x1, sy + 16], fill=wood)
            d.line([(x0, sy), (x1, sy)], fill=(150, 104, 62), width=2)
            x = x0 + 40
            while x < x1 - 60:
                w = rng.randint(80, 130)
                h = rng.randint(46, 70)
                bread(d, rng, x + w / 2, sy - h / 2 + 2, w, h)
                x += w + rng.randint(6, 18)

    # work table in the foreground with flour dust
    d.polygon([(0, 800), (W, 800), (W, H), (0, H)], fill=(180, 140, 96))
    d.line([(0, 800), (W, 800)], fill=(210, 176, 130), width=4)
    for _ in range(260):
        x, y = rng.randint(200, 1400), rng.randint(806, 890)
        r = rng.randint(1, 2)
        d.ellipse([x - r, y - r, x + r, y + r], fill=(238, 228, 210))
    img = glow(img, (800, 80), 300, (255, 200, 140), 0.25)
    return finish(img, vignette=0.5)


# --------------------------------------------------------------------------
# 3. jazz: open-air stage by the river at night
# --------------------------------------------------------------------------


def person(d, x, base, h, col):
    head = h * 0.13
    d.ellipse([x - head / 2, base - h, x + head / 2, base - h + head], fill=col)
    d.polygon(
        [
            (x - h * 0.13, base - h + head * 1.1),
            (x + h * 0.13, base - h + head * 1.1),
            (x + h * 0.11, base - h * 0.45),
            (x - h * 0.11, base - h * 0.45),
        ],
        fill=col,
    )
    d.rectangle([x - h * 0.1, base - h * 0.46, x - h * 0.02, base], fill=col)
    d.rectangle([x + h * 0.02, base - h * 0.46, x + h * 0.1, base], fill=col)


def jazz():
    rng = random.Random(8)
    horizon = 520
    img = vgradient((W, H), [(0.0, (6, 8, 26)), (0.55, (24, 30, 70)), (1.0, (16, 18, 40))])
    d = ImageDraw.Draw(img)
    for _ in range(220):
        x, y = rng.randint(0, W), rng.randint(0, 380)
        b = rng.randint(120, 255)
        d.point((x, y), fill=(b, b, b))
    # far bank with lights
    fill_below(d, ridge(rng, horizon - 20, 12, 3), (14, 16, 34))
    for _ in range(40):
        x = rng.randint(0, 500)
        d.rectangle([x, horizon - 40, x + 4, horizon - 34], fill=(255, 210, 140))
    water = vgradient((600, H - horizon), [(0.0, (30, 34, 80)), (1.0, (10, 12, 30))])
    img.paste(water, (0, horizon))
    d = ImageDraw.Draw(img)
    for _ in range(90):
        y = rng.randint(horizon + 6, H - 100)
        x = rng.randint(30, 520)
        d.line(
            [(x, y), (x + rng.randint(10, 60), y)],
            fill=rng.choice([(200, 80, 160), (80, 180, 220), (240, 180, 80)]),
            width=2,
        )
    d.rectangle([560, horizon, W, H], fill=(20, 22, 34))  # riverside meadow

    # stage box
    sx0, sx1, sy0, sy1 = 620, 1460, 210, 620
    d.rectangle([sx0 - 30, sy0 - 40, sx1 + 30, sy1 + 30], fill=(12, 12, 16))
    inner = vgradient(
        (sx1 - sx0, sy1 - sy0), [(0.0, (60, 20, 70)), (0.6, (140, 50, 110)), (1.0, (230, 140, 90))]
    )
    img.paste(inner, (sx0, sy0))
    d = ImageDraw.Draw(img)
    for tx in range(sx0 - 30, sx1 + 40, 40):  # truss
        d.line([(tx, sy0 - 40), (tx + 20, sy0 - 10)], fill=(70, 70, 80), width=2)
        d.line([(tx + 20, sy0 - 10), (tx + 40, sy0 - 40)], fill=(70, 70, 80), width=2)
    # light cones
    cones = Image.new("RGB", img.size, (0, 0, 0))
    cd = ImageDraw.Draw(cones)
    for lx, col in (
        (720, (90, 40, 140)),
        (900, (40, 110, 150)),
        (1100, (150, 110, 30)),
        (1320, (130, 40, 90)),
    ):
        cd.polygon(
            [(lx - 10, sy0 - 20), (lx + 10, sy0 - 20), (lx + 140, sy1), (lx - 140, sy1)], fill=col
        )
    cones = cones.filter(ImageFilter.GaussianBlur(18))
    img = ImageChops.add(img, cones)
    for lx in (720, 900, 1100, 1320):
        img = glow(img, (lx, sy0 - 18), 14, (255, 255, 230), 1.0, blur=6)
    d = ImageDraw.Draw(img)
    # musicians
    shadow = (18, 10, 22)
    person(d, 780, sy1, 210, shadow)
    d.polygon([(800, 470), (830, 440), (850, 540), (825, 560)], fill=shadow)  # sax
    person(d, 980, sy1, 230, shadow)
    d.ellipse([1010, 440, 1080, 560], fill=shadow)  # double bass body
    d.rectangle([1040, 300, 1048, 450], fill=shadow)
    person(d, 1180, sy1, 200, shadow)
    d.ellipse([1240, 540, 1330, 600], fill=shadow)  # drums
    d.ellipse([1300, 470, 1380, 490], fill=shadow)
    d.rectangle([1338, 480, 1342, 600], fill=shadow)
    d.rectangle([sx0 - 30, sy1, sx1 + 30, sy1 + 30], fill=(30, 26, 34))

    # audience silhouettes
    for row, (base, sc, col) in enumerate(
        ((760, 0.8, (8, 8, 14)), (830, 1.0, (4, 4, 8)), (920, 1.25, (0, 0, 0)))
    ):
        x = 480 + row * -40
        while x < W + 40:
            r = rng.randint(20, 28) * sc
            d.ellipse([x - r, base - 3.2 * r, x + r, base - 1.2 * r], fill=col)
            d.rounded_rectangle(
                [x - 2.2 * r, base - 1.4 * r, x + 2.2 * r, base + 60], radius=int(r), fill=col
            )
            if rng.random() < 0.08:
                d.line(
                    [(x + r, base - 1.4 * r), (x + 2.2 * r, base - 4.5 * r)],
                    fill=col,
                    width=int(10 * sc),
                )
            x += rng.randint(58, 84) * sc
    return finish(img, noise=6, vignette=0.3)


# --------------------------------------------------------------------------
# 4. football pitch with floodlights at dusk, goal in the foreground
# --------------------------------------------------------------------------


def football():
    rng = random.Random(10)
    horizon = 430
    img = vgradient(
        (W, H),
        [
            (0.0, (30, 40, 92)),
            (0.3, (110, 92, 150)),
            (0.47, (244, 160, 120)),
            (1.0, (244, 160, 120)),
        ],
    )
    d = ImageDraw.Draw(img)
    # tree line and small stand
    pts = [
        (x, horizon - 30 - 22 * abs(math.sin(x / 37.0)) - rng.randint(0, 14))
        for x in range(0, W + 10, 10)
    ]
    fill_below(d, pts, (30, 44, 40))
    d.polygon(
        [(520, horizon - 70), (1080, horizon - 70), (1120, horizon + 8), (480, horizon + 8)],
        fill=(46, 50, 66),
    )
    d.rectangle([500, horizon - 86, 1100, horizon - 70], fill=(36, 40, 54))
    for rx in range(530, 1080, 14):
        for ry in range(horizon - 62, horizon, 12):
            if rng.random() < 0.3:
                d.rectangle(
                    [rx, ry, rx + 5, ry + 6], fill=rng.choice([(40, 80, 170), (230, 230, 240)])
                )

    # pitch in perspective with mowing stripes
    pitch_far, pitch_near = horizon + 8, H
    for i in range(16):
        t0 = (i / 16) ** 1.6
        t1 = ((i + 1) / 16) ** 1.6
        y0 = lerp(pitch_far, pitch_near, t0)
        y1 = lerp(pitch_far, pitch_near, t1)
        col = (58, 132, 62) if i % 2 else (70, 150, 72)
        d.rectangle([0, y0, W, y1], fill=col)
    white = (236, 240, 236)

    def proj(u, v):  # u: -1..1 across, v: 0 far .. 1 near
        y = lerp(pitch_far + 6, pitch_near + 200, v**1.4)
        half = lerp(520, 1700, v**1.4)
        return (W / 2 + u * half, y)

    d.line([proj(-1, 0), proj(1, 0)], fill=white, width=3)
    d.line([proj(-1, 0), proj(-1, 1)], fill=white, width=4)
    d.line([proj(1, 0), proj(1, 1)], fill=white, width=4)
    d.line(
        [proj(-0.45, 0), proj(-0.45, 0.22), proj(0.45, 0.22), proj(0.45, 0)], fill=white, width=4
    )
    d.line([proj(-0.2, 0), proj(-0.2, 0.08), proj(0.2, 0.08), proj(0.2, 0)], fill=white, width=3)
    d.line([proj(-1, 0.75), proj(1, 0.75)], fill=white, width=6)
    c = proj(0, 0.75)
    d.arc([c[0] - 260, c[1] - 70, c[0] + 260, c[1] + 70], 180, 360, fill=white, width=6)

    # floodlight masts
    for mx, top in ((180, 90), (1420, 80), (640, 210), (960, 215)):
        d.line([(mx, top + 40), (mx, horizon + 20)], fill=(40, 40, 50), width=6 if top < 150 else 3)
        d.rectangle([mx - 34, top, mx + 34, top + 40], fill=(50, 50, 60))
        for lx in range(mx - 28, mx + 30, 14):
            d.rectangle([lx, top + 6, lx + 10, top + 18], fill=(255, 255, 235))
            d.rectangle([lx, top + 22, lx + 10, top + 34], fill=(255, 255, 235))
    for mx, top in ((180, 90), (1420, 80), (640, 210), (960, 215)):
        img = glow(img, (mx, top + 20), 120 if top < 150 else 60, (255, 250, 210), 0.8)

    # goal in the foreground (right), seen at an angle
    d = ImageDraw.Draw(img)
    net = Image.new("RGBA", img.size, (0, 0, 0, 0))
    nd = ImageDraw.Draw(net)
    fl, fr, top, bot = (980, 1540, 420, 820)
    bl, br, btop, bbot = (1060, 1600, 470, 760)
    for k in range(0, 31):
        t = k / 30
        nd.line(
            [(lerp(fl, fr, t), top), (lerp(bl, br, t), btop), (lerp(bl, br, t), bbot)],
            fill=(255, 255, 255, 110),
            width=2,
        )
    for k in range(0, 21):
        t = k / 20
        nd.line(
            [(bl, lerp(btop, bbot, t)), (br, lerp(btop, bbot, t))],
            fill=(255, 255, 255, 90),
            width=2,
        )
        nd.line([(fl, top), (bl, btop)], fill=(255, 255, 255, 110), width=2)
    img = Image.alpha_composite(img.convert("RGBA"), net).convert("RGB")
    d = ImageDraw.Draw(img)
    d.line(
        [(fl, bot + 10), (fl, top), (fr, top), (fr, bot + 10)],
        fill=(250, 250, 250),
        width=16,
        joint="curve",
    )
    d.line([(fl + 6, top + 8), (fl + 6, bot + 10)], fill=(200, 200, 205), width=4)
    # ball
    d.ellipse([760, 800, 830, 870], fill=(245, 245, 245))
    d.polygon([(790, 822), (806, 826), (804, 842), (788, 844), (782, 830)], fill=(30, 30, 30))
    return finish(img, noise=5)


# --------------------------------------------------------------------------
# 5. library: bookshelves and a table with a 3D printer
# --------------------------------------------------------------------------


def library():
    rng = random.Random(12)
    img = vgradient((W, H), [(0.0, (236, 230, 214)), (1.0, (206, 198, 180))])
    d = ImageDraw.Draw(img)
    palette = [
        (150, 56, 50),
        (52, 82, 120),
        (70, 110, 84),
        (200, 160, 80),
        (90, 70, 110),
        (220, 210, 190),
        (40, 44, 52),
        (176, 100, 60),
        (120, 140, 160),
        (160, 130, 100),
    ]
    # tall shelves spanning the back wall
    shelf_wood = (150, 108, 70)
    for bx in range(20, W, 390):
        d.rectangle([bx, 40, bx + 370, 720], fill=(118, 84, 54))
        for sy in range(70, 700, 128):
            d.rectangle([bx + 12, sy, bx + 358, sy + 112], fill=(84, 60, 40))
            x = bx + 16
            while x < bx + 340:
                bw = rng.randint(12, 30)
                bh = rng.randint(72, 108)
                col = rng.choice(palette)
                if rng.random() < 0.06:  # a leaning book
                    d.polygon(
                        [
                            (x, sy + 112),
                            (x + bw, sy + 112),
                            (x + bw + 30, sy + 112 - bh + 10),
                            (x + 30, sy + 112 - bh + 10),
                        ],
                        fill=col,
                    )
                    x += bw + 34
                    continue
                d.rectangle([x, sy + 112 - bh, x + bw, sy + 112], fill=col)
                d.line(
                    [(x + 3, sy + 120 - bh), (x + bw - 3, sy + 120 - bh)],
                    fill=mix(col, (255, 240, 200), 0.5),
                    width=2,
                )
                x += bw + rng.randint(0, 3)
            d.rectangle([bx + 12, sy + 112, bx + 358, sy + 128], fill=shelf_wood)
    # ceiling light and floor
    img = glow(img, (800, -40), 420, (255, 250, 235), 0.35)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 720, W, H], fill=(168, 150, 130))
    # table (perspective slab)
    d.polygon([(260, 700), (1340, 700), (1500, 820), (100, 820)], fill=(214, 176, 128))
    d.rectangle([100, 820, 1500, 846], fill=(170, 130, 88))
    d.rectangle([140, 846, 170, H], fill=(120, 92, 62))
    d.rectangle([1430, 846, 1460, H], fill=(120, 92, 62))
    # 3D printer
    px0, px1, py0, py1 = 560, 960, 330, 760
    frame = (46, 48, 54)
    d.rectangle([px0, py0, px1, py0 + 34], fill=frame)
    d.rectangle([px0, py1 - 50, px1, py1], fill=frame)
    d.rectangle([px0, py0, px0 + 34, py1], fill=frame)
    d.rectangle([px1 - 34, py0, px1, py1], fill=frame)
    d.rectangle([px0 + 60, py1 - 86, px1 - 60, py1 - 64], fill=(120, 124, 130))  # build plate
    d.rectangle([px0 + 34, 470, px1 - 34, 482], fill=(150, 154, 160))  # gantry
    d.rectangle([720, 440, 800, 520], fill=(30, 30, 34))  # print head
    d.polygon([(752, 520), (768, 520), (760, 534)], fill=(200, 200, 200))
    for i in range(14):  # printed object (orange vase), layer lines
        y = py1 - 86 - (i + 1) * 9
        half = 46 + 10 * math.sin(i / 3.0)
        d.rectangle(
            [760 - half, y, 760 + half, y + 8], fill=(236, 126, 40) if i % 2 else (222, 114, 34)
        )
    d.rectangle([px0 + 50, py1 - 40, px0 + 150, py1 - 12], fill=(70, 150, 200))  # display
    # filament spool
    d.ellipse([1010, 470, 1230, 690], fill=(60, 62, 70))
    d.ellipse([1036, 496, 1204, 664], fill=(236, 126, 40))
    d.ellipse([1090, 550, 1150, 610], fill=(200, 200, 205))
    d.line([(1120, 580), (940, 460)], fill=(236, 126, 40), width=3)
    # laptop
    d.polygon([(1230, 740), (1420, 740), (1450, 780), (1200, 780)], fill=(150, 154, 162))
    d.polygon([(1236, 620), (1414, 620), (1420, 740), (1230, 740)], fill=(40, 44, 52))
    d.rectangle([1250, 636, 1400, 726], fill=(120, 170, 210))
    return finish(img, noise=4, vignette=0.25)


# --------------------------------------------------------------------------
# 6. terraced houses on a green slope with a heat pump (illustration)
# --------------------------------------------------------------------------


def heatpump():
    rng = random.Random(16)
    img = vgradient((W, H), [(0.0, (70, 130, 210)), (0.6, (170, 210, 240)), (1.0, (200, 228, 246))])
    clouds = Image.new("RGB", img.size, (0, 0, 0))
    cd = ImageDraw.Draw(clouds)
    for cx, cy in ((300, 140), (980, 90), (1350, 200)):
        for _ in range(7):
            r = rng.randint(40, 80)
            ox, oy = rng.randint(-120, 120), rng.randint(-20, 30)
            cd.ellipse(
                [cx + ox - r * 1.6, cy + oy - r, cx + ox + r * 1.6, cy + oy + r], fill=(90, 80, 60)
            )
    img = ImageChops.add(img, clouds.filter(ImageFilter.GaussianBlur(18)))
    img = glow(img, (1420, 110), 50, (255, 250, 220), 1.0, blur=12)
    d = ImageDraw.Draw(img)
    fill_below(d, ridge(rng, 430, 50, 3), (120, 170, 110))
    fill_below(
        d,
        [(x, 600 - x * 0.16 + 14 * math.sin(x / 160)) for x in range(0, W + 10, 10)],
        (96, 160, 80),
    )

    # terraced houses stepping up the slope
    def slope(x):
        return 600 - x * 0.16

    x = 120
    for i in range(6):
        hw = 190
        base = slope(x + hw / 2) + 90
        top = base - 210
        wall = rng.choice([(236, 226, 204), (226, 208, 180), (240, 236, 226), (214, 196, 170)])
        d.rectangle([x, top, x + hw, base], fill=wall)
        roof = (150, 62, 48) if i % 3 else (70, 72, 80)
        d.polygon([(x - 14, top), (x + hw / 2, top - 90), (x + hw + 14, top)], fill=roof)
        if i in (1, 2, 4):  # solar panels
            for k in range(3):
                px = x + 40 + k * 38
                d.polygon(
                    [(px, top - 16), (px + 32, top - 16), (px + 36, top - 52), (px + 6, top - 52)],
                    fill=(40, 60, 110),
                )
        for wy in (top + 30, top + 110):
            for wx in (x + 28, x + 118):
                d.rectangle([wx, wy, wx + 44, wy + 54], fill=(150, 190, 220))
                d.line([(wx + 22, wy), (wx + 22, wy + 54)], fill=wall, width=3)
        d.rectangle([x + 80, base - 70, x + 112, base], fill=(110, 74, 50))
        x += hw

    # hedge, trees
    for tx in (70, 1340, 1480):
        base = slope(tx) + 120
        d.rectangle([tx - 8, base - 120, tx + 8, base], fill=(96, 70, 48))
        for _ in range(10):
            r = rng.randint(36, 56)
            ox, oy = rng.randint(-50, 50), rng.randint(-90, -30)
            d.ellipse(
                [tx + ox - r, base - 120 + oy - r, tx + ox + r, base - 120 + oy + r],
                fill=rng.choice([(60, 120, 60), (72, 136, 66), (50, 104, 54)]),
            )
    d.rectangle([0, 760, W, H], fill=(88, 150, 72))
    for gx in range(0, W, 6):
        d.line(
            [(gx, 760), (gx + rng.randint(-3, 3), 760 - rng.randint(6, 18))],
            fill=(70, 130, 60),
            width=2,
        )
    d.rectangle([0, 820, W, 860], fill=(190, 182, 170))  # footpath

    # heat pump outdoor unit in front of the third house
    ux0, uy0, ux1, uy1 = 760, 590, 960, 760
    d.rectangle([ux0 + 10, uy1, ux0 + 30, uy1 + 12], fill=(90, 90, 96))
    d.rectangle([ux1 - 30, uy1, ux1 - 10, uy1 + 12], fill=(90, 90, 96))
    d.rounded_rectangle(
        [ux0, uy0, ux1, uy1], radius=10, fill=(236, 238, 240), outline=(170, 174, 180), width=3
    )
    fc = (840, 675)
    for r, col in ((68, (200, 204, 210)), (62, (60, 64, 72))):
        d.ellipse([fc[0] - r, fc[1] - r, fc[0] + r, fc[1] + r], fill=col)
    for r in range(12, 62, 10):
        d.ellipse([fc[0] - r, fc[1] - r, fc[0] + r, fc[1] + r], outline=(150, 154, 160), width=2)
    d.line([(fc[0] - 62, fc[1]), (fc[0] + 62, fc[1])], fill=(150, 154, 160), width=2)
    d.line([(fc[0], fc[1] - 62), (fc[0], fc[1] + 62)], fill=(150, 154, 160), width=2)
    d.rectangle([925, 610, 950, 740], fill=(214, 216, 220))
    d.line([(950, 640), (990, 640), (990, 520)], fill=(130, 130, 136), width=8)  # pipes into wall
    d.line([(950, 660), (1004, 660), (1004, 520)], fill=(110, 110, 116), width=8)
    return finish(img, noise=3, vignette=0.2, soften=0.5)


def main():
    for name, fn in (
        ("tram.jpg", tram),
        ("bakery.jpg", bakery),
        ("jazz.jpg", jazz),
        ("football.jpg", football),
        ("library.jpg", library),
        ("heatpump.jpg", heatpump),
    ):
        img = fn()
        assert img.size == (W, H)
        save(img.convert("RGB"), name)


if __name__ == "__main__":
    main()
