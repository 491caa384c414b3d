"""TODO: postgres_blobs (skeleton; filled in on this branch)."""
