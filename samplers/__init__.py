"""numbayes samplers (not yet implemented)."""
