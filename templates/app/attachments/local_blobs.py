"""TODO: local_blobs (skeleton; filled in on this branch)."""
