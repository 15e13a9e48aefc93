"""Imported by the batch's forkserver: warms the process every report is forked from."""

from analyse.run.engine import register, warm_up

warm_up()
register()
