from . import main
from . import portal
from . import lembar
from . import manual
from . import skm
from . import pustaka
