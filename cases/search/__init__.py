"""Finding a family (CAS-6): one search box, every way in through blind indexes.

``terms`` says which digests a person is found by and which a query looks for;
``models`` keeps each person's digests beyond the whole-value columns (the
beginnings of a surname, its sound, a child's first name with the date of
birth); ``indexing`` keeps them in step with every save of a parent or child;
``selectors`` runs the search for the case list and the helpline's finder.
"""
