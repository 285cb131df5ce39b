# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib import nip as nip_lib

# who reads NIP and NIK of every person (UU 27/2022 on personal data)
PERSONAL_DATA_GROUPS = "ekonsultasi_addon.group_ekonsultasi_admin,base.group_system"
# contact data of a konsulti, shown only to those who need it
KONSULTI_CONTACT_FIELDS = frozenset({"email", "email_formatted", "phone", "mobile", "vat"})

KONSULTI_ORIGINS = [
    ("perangkat_daerah", "Perangkat daerah (ASN)"),
    ("desa", "Village government (wali nagari/perangkat nagari)"),
]
JENIS_JABATAN = [
    ("jpt", "Pimpinan tinggi (JPT)"),
    ("administrator", "Administrator"),
    ("pengawas", "Pengawas"),
    ("fungsional", "Fungsional"),
    ("pelaksana", "Pelaksana"),
]
JENJANG_FUNGSIONAL = [
    ("ahli_pertama", "Ahli pertama"),
    ("ahli_muda", "Ahli muda"),
    ("ahli_madya", "Ahli madya"),
    ("ahli_utama", "Ahli utama"),
    ("pemula", "Pemula"),
    ("terampil", "Terampil"),
    ("mahir", "Mahir"),
    ("penyelia", "Penyelia"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    konsulti_origin = fields.Selection(
        selection=KONSULTI_ORIGINS,
        string="Konsulti from",
        help="Where this person works: an agency of the pemda (ASN) or a "
        "village government (Pasal 1 angka 13).",
    )
    asn_type = fields.Selection(
        selection=[("pns", "PNS"), ("pppk", "PPPK")],
        string="ASN status",
        help="Civil servant (PNS) or government employee with a work agreement "
        "(PPPK); from the SIMPEG directory.",
    )
    nip = fields.Char(
        string="NIP",
        index=True,
        copy=False,
        groups=PERSONAL_DATA_GROUPS,
        help="18-digit Nomor Induk Pegawai (or NI PPPK) of an ASN. Personal data "
        "(UU 27/2022): read by administrators; a consultation shows its konsulti's "
        "NIP to those who may read it.",
    )
    nik = fields.Char(
        string="NIK",
        copy=False,
        groups=PERSONAL_DATA_GROUPS,
        help="16-digit Nomor Induk Kependudukan, for village officials who have no NIP. "
        "Personal data (UU 27/2022): read by administrators; a consultation shows "
        "its konsulti's NIK to those who may read it.",
    )
    jabatan_name = fields.Char(
        string="Position (jabatan)",
        help="The person's position, as in the SIMPEG directory or entered by hand.",
    )
    jenis_jabatan = fields.Selection(
        selection=JENIS_JABATAN,
        string="Kind of position",
        help="Kind of position under UU 20/2023. Old eselon III is administrator.",
    )
    jenjang_fungsional = fields.Selection(
        selection=JENJANG_FUNGSIONAL,
        string="Functional grade",
        help="Grade of a functional position (jabatan fungsional), from the SIMPEG directory.",
    )
    perangkat_daerah_id = fields.Many2one(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Perangkat daerah",
        index=True,
        help="The agency this ASN works for.",
    )
    desa_id = fields.Many2one(
        comodel_name="ekonsultasi.desa",
        string="Village",
        index=True,
        help="The village whose government this person belongs to.",
    )
    is_konsultan_candidate = fields.Boolean(
        string="May be konsultan",
        compute="_compute_is_konsultan_candidate",
        store=True,
        help="Pasal 8 ayat (2): only pejabat administrator and pejabat "
        "fungsional ahli madya may be given a konsultan account.",
    )

    _sql_constraints = [
        ("nip_uniq", "unique(nip)", "Another person already has this NIP."),
    ]

    @api.depends("jenis_jabatan", "jenjang_fungsional")
    def _compute_is_konsultan_candidate(self):
        for partner in self:
            partner.is_konsultan_candidate = partner.jenis_jabatan == "administrator" or (
                partner.jenis_jabatan == "fungsional" and partner.jenjang_fungsional == "ahli_madya"
            )

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if self.env.su or not KONSULTI_CONTACT_FIELDS.intersection(fnames):
            return result
        hidden = self._ekonsultasi_hidden_contacts()
        if hidden:
            masked = KONSULTI_CONTACT_FIELDS.intersection(fnames)
            for values in result:
                if values.get("id") in hidden:
                    values.update(dict.fromkeys(masked, False))
        return result

    def export_data(self, fields_to_export):
        wanted = {path.split("/")[0] for path in fields_to_export}
        if (
            not self.env.su
            and KONSULTI_CONTACT_FIELDS.intersection(wanted)
            and self._ekonsultasi_hidden_contacts()
        ):
            raise AccessError(
                self.env._(
                    "The e-mail and phone of konsulti are personal data: you may only "
                    "export those of konsulti whose consultations you may read."
                )
            )
        return super().export_data(fields_to_export)

    def _ekonsultasi_hidden_contacts(self):
        """Ids of the konsulti among ``self`` whose contact data (e-mail,
        phone) the current user may not read: personal data under UU 27/2022,
        read by administrators, by the konsulti himself, and by those who may
        read one of his consultations."""
        user = self.env.user
        if user._is_superuser() or any(
            user.has_group(group) for group in PERSONAL_DATA_GROUPS.split(",")
        ):
            return set()
        konsulti = self.env.ref("ekonsultasi_addon.group_ekonsultasi_konsulti")
        # sudo: only to know which of these partners are konsulti
        partners = (
            self.sudo()
            .with_context(active_test=False)
            .filtered(lambda p: konsulti in p.user_ids.groups_id)
            - user.partner_id
        )
        if not partners:
            return set()
        Ticket = self.env["helpdesk.ticket"].with_context(active_test=False)
        readable = set()
        if Ticket.has_access("read"):
            readable = {
                partner.id
                for partner in Ticket.search([("partner_id", "in", partners.ids)]).partner_id
            }
        return set(partners.ids) - readable

    @api.constrains("nip", "asn_type")
    def _check_nip(self):
        for partner in self.filtered("nip"):
            kind = nip_lib.NIP_PPPK if partner.asn_type == "pppk" else nip_lib.NIP_PNS
            partner._raise_invalid_number("nip", nip_lib.check_nip(partner.nip, kind))

    @api.constrains("nik")
    def _check_nik(self):
        for partner in self.filtered("nik"):
            partner._raise_invalid_number("nik", nip_lib.check_nik(partner.nik))

    def _raise_invalid_number(self, field_name, error):
        if not error:
            return
        raise ValidationError(
            self.env._(
                "The %(label)s %(number)s of %(name)s is not valid: %(reason)s",
                label=self._fields[field_name].get_description(self.env)["string"],
                number=self[field_name],
                name=self.name,
                reason=self._nip_messages()[error],
            )
        )

    @api.constrains("jenis_jabatan", "jenjang_fungsional")
    def _check_konsultan_still_eligible(self):
        users = self.with_context(active_test=False).user_ids
        users._check_konsultan_eligibility()

    def _nip_messages(self):
        # The same sentences as lib.nip.MESSAGES, here so that they are
        # exported for translation.
        _ = self.env._
        return {
            "nip_length": _("A NIP has exactly 18 digits."),
            "nip_digits": _("A NIP contains digits only."),
            "nip_birth_date": _("Digits 1-8 of a NIP must be a valid birth date (YYYYMMDD)."),
            "nip_appointment": _(
                "Digits 9-14 of a NIP must be the year and month of appointment "
                "(YYYYMM), after the birth date."
            ),
            "nip_appointment_year": _(
                "Digits 9-12 of an NI PPPK must be the year of appointment, after the birth date."
            ),
            "nip_sex": _("Digit 15 of a NIP must be 1 (male) or 2 (female)."),
            "nik_length": _("A NIK has exactly 16 digits."),
            "nik_digits": _("A NIK contains digits only."),
            "nik_birth_date": _("Digits 7-12 of a NIK must be a valid birth date (DDMMYY)."),
        }
