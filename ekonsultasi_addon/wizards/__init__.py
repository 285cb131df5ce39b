from . import ekonsultasi_recap_wizard
from . import ekonsultasi_region_import
from . import ekonsultasi_setup_wizard
from . import ekonsultasi_recap_wizard_skm
