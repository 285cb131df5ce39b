from . import main
from . import portal
from . import lembar
from . import pustaka
