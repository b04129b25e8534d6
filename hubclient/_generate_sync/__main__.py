"""`python -m hubclient._generate_sync [--check]`."""

from hubclient._generate_sync._run import main

raise SystemExit(main())
