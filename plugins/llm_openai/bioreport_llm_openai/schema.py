"""The answer the model must give: pydantic models sent as a strict ``json_schema``."""

from pydantic import BaseModel, ConfigDict, Field


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    analyte: str = Field(description="the test name exactly as printed")
    value: float | None = Field(description="the result as a number, or null if not numeric")
    value_text: str = Field(description="the result exactly as printed")
    unit: str | None = Field(description="the unit as printed, or null")
    reference_low: float | None = Field(description="lower bound of the reference range")
    reference_high: float | None = Field(description="upper bound of the reference range")
    reference_text: str | None = Field(description="the reference range exactly as printed")
    flag: str | None = Field(description="the flag printed next to the result (H, L, ...)")


class ReportAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection_date: str | None = Field(description="the sample collection date, if printed")
    rows: list[Row]
