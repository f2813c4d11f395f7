-- Rows read by OCR from a scanned page (PDF_ENGINE=ocr, or PDF_OCR_FALLBACK for the pages
-- without a text layer): OCR misreads digits, so the application asks a human to confirm them.
ALTER TABLE biomarker_results
    ADD COLUMN ocr boolean NOT NULL DEFAULT false;

-- How many of the document's pages were read by OCR (0: all from the text layer). When the
-- fallback ran, `engines` has an "ocr" entry beside "pdf" naming the OCR extractor.
ALTER TABLE document_results
    ADD COLUMN ocr_page_count integer NOT NULL DEFAULT 0 CHECK (ocr_page_count >= 0);

-- "Rows waiting for a human's confirmation".
CREATE INDEX biomarker_results_ocr ON biomarker_results (uploaded_document_id) WHERE ocr;
