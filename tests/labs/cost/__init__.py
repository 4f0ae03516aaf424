"""Tests of `labkit cost`: the calculator on hand-made templates, the labs against hand-computed figures."""
