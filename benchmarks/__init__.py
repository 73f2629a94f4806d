"""`make bench`: throughput and latency of the production server, as ratios to baselines.

The baselines are bare Django views measured in the same run on the same server and database
(``benchmarks.views``). They and their table exist only under ``benchmarks.settings``; no
deployment's settings install this app or mount its URLs.
"""
