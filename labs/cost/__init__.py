"""Cost per lab-hour: price the synthesized labs from a dated price table, by the catalogue's entries.

`prices` (the dated table, a rule for every instance type), `items` (line items, running resources),
`template_values` and `resources` (what a template holds), `calculator` (its cost per hour, each resource by
its type's entry in labs/catalogue/), `goals` (the kit's cost goals), `synth` (in-process, or read from a
cloud assembly), `running` (what runs in an account now, in every enabled region, by the catalogue's running
scans, for `labkit class`), and `command` (`labkit cost`, the only part that prints).
"""
