"""A formulation: the patient-specific mix, its lots and its derived ratio of actives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.errors import InvalidEntry
from domain.lots import ProductLot
from domain.values import require_date, require_decimal, require_member, require_text
from domain.vocabulary import AMOUNT_UNITS, INGREDIENT_CATEGORIES, MASS_UNITS_IN_MG, VEHICLE_BASES


@dataclass(frozen=True)
class Ingredient:
    substance: str
    category: str
    amount: Decimal
    unit: str
    product: str
    lot: str
    expiry: date

    def __post_init__(self) -> None:
        require_text("ingredients.substance", self.substance, max_length=200)
        require_member("ingredients.category", self.category, INGREDIENT_CATEGORIES)
        require_decimal("ingredients.amount", self.amount)
        require_member("ingredients.unit", self.unit, AMOUNT_UNITS)
        require_text("ingredients.product", self.product, max_length=200)
        require_text("ingredients.lot", self.lot, max_length=64)
        require_date("ingredients.expiry", self.expiry)

    @property
    def is_active(self) -> bool:
        return self.category != "local_anaesthetic"


@dataclass(frozen=True)
class Vehicle:
    name: str
    base: str

    def __post_init__(self) -> None:
        require_text("vehicle.name", self.name, max_length=200)
        require_member("vehicle.base", self.base, VEHICLE_BASES)


@dataclass(frozen=True)
class Formula:
    ingredients: tuple[Ingredient, ...]
    vehicle: Vehicle
    total_volume_ml: Decimal
    protocol_id: UUID | None = None
    """The clinic's protocol the mix was made from, if any."""

    def __post_init__(self) -> None:
        if not self.ingredients:
            raise InvalidEntry("ingredients", "at least one ingredient is required")
        require_decimal("total_volume_ml", self.total_volume_ml)

    @property
    def lots(self) -> dict[str, date]:
        return {i.lot: i.expiry for i in self.ingredients}

    @property
    def product_lots(self) -> set[ProductLot]:
        return {ProductLot(i.product, i.lot) for i in self.ingredients}

    @property
    def ratio(self) -> tuple[tuple[str, Decimal], ...]:
        """Each active dosed by mass, relative to the smallest one (1 : 2.5 : 10)."""
        masses = [(i.substance, i.amount * MASS_UNITS_IN_MG[i.unit])
                  for i in self.ingredients if i.is_active and i.unit in MASS_UNITS_IN_MG]
        if not masses:
            return ()
        smallest = min(mass for _, mass in masses)
        return tuple((name, (mass / smallest).quantize(Decimal("0.01"))) for name, mass in masses)
