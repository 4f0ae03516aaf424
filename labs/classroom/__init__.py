"""`labkit class`: a teacher's view of a class, driven by a roster of owner ids, in one shared account or
with each learner in an account of their own.

- `roster`: the roster file (one owner per line, or a CSV with an owner column; optionally the learner's
  account, role, region and spend cap), every bad line named;
- `sessions`: one boto3 session shared by bounded worker threads, clients made under a lock;
- `accounts`: each learner reached where they work (sts:AssumeRole into the teacher-access stack's role, with
  the class's external id and the teacher as source identity, verified and refreshed), or named as not;
- `spend`: each learner's running resources (labs/cost/running.py, every enabled region) priced, against
  their cap; what cannot be priced counts as over unless exempted;
- `guard`: learners over their cap and overdue stacks, their lab stacks destroyed on demand and the removal
  verified; `guard_report` says what it found, saw, could not verify, and its verdict;
- `rehearsal`: learner accounts with the teacher-access stack on the emulator (`labkit class
  learner-account`, tests, benchmarks);
- `billing`: what still bills after a destroy that no lab stack made, with the command that stops it;
- `arguments`: the subcommands' options;
- `inventory`: every kit lab stack in the account, by owner;
- `status`: each stack's expiry and cost (so far, projected to expiry), the class totals;
- `grading`: each learner's lab check graded pass / fail / not deployed; `reports/` writes the grid
  (Markdown, CSV, JUnit XML, HTML, Gradescope's results.json per learner);
- `destroy`: the roster's lab stacks deleted, waited for, then a leftover scan per learner;
- `preflight`: the class's quotas (one learner's need times the roster's size), region, bootstrap;
- `render` builds the tables and `command` (the only terminal part) runs `labkit class ...`.
"""
