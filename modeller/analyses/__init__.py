"""The analysis stage: the model run many times over changed inputs.

- :mod:`modeller.analyses.parameters`: the parameters an analysis may vary, by key path.
- :mod:`modeller.analyses.sensitivity`: one-way sensitivity and break-even thresholds.
- :mod:`modeller.analyses.psa`: probabilistic sensitivity analysis (vectorised draws).
- :mod:`modeller.analyses.grid`: every combination of varied parameters.

Each returns plain data; formatting lives in :mod:`modeller.outputs`.
"""
