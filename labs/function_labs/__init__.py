"""What the function labs share: the CSV writer (its construct and facts) and the check's two steps of it."""
