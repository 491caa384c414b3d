"""TODO: model_input (skeleton; filled in on this branch)."""
