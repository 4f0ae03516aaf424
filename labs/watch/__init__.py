"""`labkit watch <Lab>`: the learner's inner loop, a handler edit live in seconds without a synth.

- `package`: the function's code folder zipped as the deploy zips it (same files, fixed dates: the same source
  is the same bytes and the same CodeSha256);
- `sources`: which files are the handler's and which the stack's, and how a change is told apart;
- `deployed`: the lab's functions that run that code, found from the deployed stack; UpdateFunctionCode and
  its wait; the template's own code, to compare with and to restore (drift);
- `exercise`: the lab run the way its hands-on does (its descriptor's `Exercise`), and the function's new log
  lines, made readable, with a failed handler's file and line;
- `session`: one watch (sync, push, redeploy, finish) as events; `command.py` (`labkit watch`) prints them.
"""
