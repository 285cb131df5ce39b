from . import ekonsultasi_recap_wizard
