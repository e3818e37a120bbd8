"""Benchmarks: ``python -m bench`` measures ingest, load, memory and answer quality at scale."""
