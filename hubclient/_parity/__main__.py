"""`python -m hubclient._parity [--check]`."""

from hubclient._parity._run import main

raise SystemExit(main())
