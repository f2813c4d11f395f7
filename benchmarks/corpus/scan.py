"""The synthetic reports as scans: page images with no text layer, for the OCR benchmarks/tests.

A scanner or a phone camera leaves a page slightly rotated, a little blurred and noisy, and the
PDF it writes holds only images. ``scanned_pdf(pdf)`` does the same to a generated report: each
page is rasterised (pdfium) at ``dpi``, turned by a random angle of up to ±1.5°, blurred, given
grain, and saved as a JPEG page of a new PDF (Pillow) that has no text at all.
``mixed_pdf(pdf)`` replaces only some pages with their scans, keeping the others' text layer.

Deterministic: the same bytes, dpi and seed give the same PDF (rotation, blur and grain come
from ``random.Random(seed)``, the PDF's dates are fixed). Needs ``pypdfium2`` and ``Pillow``.
"""

import io
import random
import re
import time
from collections.abc import Sequence

from PIL import Image, ImageChops, ImageFilter

#: The largest rotation of a scanned page, in degrees (either way).
MAX_ROTATION_DEGREES = 1.5
#: Grain: each pixel moves by up to this much either way (of 255).
NOISE_LEVEL = 12
#: Pillow writes the current time into a PDF unless told otherwise.
_FIXED_DATE = time.gmtime(1_704_067_200)  # 2024-01-01


def scanned_pdf(pdf: bytes, dpi: int = 300, seed: int = 0) -> bytes:
    """``pdf`` with every page replaced by a degraded image of it: image-only, no text layer."""
    rng = random.Random(seed)
    return _images_to_pdf([_scan(page, dpi, rng) for page in _render(pdf, dpi)], dpi)


def mixed_pdf(
    pdf: bytes, scanned_pages: Sequence[int] | None = None, dpi: int = 300, seed: int = 0
) -> bytes:
    """``pdf`` with only ``scanned_pages`` (0-based; default: the last page) replaced by their
    scans; the other pages keep their text layer. A mixed PDF needs at least two pages."""
    import pypdfium2  # type: ignore[import-untyped, unused-ignore]

    document = pypdfium2.PdfDocument(pdf)
    try:
        count = len(document)
        chosen = sorted({p % count for p in (scanned_pages or (count - 1,))})
        if count < 2 or len(chosen) == count:
            raise ValueError(f"a mixed PDF keeps some text pages: {count} pages, scan {chosen}")
        scans = pypdfium2.PdfDocument(scanned_pdf(pdf, dpi, seed))
        try:
            for index in chosen:
                document.del_page(index)
                document.import_pages(scans, [index], index)
            buffer = io.BytesIO()
            document.save(buffer)
        finally:
            scans.close()
    finally:
        document.close()
    return _fixed_id(buffer.getvalue())


def _fixed_id(pdf: bytes) -> bytes:
    """pdfium gives every saved file a random second ``/ID``: make it the first, whose length
    it shares, so that the cross-reference offsets stay right."""
    return re.sub(rb"/ID\s*\[<([0-9A-Fa-f]+)><[0-9A-Fa-f]+>\]", rb"/ID[<\1><\1>]", pdf)


def _render(pdf: bytes, dpi: int) -> list[Image.Image]:
    import pypdfium2  # type: ignore[import-untyped, unused-ignore]

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for index in range(len(document))
        ]
    finally:
        document.close()


def _scan(page: Image.Image, dpi: int, rng: random.Random) -> Image.Image:
    """Rotation by up to ±1.5°, a blur of about a tenth of a point, and grain."""
    angle = rng.uniform(-MAX_ROTATION_DEGREES, MAX_ROTATION_DEGREES)
    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    blurred = turned.filter(ImageFilter.GaussianBlur(radius=0.6 * dpi / 300))
    spread = 2 * NOISE_LEVEL + 1
    grain = Image.frombytes("L", page.size, rng.randbytes(page.width * page.height))
    grain = grain.point(lambda value: value * spread // 256)
    return ImageChops.subtract(blurred, grain, offset=NOISE_LEVEL)


def _images_to_pdf(images: list[Image.Image], dpi: int) -> bytes:
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="PDF",
        save_all=True,
        append_images=images[1:],
        resolution=dpi,
        quality=85,
        creationDate=_FIXED_DATE,
        modDate=_FIXED_DATE,
    )
    return buffer.getvalue()
