"""The shared-files lab's writer and reader, sharing one EFS file system (files.py does the work)."""
