"""Exchange formats: GA4GH VRS ids, VA-Spec statements and an HL7 FHIR Genomics report.

``vrs`` is imported on every run (ids are cheap and go into every report); ``va_spec`` and
``fhir`` only when their formats are asked for.
"""
