"""Long documents made in the background: whole-lot label sheets, serial
CSVs and year reports are asked for on a page, made by a worker process
(huey, on the app's own database) and downloaded from the job's page."""
