"""Knowledge that moves: import a CIViC release as a reviewable proposal, diff two catalogues,
re-decide archived results with another catalogue (issue 27).

- :mod:`alkannot.knowledge.civic_import`: a CIViC release -> proposal -> (``--apply``) a new
  catalogue version with its change log;
- :mod:`alkannot.knowledge.diff`: entries, evidence and per-drug calls added, removed, changed;
- :mod:`alkannot.knowledge.reannotate`: stored results re-decided (:func:`alkannot.redecide.redecide`)
  and what changed per sample and in the cohort.
"""
