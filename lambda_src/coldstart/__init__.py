"""LabColdStart's one handler file, shared by its light and heavy functions."""
