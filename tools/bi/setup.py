"""Set up Superset for the pressfacts warehouse: metadata DB, admin user, the warehouse (read-only) and
the dashboard bundle in tools/bi/dashboard/. Run with Superset's own Python (`make bi` does):

    .venv-bi/bin/python tools/bi/setup.py [--warehouse FILE]

Idempotent: every step can run again. The bundle is imported with overwrite (Superset's assets
import, matched by uuid), so the database URI, the datasets, the charts and the dashboard are
replaced by what the repo says; the dataset columns are then read from the warehouse, and each
chart's query context (what the chart data API runs, and what Superset saves when a chart is saved
in the UI) is written from the chart's parameters.

Environment: PRESSFACTS_WAREHOUSE (the warehouse file), PRESSFACTS_SUPERSET_HOME (Superset's own
files, default warehouse/.superset/), PRESSFACTS_BI_USER / PRESSFACTS_BI_PASSWORD (the admin user
created the first time, default admin / admin), SUPERSET_SECRET_KEY.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BUNDLE = HERE / "dashboard"
PLACEHOLDER = "__PRESSFACTS_WAREHOUSE__"
DEFAULT_USER = "admin"
DEFAULT_PASSWORD = "admin"


def warehouse_uri(warehouse: Path) -> str:
    """The read-only duckdb-engine URI README "Connect a BI tool" gives (four slashes: absolute path)."""
    return f"duckdb:///{warehouse.resolve()}?access_mode=read_only"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["SUPERSET_CONFIG_PATH"] = str(HERE / "superset_config.py")
    env["FLASK_APP"] = "superset"
    return env


def bundle_contents(warehouse: Path) -> dict[str, str]:
    """The bundle's files as Superset's importer takes them (path inside the bundle -> YAML text), with
    the warehouse's URI in place of the placeholder."""
    contents = {}
    for path in sorted(BUNDLE.rglob("*.yaml")):
        text = path.read_text()
        if path.parent.name == "databases":
            text = text.replace(f"duckdb:///{PLACEHOLDER}?access_mode=read_only", warehouse_uri(warehouse))
        contents[path.relative_to(BUNDLE).as_posix()] = text
    return contents


def _adhoc_where(params: dict[str, Any]) -> str:
    where = [
        f"({f['sqlExpression']})"
        for f in params.get("adhoc_filters", [])
        if f.get("expressionType") == "SQL" and f.get("clause") == "WHERE"
    ]
    return " AND ".join(where)


def query_context(params: dict[str, Any], datasource_id: int) -> dict[str, Any]:
    """The query the chart runs, in the chart data API's form, from the chart's parameters (the
    equivalent of what the UI's buildQuery saves) for the chart types the bundle uses."""
    viz = params["viz_type"]
    if viz == "echarts_timeseries_bar":
        x = params["x_axis"]
        axis: dict[str, Any] = {
            "columnType": "BASE_AXIS",
            "sqlExpression": x,
            "label": x,
            "expressionType": "SQL",
        }
        if params.get("time_grain_sqla"):  # a temporal x axis, grouped by the grain
            axis["timeGrain"] = params["time_grain_sqla"]
        columns: list[Any] = [axis, *params.get("groupby", [])]
        metrics = params["metrics"]
    elif viz == "world_map":
        columns, metrics = [params["entity"]], [params["metric"]]
    elif viz == "table":
        columns, metrics = list(params["all_columns"]), []
    else:
        raise ValueError(f"no query context for chart type {viz}")
    query = {
        "columns": columns,
        "metrics": metrics,
        "filters": [],
        "extras": {"where": _adhoc_where(params), "having": ""},
        "orderby": [[metrics[0], False]] if metrics else [],
        "row_limit": params.get("row_limit", 10000),
        "time_range": params.get("time_range", "No filter"),
        "series_limit": 0,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
    }
    return {
        "datasource": {"id": datasource_id, "type": "table"},
        "force": False,
        "queries": [query],
        "form_data": params,
        "result_format": "json",
        "result_type": "full",
    }


def superset(*args: str) -> None:
    cli = Path(sys.executable).with_name("superset")
    subprocess.run([str(cli), *args], env=environment(), check=True)


def import_bundle(warehouse: Path, username: str, password: str) -> None:
    os.environ.update(environment())
    from flask import g
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.connectors.sqla.models import SqlaTable
        from superset.models.dashboard import Dashboard
        from superset.models.slice import Slice

        user = security_manager.find_user(username=username)
        if user is None:  # an existing user is left as it is (its password too)
            user = security_manager.add_user(
                username,
                "pressfacts",
                "admin",
                f"{username}@localhost",
                security_manager.find_role("Admin"),
                password=password,
            )
            db.session.commit()
            print(f"created the admin user {username!r}")
        g.user = user
        ImportAssetsCommand(bundle_contents(warehouse)).run()

        # the bundle lists no columns: read them from the warehouse (a virtual dataset runs its SQL)
        for dataset in db.session.query(SqlaTable).filter(SqlaTable.uuid.in_(_uuids("datasets"))).all():
            dttm = dataset.main_dttm_col
            dataset.fetch_metadata()
            dataset.main_dttm_col = dttm
        db.session.commit()

        for chart in db.session.query(Slice).filter(Slice.uuid.in_(_uuids("charts"))).all():
            params = json.loads(chart.params)
            chart.query_context = json.dumps(query_context(params, chart.datasource_id))
        db.session.commit()

        dashboard = db.session.query(Dashboard).filter_by(slug="pressfacts").one()
        print(f"dashboard {dashboard.dashboard_title!r}: {len(dashboard.slices)} charts, warehouse {warehouse}")


def _uuids(kind: str) -> list[Any]:
    import uuid

    import yaml

    return [uuid.UUID(yaml.safe_load(p.read_text())["uuid"]) for p in (BUNDLE / kind).rglob("*.yaml")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("PRESSFACTS_WAREHOUSE") or REPO / "warehouse" / "pressfacts.duckdb"),
    )
    args = parser.parse_args(argv)
    warehouse = args.warehouse.resolve()
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: run `make run` first (or pass --warehouse FILE)", file=sys.stderr)
        return 1
    username = os.environ.get("PRESSFACTS_BI_USER") or DEFAULT_USER
    password = os.environ.get("PRESSFACTS_BI_PASSWORD") or DEFAULT_PASSWORD

    superset("db", "upgrade")
    superset("init")  # roles and permissions
    import_bundle(warehouse, username, password)
    return 0


if __name__ == "__main__":
    sys.exit(main())
