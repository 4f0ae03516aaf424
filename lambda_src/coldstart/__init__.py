"""The cold-start lab's one handler file, shared by its light and heavy functions."""
