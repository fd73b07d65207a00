"""iapt-ltc-modeller: the IAPT-LTC cost-offset model and business-case reports.

Importing the package is cheap: heavy libraries (numpy, pandas, matplotlib,
weasyprint) are imported by the modules and commands that need them.
"""

__version__ = "0.1.0"
