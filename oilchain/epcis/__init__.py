"""The EPCIS 2.0 export of the ledger (a blueprint of its own):

  identifiers  the URIs it mints, its context, times and quantities
  facts        what the mapping reads beyond an event's row, loaded in batches
  mapping      one table, one entry per ledger kind: the EPCIS event it becomes
  query        the SimpleEventQuery (REST binding): parameters, narrowing, paging
  views        authentication and answers
"""
