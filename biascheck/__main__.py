"""python -m biascheck"""

from .cli import app

app(prog_name="biascheck")
