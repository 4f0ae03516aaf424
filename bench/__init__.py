"""`make bench`: speed and memory figures of the kit, each measured as a ratio within one run."""
