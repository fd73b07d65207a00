"""The input stage: everything that reads and checks what a user wrote.

- :mod:`modeller.inputs.yamlsource`: YAML with the file and line of every value.
- :mod:`modeller.inputs.schema`: the typed assumption set (pydantic), built from
  :mod:`modeller.inputs.quantities` (bounded text, numbers and quantities).
- :mod:`modeller.inputs.checks`: cross-field rules and warnings.
- :mod:`modeller.inputs.loader`: ``extends`` merge, validation, hashing (``load``).
- :mod:`modeller.inputs.named_files`: which files a set may name, read without leaking.
- :mod:`modeller.inputs.limits`, :mod:`modeller.inputs.characters`: every limit on what
  is read or asked for, and the characters text may hold.
- :mod:`modeller.inputs.evidence`: the evidence library and conversions of cited figures.
- :mod:`modeller.inputs.bundled`: where the bundled sets and templates live.

Nothing here imports the model, the analyses or any renderer.
"""
