"""The Akoma Ntoso 3.0 view of a notice (the verb is :func:`regnotice.akn.to_akn`).

- ``build``: the document (meta, preface, preamble, body, conclusions), eIds by the AKN
  naming convention;
- ``marks``: the rules' spans as inline marks, nested where XML allows, the rest reported;
- ``kinds.yaml``: the AKN subtype of each kind of document a title names.

lxml is imported only when a document is built: it is the ``akn`` extra.
"""
