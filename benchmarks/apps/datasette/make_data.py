"""Build the pristine datasette database from real data shipped in the vega_datasets
package (cars and airports), with full-text search on the car names and airport names."""

import sys
from pathlib import Path

import sqlite_utils
from vega_datasets import local_data

folder = Path(sys.argv[1])
db = sqlite_utils.Database(folder / "vega.db")

cars = local_data.cars()
cars["Year"] = cars["Year"].dt.year
db["cars"].insert_all(cars.to_dict(orient="records"))
db["cars"].enable_fts(["Name"], create_triggers=True)

airports = local_data.airports()
db["airports"].insert_all(airports.to_dict(orient="records"), pk="iata")
db["airports"].enable_fts(["name", "city"], create_triggers=True)
db.vacuum()
