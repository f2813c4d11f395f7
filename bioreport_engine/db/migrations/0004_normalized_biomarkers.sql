-- What the normalization stage (NORM_ENGINE) adds to each row, beside what was printed: the
-- canonical analyte, its LOINC code, the value and reference range in the canonical unit (UCUM),
-- and how the row was normalized. Rows from different labs and years compare on these columns.
ALTER TABLE biomarker_results
    ADD COLUMN specimen                 text,
    ADD COLUMN canonical_name           text,
    ADD COLUMN loinc                    text,
    ADD COLUMN canonical_value          double precision,
    ADD COLUMN canonical_unit           text,
    ADD COLUMN canonical_reference_low  double precision,
    ADD COLUMN canonical_reference_high double precision,
    ADD COLUMN normalization            text
        CHECK (normalization IN ('mapped', 'unit_unknown', 'unmapped', 'implausible'));

-- "Your HbA1c over three years": one analyte's rows across documents.
CREATE INDEX biomarker_results_loinc ON biomarker_results (loinc) WHERE loinc IS NOT NULL;
