"""The forum theme component: entry points into the companion from an unmodified Discourse."""
