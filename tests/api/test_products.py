"""The product catalogue: a clinic lists its products once each (name, manufacturer, a GTIN
whose check digit holds) and sees its own."""

from __future__ import annotations

import pytest

from tests.api.conftest import as_role, nothing_recorded, problem

CAFFEINE = {"name": "Caffeine 2%", "manufacturer": "Laboratoires Meso",
            "gtin": "4006381333931"}


def test_a_clinic_lists_its_products_and_another_clinic_sees_none(app, client, given):
    given.post("/v1/products", CAFFEINE)
    given.post("/v1/products", {"name": "L-carnitine 5%", "manufacturer": "Meso SA"})
    fresh = {"min_position": app.state.services.log_position()}

    own = client.get("/v1/products", params=fresh, headers=as_role("nurse")).json()
    other = client.get("/v1/products", params=fresh,
                       headers=as_role("nurse", "clinic-b")).json()

    assert [(p["name"], p["gtin"]) for p in own] == [("Caffeine 2%", "4006381333931"),
                                                      ("L-carnitine 5%", None)]
    assert other == []


def test_a_product_listed_twice_is_refused_whatever_its_case(app, client, given):
    given.post("/v1/products", CAFFEINE)
    with nothing_recorded(app):
        again = client.post("/v1/products", json=CAFFEINE | {"name": " caffeine 2% "},
                            headers=as_role("clinician"))
    problem(again, 409, rule="duplicate_product")


@pytest.mark.parametrize("gtin", ["4006381333932", "12345", "40063813339３1"])
def test_a_gtin_with_a_wrong_check_digit_or_length_is_malformed(app, client, gtin):
    with nothing_recorded(app):
        refused = client.post("/v1/products", json=CAFFEINE | {"gtin": gtin},
                              headers=as_role("clinician"))
    problem(refused, 422)
