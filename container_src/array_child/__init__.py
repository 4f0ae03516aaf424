"""The child of LabBatch's array job: a stdlib-only script the job definition runs with `python3 -c`."""
