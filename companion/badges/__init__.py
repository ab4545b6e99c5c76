"""Cross-organisation badges: the catalogue, the interaction graph from the store, and awarding through the outbox."""
