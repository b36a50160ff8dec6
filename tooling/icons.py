"""Draw the icons of the installed portal (static/icons/*.png) and the
`/favicon.ico` that browsers ask for on their own (static/root/favicon.ico,
served at the site's root) after static/favicon.svg: "S&R" in white on the
portal's blue. Run once, and again only if the drawing changes; its output is
committed:

    .venv/bin/python -m tooling.icons

Written with the standard library alone (a PNG is zlib-compressed rows), so
that the icons come out the same on every machine, whatever fonts it has."""

import struct
import zlib
from pathlib import Path

BLUE = (0x00, 0x68, 0x9D)
WHITE = (0xFF, 0xFF, 0xFF)
STATIC = Path(__file__).resolve().parent.parent / "static"
OUTPUT = STATIC / "icons"
# Served at the site's root by whitenoise (WHITENOISE_ROOT in the settings).
FAVICON = STATIC / "root" / "favicon.ico"
FAVICON_SIZES = (16, 32, 48)

# "S&R" on a grid of 5 × 7 cells per letter, one blank column between letters.
GLYPHS = {
    "S": [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
    "&": [".##..", "#..#.", "#.#..", ".#...", "#.#.#", "#..#.", ".##.#"],
    "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
}
TEXT = "S&R"


def _text_cells() -> list[str]:
    rows = []
    for row in range(7):
        rows.append(".".join(GLYPHS[letter][row] for letter in TEXT))
    return rows


def _corner_coverage(x: int, y: int, size: int, radius: float) -> float:
    """How much of pixel (x, y) lies inside a square of `size` with corners
    rounded by `radius`, sampled 4 × 4 times (smooth edges)."""
    inside = 0
    for sy in range(4):
        for sx in range(4):
            px, py = x + (sx + 0.5) / 4, y + (sy + 0.5) / 4
            cx = min(max(px, radius), size - radius)
            cy = min(max(py, radius), size - radius)
            inside += (px - cx) ** 2 + (py - cy) ** 2 <= radius**2
    return inside / 16


def draw(size: int, *, maskable: bool = False) -> list[list[tuple[int, int, int, int]]]:
    """The icon's pixels as RGBA rows. A maskable icon fills the whole square
    (the system cuts its own shape) and keeps the text within the middle."""
    cells = _text_cells()
    columns = len(cells[0])
    cell = max(1, round(size * (0.45 if maskable else 0.6) / columns))
    left = (size - cell * columns) // 2
    top = (size - cell * len(cells)) // 2
    radius = 0 if maskable else size * 6 / 32
    pixels = []
    for y in range(size):
        row = []
        for x in range(size):
            near_corner = radius and (
                (x < radius or x >= size - radius) and (y < radius or y >= size - radius)
            )
            alpha = _corner_coverage(x, y, size, radius) if near_corner else 1.0
            gx, gy = (x - left) // cell, (y - top) // cell
            on_text = 0 <= gy < len(cells) and 0 <= gx < columns and cells[gy][gx] == "#"
            colour = WHITE if on_text else BLUE
            row.append((*colour, round(255 * alpha)))
        pixels.append(row)
    return pixels


def png(pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    """RGBA rows as a PNG file: 8 bits a channel, no filter, one IDAT chunk."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(value for pixel in row for value in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(images: list[bytes], sizes: list[int]) -> bytes:
    """PNG images as one ICO file (PNG inside ICO, read by every current
    browser): a header, one directory entry per image, then the images."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, data = b"", b""
    for image, size in zip(images, sizes, strict=True):
        # Width and height 0 stand for 256; 32 bits a pixel.
        side = size % 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), offset)
        data += image
        offset += len(image)
    return header + entries + data


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ]:
        (OUTPUT / name).write_bytes(png(draw(size, maskable=maskable)))
    FAVICON.parent.mkdir(parents=True, exist_ok=True)
    images = [png(draw(size)) for size in FAVICON_SIZES]
    FAVICON.write_bytes(ico(images, list(FAVICON_SIZES)))


if __name__ == "__main__":
    main()
