"""What every lab check is made of, and `labkit check` itself.

- `report`: the items of a check (pass / fail with a hint / not verifiable here) and the verdict;
- `stack_items`: the stack and expiry items that open every lab's report;
- `waiting`: a poller with a time limit and a progress line, for results that take time on AWS;
- `rows`: reading a CSV row back from the lab bucket;
- `render`: a report as styled lines; `command`: the `labkit check` command (the only terminal part).

Each lab's own check sits beside its stack (labs/<lab>/check.py); labs/registry.py finds them. The
function labs' two shared steps live with the function they check (labs/function_labs/steps.py).
"""
