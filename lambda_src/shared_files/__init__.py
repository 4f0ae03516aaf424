"""The shared-files lab's two functions, the writer and the reader, sharing one EFS file system (files.py does the work)."""
