"""Build the pristine sqlite-web database from real data shipped in the vega_datasets
package: US airports (keyed by their IATA code) and Fisher's iris measurements."""

import sys
from pathlib import Path

import sqlite_utils
from vega_datasets import local_data

folder = Path(sys.argv[1])
db = sqlite_utils.Database(folder / "vega.db")
db["airports"].insert_all(local_data.airports().to_dict(orient="records"), pk="iata")
iris = local_data.iris().to_dict(orient="records")
db["iris"].insert_all([{"id": i, **row} for i, row in enumerate(iris, 1)], pk="id")
db.vacuum()
