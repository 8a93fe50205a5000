from commander.cli import main

raise SystemExit(main())
