"""A lot is its product and its lot number together: two products may share a lot number."""

from __future__ import annotations

from dataclasses import dataclass

from domain.values import require_text


@dataclass(frozen=True, order=True)
class ProductLot:
    """One lot of one product (the unit a manufacturer recalls)."""

    product: str
    lot: str

    def __post_init__(self) -> None:
        require_text("product", self.product, max_length=200)
        require_text("lot", self.lot, max_length=64)

    def __str__(self) -> str:
        return f"{self.product} lot {self.lot}"
