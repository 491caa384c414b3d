"""TODO: sqlite_blobs (skeleton; filled in on this branch)."""
