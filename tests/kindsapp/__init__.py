"""A test app that registers a kind of follow-up of its own, as a new feature's app would."""
