# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..lib import simpeg_mapping

# The attributes of lib.simpeg_mapping.SimpegMapping an administrator may
# point at another LDAP attribute (the code tables keep their defaults).
MAPPING_KEYS = [
    ("login", "Login (NIP, NIK or directory identifier)"),
    ("name", "Name"),
    ("fallback_name", "Name, when the first is empty"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("mobile", "Mobile"),
    ("nip", "NIP"),
    ("nik", "NIK"),
    ("status_asn", "ASN status (PNS/PPPK)"),
    ("jabatan_name", "Position (jabatan)"),
    ("jenis_jabatan", "Kind of position (jenisJabatanId)"),
    ("eselon", "Eselon (eselonId)"),
    ("jenjang", "Functional grade (jenjang)"),
    ("unit_kerja", "Unit kerja code (perangkat daerah)"),
    ("nagari", "Nagari/desa code"),
    ("kedudukan_hukum", "Kedudukan hukum (active when 01)"),
]


def default_mapping_lines():
    """(key, attribute) of the documented default mapping of the library."""
    default = simpeg_mapping.DEFAULT_MAPPING
    return [(key, getattr(default, key)) for key, _label in MAPPING_KEYS]


class EkonsultasiSimpegMappingLine(models.Model):
    """One profile field of a konsulti and the directory attribute it is read
    from, on a SIMPEG LDAP server."""

    _name = "ekonsultasi.simpeg.mapping.line"
    _description = "SIMPEG attribute mapping"
    _order = "ldap_id, sequence, id"

    sequence = fields.Integer(default=10, help="Order of the line in the mapping.")
    ldap_id = fields.Many2one(
        comodel_name="res.company.ldap",
        string="LDAP server",
        required=True,
        index=True,
        ondelete="cascade",
        help="The SIMPEG directory (LDAP server) this mapping belongs to.",
    )
    company_id = fields.Many2one(
        related="ldap_id.company",
        store=True,
        string="Company",
        help="The pemda of the LDAP server.",
    )
    key = fields.Selection(
        selection=MAPPING_KEYS,
        string="Profile field",
        required=True,
        help="The field of the user's profile filled from the directory attribute.",
    )
    attribute = fields.Char(
        string="LDAP attribute",
        help="Name of the directory attribute (case does not matter). Empty: the "
        "field is not read from the directory.",
    )

    _sql_constraints = [
        (
            "key_ldap_uniq",
            "unique(ldap_id, key)",
            "Each profile field can be mapped only once per LDAP server.",
        ),
    ]
