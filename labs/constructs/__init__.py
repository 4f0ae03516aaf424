"""Constructs every lab shares: the lab stack base, the lab VPC, log groups, the CSV writer, expiry."""
