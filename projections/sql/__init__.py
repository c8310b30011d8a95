"""All read-side SQL: the view store per backend, named statements and reads, catch-up and rebuild."""
