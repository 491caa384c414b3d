"""Files and images that users attach to their messages."""
