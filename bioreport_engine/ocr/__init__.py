"""What the engine does for scanned PDFs, whatever OCR extractor plugin reads them: the fallback
that sends the pages without a text layer to it (:mod:`.fallback`), and the ``ocr`` marker on
the rows read from those pages (:mod:`.rows`)."""
