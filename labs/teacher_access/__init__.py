"""The teacher-access stack (`LabkitTeacherAccess`): not a lab (no `lab.py`, so neither the registry nor
`labkit --help` lists it), but the role a teacher's class tools assume in each learner's account.

- `facts`: its settings and the rights of its role, CDK-free (the class tools and the tests read them);
- `stack`: the stack itself, built by app.py when its context is given.
"""
