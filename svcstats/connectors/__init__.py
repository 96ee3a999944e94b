"""Pulling data from help-desk APIs into a dataset folder in the neutral schema.

Shared machinery, one job per module: `http` (an HTTP client with retries and error mapping),
`state` (a resumable staging folder, merged into the dataset and swapped in atomically with a
manifest); then one module per help desk mapping its endpoints onto neutral tables (`hubspot`).
Imported only by the `svcstats pull` command, never at CLI start-up.
"""
