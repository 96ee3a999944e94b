"""Engines that run a report's stages somewhere other than this process (Spark: `spark.py`).

Nothing here is imported by the command line at start-up: `svcstats report NAME --spark MASTER`
imports `svcstats.engines.spark` (and PySpark) only when the option is given.
"""
