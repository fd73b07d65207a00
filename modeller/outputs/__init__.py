"""The output stage: renderers of plain results, and safe file writing.

- :mod:`modeller.outputs.text`: terminal tables, JSON and CSV of a run and comparisons.
- :mod:`modeller.outputs.analysis_text`: terminal tables and CSV of the analyses.
- :mod:`modeller.outputs.files`: atomic writes and output-folder names.
- :mod:`modeller.outputs.reports`: the PDF reports (context, charts, templates, WeasyPrint).

Renderers never compute money: they read the results dicts.
"""
