from legitka.cli import main

main()
