"""Icons, example CSVs and preset sessions, shipped inside the wheel."""
