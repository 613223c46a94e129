"""python -m viz"""

from viz.cli import main

main(prog_name="viz")
