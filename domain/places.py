"""Where a development happened, as a map reads it: a named place in a country, at a point."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from chronicle.domain.countries import ALPHA2, ALPHA3, TO_ALPHA2
from chronicle.domain.fields import ShortText

EARTH_KM = 6371.0088  # mean radius


def _country(code: str) -> str:
    upper = code.strip().upper()
    if upper not in ALPHA2 and upper not in ALPHA3:
        raise ValueError(f"unknown country code {code!r}: expected ISO 3166-1 alpha-2 or alpha-3, e.g. IQ or IRQ")
    return upper


CountryCode = Annotated[
    str,
    Field(max_length=8, description="ISO 3166-1 alpha-2 or alpha-3 code, e.g. IQ or IRQ (stored upper-case)"),
    AfterValidator(_country),
]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="degrees north, WGS 84")]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="degrees east, WGS 84")]


class Place(BaseModel):
    """A place: `location` (text) still says where in words; this says where on a map."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: ShortText | None = None
    country: CountryCode | None = None
    admin1: ShortText | None = Field(default=None, description="first-level subdivision: province, governorate")
    lat: Latitude | None = None
    lon: Longitude | None = None
    precision: Annotated[int, Field(ge=1, le=3)] | None = Field(
        default=None, description="as ACLED's geo_precision: 1 the place itself, 2 near it, 3 its region"
    )

    @model_validator(mode="after")
    def _a_point_has_both(self) -> Place:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together: give both or neither")
        return self


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def to_alpha2(code: str) -> str:
    """A country code as its alpha-2 form, so IQ and IRQ compare equal."""
    return TO_ALPHA2.get(code.upper(), code.upper())


def within(place: Place | None, country: str | None, near: tuple[float, float, float] | None) -> bool:
    """Whether a place is in `country` and within `near` (latitude, longitude, km); no place never is."""
    if place is None:
        return False
    if country is not None and (place.country is None or to_alpha2(place.country) != to_alpha2(country)):
        return False
    if near is not None:
        lat, lon, km = near
        return place.lat is not None and place.lon is not None and distance_km(lat, lon, place.lat, place.lon) <= km
    return True
