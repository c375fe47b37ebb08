"""The GS1 EPCIS 2.0 export of the ledger: every event as EPCIS JSON-LD,
through the standard's REST query interface (`/epcis/events`)."""
