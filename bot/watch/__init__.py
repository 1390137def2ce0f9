"""Tender watch: businesses subscribe to tenders by keyword and hear once about each change.

``changes`` compares tender rows with the stored snapshot, ``notices`` words a
change for one subscriber, ``scan`` runs both against the desk, ``replies``
answers ``/abonner``, ``/abonnementer`` and ``/afmeld``, and ``reload`` lets a
running bot notice a changed knowledge pack. Modules are imported by name;
this package imports nothing so that the desk may use ``changes`` freely.
"""
