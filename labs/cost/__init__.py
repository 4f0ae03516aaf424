"""Cost per lab-hour: price the synthesized labs from a small dated price table.

`prices` (the dated table), `resources` (what a template holds), `calculator` (its cost per hour),
`baseline` (the same labs on CDK's defaults), `goals` (the kit's cost goals), `synth`, `running` (what runs
in an account now, priced by the same rules, for `labkit class`), and `command` (`labkit cost`, the only
part that prints).
"""
