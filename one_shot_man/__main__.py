"""`python -m one_shot_man` runs the `osm` command line."""

from one_shot_man.cli import main

raise SystemExit(main())
