"""Benchmarks that print nasbound's figures side by side with its peers', measured in one run.

``nasbound bench [NAME ...]`` (``make bench``) runs them; each benchmark is a function
returning a small table (a pandas DataFrame) so the numbers can be tested and rendered.
Speed targets are shown here, never asserted in timed tests.
"""
