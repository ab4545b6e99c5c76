"""Jobs as plain functions the worker and the CLI both run: locks, run records, the outbox."""
