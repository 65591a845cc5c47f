from coercionwatch.cli.app import main

main()
