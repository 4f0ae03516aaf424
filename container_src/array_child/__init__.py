"""The child of the Batch lab's array job: a stdlib-only script the job definition runs with `python3 -c`."""
