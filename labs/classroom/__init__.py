"""`labkit class`: a teacher's view of one shared account, driven by a roster of owner ids.

- `roster`: the roster file (one owner per line, or a CSV with an owner column), every bad line named;
- `sessions`: one boto3 session shared by bounded worker threads, clients made under a lock;
- `inventory`: every kit lab stack in the account, by owner;
- `status`: each stack's expiry and cost (so far, projected to expiry), the class totals;
- `grading`: each learner's lab check graded pass / fail / not deployed; `reports/` writes the grid;
- `destroy`: the roster's lab stacks deleted, waited for, then a leftover scan per learner;
- `preflight`: the class's quotas (one learner's need times the roster's size), region, bootstrap;
- `render` builds the tables and `command` (the only terminal part) runs `labkit class ...`.
"""
