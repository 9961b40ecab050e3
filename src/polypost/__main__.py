from polypost.cli import main

main()
