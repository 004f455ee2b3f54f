"""Exchange formats: GA4GH VRS ids, VA-Spec statements and an HL7 FHIR Genomics report.

``vrs`` is imported on every run (ids are cheap and go into every report); ``va_spec`` and
``fhir`` only when their formats are asked for. None needs a third-party library at run time;
the GA4GH and HL7 models check their output in the tests (``pip install 'alkannot[exchange]'``
to check it yourself).
"""
