from svcstats.cli import main

main()
