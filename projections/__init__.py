"""Read models derived from the clinical log (one module per view)."""
