from . import ekonsultasi_recap_xlsx
from . import ekonsultasi_recap_report
from . import ekonsultasi_round_analysis
from . import ekonsultasi_lembar_report
from . import ekonsultasi_recap_report_pustaka
from . import ekonsultasi_recap_xlsx_pustaka
