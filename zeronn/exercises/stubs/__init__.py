"""The stubs ``zeronn exercise NAME`` writes: one module per exercise, each valid Python.

Each holds its exercise's class with the constructor written and ``forward``/``backward``
raising ``NotImplementedError`` (``zeronn check`` reports that as "not done yet"), and the
formulas and shapes in its docstring, as zeronn's own layer files have them. They are data:
``zeronn exercise`` copies a stub's text into the learner's file; nothing imports them, except
the test that proves each one imports and fails gracefully.
"""
