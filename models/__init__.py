"""numbayes models (not yet implemented)."""
