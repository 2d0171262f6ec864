"""`python -m build_tools <command>`: argparse wiring (cli.py) and commands without a stage of their own."""
