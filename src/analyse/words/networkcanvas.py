"""The Network Canvas importer's messages, in Danish and English.

Every refusal of a mapping file, every problem found in an export and every warning of an
import (:mod:`analyse.networkcanvas.importer`) is a template here, keyed by what it says;
:func:`nc_text` fills it in. The importer's command passes its ``--lang`` (Danish by default),
so a Danish user never meets an English sentence. Mapping keys (``[closeness].radii``,
``not_asked = true``), codes and column names are the file's own words and stay as written.

Templates use :meth:`str.format` fields; ``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

#: key -> (Danish, English).
NC_MESSAGES: dict[str, tuple[str, str]] = {
    # ----------------------------------------------------------------- the mapping file
    "mapping_missing": (
        "Mappingfilen {path} findes ikke; angiv dens sti med --mapping.",
        "The mapping file {path} does not exist; give its path with --mapping.",
    ),
    "mapping_is_folder": (
        "Mappingfilen {path} er en mappe; angiv stien til selve TOML-filen med --mapping.",
        "The mapping file {path} is a folder; give the path of the TOML file with --mapping.",
    ),
    "mapping_unreadable": (
        "Mappingfilen {path} kan ikke læses (ingen adgang, eller ikke en almindelig fil).",
        "The mapping file {path} cannot be read (no permission, or not a regular file).",
    ),
    "mapping_not_utf8": (
        "Mappingfilen {name} er ikke tekst i UTF-8; gem den som UTF-8-tekst (TOML).",
        "The mapping file {name} is not UTF-8 text; save it as UTF-8 text (TOML).",
    ),
    "mapping_toml": (
        "Mappingfilen {name} er ikke gyldig TOML (linje {line}, kolonne {column}); tjek "
        "citationstegn, = og [tabeller] der.",
        "The mapping file {name} is not valid TOML: {detail}.",
    ),
    "mapping_toml_nowhere": (
        "Mappingfilen {name} er ikke gyldig TOML; tjek citationstegn, = og [tabeller].",
        "The mapping file {name} is not valid TOML: {detail}.",
    ),
    "mapping_type": (
        "mapping skal være stien til en mappingfil, en dict eller en NetworkCanvasMapping; "
        "fik {type}.",
        "mapping must be a mapping file's path, a dict or a NetworkCanvasMapping; received {type}.",
    ),
    "not_a_table": (
        "{source}: mappingen skal være en TOML-tabel; fik {type}.",
        "{source}: the mapping must be a TOML table; received {type}.",
    ),
    "unknown_keys_top": (
        "{source}: ukendt(e) nøgle(r) {unknown}; nøglerne er {keys}.",
        "{source}: unknown key(s) {unknown}; the keys are {keys}.",
    ),
    "missing_keys": (
        "{source}: mangler nøgle(r) {missing}; se et eksempel i docs/networkcanvas.md.",
        "{source}: missing key(s) {missing}; see docs/networkcanvas.md for an example.",
    ),
    "node_type": (
        '{source}: node_type skal nævne nodetypen (fx "Person"); fik {value}.',
        '{source}: node_type must name the node type (e.g. "Person"); received {value}.',
    ),
    "alter_match": (
        "{source}: alter_match skal nævne den nodevariabel, der genkender den samme person på "
        'tværs af målinger (fx "name"); fik {value}.',
        "{source}: alter_match must name the node variable that recognises the same person "
        'across waves (e.g. "name"); received {value}.',
    ),
    "option_value": (
        "{where} skal være en svarmulighed fra eksporten (tekst eller tal) eller en liste af "
        "dem; fik {value}.",
        "{where} must be an option value of the export (text or number) or a list of them; "
        "received {value}.",
    ),
    "empty_option": (
        "{where} har en tom svarmulighed; fjern den.",
        "{where} holds an empty option value; remove it.",
    ),
    "values_table": (
        "{where} skal være en tabel med kontraktkode = svarmulighed i eksporten, fx "
        'values = {{ family = "Familie" }}; fik {value}.',
        "{where} must be a table of contract code = export option, e.g. "
        'values = {{ family = "Familie" }}; received {value}.',
    ),
    "not_a_code": (
        "{where}: {code} er ikke en kode for {name}; koderne er {codes}.",
        "{where}: {code} is not a code of {name}; the codes are {codes}.",
    ),
    "option_twice": (
        "{where}: svarmuligheden {option} står under både {first} og {second}; behold én.",
        "{where}: the export option {option} is given for both {first} and {second}; keep one.",
    ),
    "const_bool": (
        "{where} skal være true eller false; fik {value}.",
        "{where} must be true or false; received {value}.",
    ),
    "const_closeness": (
        "{where} skal være 1, 2 eller 3; fik {value}.",
        "{where} must be 1, 2 or 3; received {value}.",
    ),
    "const_text": (
        "{where} skal være en tekst, der ikke er tom; fik {value}.",
        "{where} must be a non-empty text; received {value}.",
    ),
    "const_one_of": (
        "{where} skal være en af {codes}; fik {value}.",
        "{where} must be one of {codes}; received {value}.",
    ),
    "needs_values_table": (
        '{src}: {name} = "{raw}" kræver sine værdier: skriv en [{name}]-tabel med '
        'variable = "{raw}" og values = {{ ... }}.',
        '{src}: {name} = "{raw}" needs its values: write a [{name}] table with '
        'variable = "{raw}" and values = {{ ... }}.',
    ),
    "empty_column_name": (
        "{src}: {name} skal nævne en kolonne; den er tom.",
        "{src}: {name} must name a column; it is empty.",
    ),
    "field_type": (
        "{src}: {name} skal være et kolonnenavn eller en tabel (variable/categorical/value); "
        "fik {value}.",
        "{src}: {name} must be a column name or a table (variable/categorical/value); "
        "received {value}.",
    ),
    "one_kind": (
        "{src}: [{name}] skal have præcis én af variable, categorical{layout} eller value"
        "{not_asked}; den har {kinds}.",
        "{src}: [{name}] must have exactly one of variable, categorical{layout} or value"
        "{not_asked}; it has {kinds}.",
    ),
    "or_not_asked": (" (eller not_asked = true)", " (or not_asked = true)"),
    "none": ("ingen", "none"),
    "and": (" og ", " and "),
    "unknown_keys": (
        "{src}: [{name}] har ukendt(e) nøgle(r) {unknown}; med {kind} er nøglerne {allowed}.",
        "{src}: [{name}] has unknown key(s) {unknown}; with {kind} the keys are {allowed}.",
    ),
    "layout_only_closeness": (
        "{src}: [{name}].layout er kun muligt for closeness.",
        "{src}: [{name}].layout is only possible for closeness.",
    ),
    "ego_column": (
        '{src}: {name} skal være en ego-kolonne eller {{ value = "..." }}.',
        '{src}: {name} must be an ego column or {{ value = "..." }}.',
    ),
    "source_name": (
        "{src}: [{name}].{kind} skal nævne en variabel i eksporten; fik {value}.",
        "{src}: [{name}].{kind} must name a variable of the export; received {value}.",
    ),
    "no_values": (
        "{src}: [{name}] tager ingen values; kolonnen indeholder selv koderne.",
        "{src}: [{name}] takes no values; the column holds the codes.",
    ),
    "needs_values": (
        '{src}: [{name}] kræver values = {{ kode = "svarmulighed", ... }}, der siger, hvilken '
        "svarmulighed i {source} der er hvilken af {codes}.",
        '{src}: [{name}] needs values = {{ code = "export option", ... }} saying which '
        "option of {source} is which of {codes}.",
    ),
    "not_askable": (
        "{src}: [{name}].not_asked er kun muligt for {askable}; {name} bruges af alle rapporter.",
        "{src}: [{name}].not_asked is only possible for {askable}; {name} is needed by every "
        "report.",
    ),
    "not_asked_true": (
        "{src}: [{name}].not_asked skal være true (eller udelades); fik {value}.",
        "{src}: [{name}].not_asked must be true (or leave it out); received {value}.",
    ),
    "not_asked_alone": (
        "{src}: [{name}] med not_asked = true tager ingen andre nøgler ({others}).",
        "{src}: [{name}] with not_asked = true takes no other key ({others}).",
    ),
    "radii_or_rings": (
        "{where}: angiv enten radii eller rings (og spacing), ikke begge.",
        "{where}: give either radii or rings (and spacing), not both.",
    ),
    "radii_list": (
        "{where}.radii skal være en liste med højst {max} tal, fx [0.2, 0.35, 0.5]; fik {value}.",
        "{where}.radii must be a list of at most {max} numbers, e.g. [0.2, 0.35, 0.5]; "
        "received {value}.",
    ),
    "radii_order": (
        "{where}.radii skal stige og ligge i (0; 0,5] (lærredets enheder; 0,5 er den yderste "
        "cirkel); fik {value}.",
        "{where}.radii must increase and lie in (0, 0.5] (canvas units; 0.5 is the outer "
        "circle); received {value}.",
    ),
    "rings_range": (
        "{where}rings skal være et helt tal fra 1 til {max} (et sociogram har få ringe); "
        "fik {value}.",
        "{where}rings must be a whole number from 1 to {max} (a sociogram has a few rings); "
        "received {value}.",
    ),
    "spacing": (
        "{where}spacing skal være 'equal', 'interviewer' eller 'fresco'; fik {value}.",
        "{where}spacing must be 'equal', 'interviewer' or 'fresco'; received {value}.",
    ),
    "ring_closeness": (
        "{where}.ring_closeness skal angive nærheden (1, 2 eller 3, aldrig faldende) for hver "
        "af de {n} ringe, indefra og ud; fik {value}.",
        "{where}.ring_closeness must list the closeness (1, 2 or 3, never decreasing) of each "
        "of the {n} rings, inner to outer; received {value}.",
    ),
    "ring_count": (
        "{where}: sociogrammet har {n} ringe, men kontrakten har 3 cirkler; tilføj "
        "ring_closeness = [...] med {n} tal, der siger, hvilken cirkel (1, 2, 3) hver ring er.",
        "{where}: the sociogram has {n} rings but the contract has 3 circles; add "
        "ring_closeness = [...] with {n} entries saying which circle (1, 2, 3) each ring is.",
    ),
    "aspect_ratio": (
        "{where}.aspect_ratio skal være et positivt tal (bredde / højde); fik {value}.",
        "{where}.aspect_ratio must be a positive number (width / height); received {value}.",
    ),
    "unplaced_option": (
        "{where}.unplaced skal være 'error' eller 'outer'; fik {value}.",
        "{where}.unplaced must be 'error' or 'outer'; received {value}.",
    ),
    # ----------------------------------------------------------------- the export's files
    "export_missing": (
        "Eksporten blev ikke fundet: angiv den mappe (eller .zip), som Network Canvas "
        "eksporterede.",
        "The export was not found: give the folder (or .zip) Network Canvas exported.",
    ),
    "file_too_large": (
        "Filen fylder {mb} MB; en eksportfil må højst fylde {limit} MB. Dette er ikke en "
        "eksport fra Network Canvas.",
        "The file is {mb} MB; an export file may be at most {limit} MB. This is not a Network "
        "Canvas export.",
    ),
    "zip_part": (
        "Delen {value} ville fylde {mb} MB pakket ud (højst {limit} MB og højst {ratio} gange "
        "sin pakkede størrelse): zip-filen afvises.",
        "The part {value} would unpack to {mb} MB (at most {limit} MB, and at most {ratio} "
        "times its packed size): the zip is refused.",
    ),
    "zip_total": (
        "Zip-filen ville fylde {mb} MB CSV- og GraphML-filer pakket ud (højst {limit} MB): "
        "den afvises.",
        "The zip would unpack to {mb} MB of CSV and GraphML files (at most {limit} MB): the "
        "zip is refused.",
    ),
    "nul_byte": ("et NUL-tegn", "a NUL character"),
    "not_utf8": ("bytes, der ikke er UTF-8", "bytes that are not UTF-8"),
    "bad_encoding": (
        "Linje {line} indeholder {what}: filen er beskadiget eller gemt i en anden tegnkodning "
        "({n} linje(r)). Eksportér den igen fra Network Canvas.",
        "Line {line} holds {what}: the file is damaged or was saved in another encoding "
        "({n} line(s)). Export it again from Network Canvas.",
    ),
    "empty_file": (
        "Filen er tom (ikke engang en overskriftslinje).",
        "The file is empty (not even a header).",
    ),
    "unreadable_csv": (
        "Ikke en læsbar CSV-fil; eksportér den igen fra Network Canvas.",
        "Not a readable CSV file: {detail}",
    ),
    "unreadable_graphml": (
        "Ikke en læsbar GraphML-fil; eksportér den igen fra Network Canvas.",
        "Not a readable GraphML file: {detail}.",
    ),
    "graph_n": ("{file} (graf {n})", "{file} (graph {n})"),
    "no_export_files": (
        "Ingen <case>_<session>_ego.csv-fil og ingen .graphml-fil: dette ligner ikke en eksport "
        "fra Network Canvas (eksportér som CSV med 'Ego attribute list' markeret, eller som "
        "GraphML).",
        "No <case>_<session>_ego.csv file and no .graphml file: this does not look like a "
        "Network Canvas export (export as CSV with 'Ego attribute list' ticked, or as GraphML).",
    ),
    "graphml_ignored": (
        "{n} GraphML-fil(er) ignoreret: CSV-filerne blev læst.",
        "{n} GraphML file(s) ignored: the CSV files were read.",
    ),
    "orphan_attribute_list": (
        "En attributliste uden sin ego-fil (<case>_<session>_ego.csv); eksportér igen med "
        "ego-attributlisten, eller fjern filen.",
        "An attribute list without its ego file (<case>_<session>_ego.csv); export again with "
        "the ego attribute list, or remove the file.",
    ),
    "no_node_type": (
        "Ingen attributliste for nodetypen {node_type}; eksporten har {types}. Sæt node_type i "
        "mappingen til den type, der rummer personerne i netværket.",
        "No attribute list of node type {node_type}; the export has {types}. Set node_type in "
        "the mapping to the one that holds the alters.",
    ),
    "ego_no_uuid": (
        "Ego-filen har ingen kolonne {column}.",
        "The ego file has no {column} column.",
    ),
    "ego_empty": (
        "Ego-filen har ingen række med et interview.",
        "The ego file has no session row.",
    ),
    "untyped_attribute_list": (
        "En attributliste uden nodetype i navnet har rækker; eksportér igen.",
        "An attribute list without a node type in its name holds rows; export again.",
    ),
    "nodes_no_uuid": (
        "Attributlisten har ingen kolonne {column}.",
        "The attribute list has no {column} column.",
    ),
    # ----------------------------------------------------------------- values
    "did_you_mean": (" Mente du {hit}?", " Did you mean {hit}?"),
    "did_you_mean_option": (
        " Mente du mappingens {hit} (under {code})? Skriv svarmuligheden, som eksporten staver "
        "den: {code} = {value}.",
        " Did you mean the mapping's {hit} (under {code})? Write the option as the export "
        "spells it: {code} = {value}.",
    ),
    "missing_column": (
        "Mappingen læser {name} fra {column}, men filen har ingen sådan kolonne; tjek "
        "stavemåden (der skelnes mellem store og små bogstaver).{hint}",
        "The mapping reads {name} from {column}, but the file has no such column; check the "
        "spelling (columns are case-sensitive).{hint}",
    ),
    "unmapped_option": (
        "Svarmuligheden {value} i {column} står ikke i mappingens [{name}] values; tilføj den "
        "under den kode, den betyder ({codes}).{hint}",
        "The option {value} of {column} is not in the mapping's [{name}] values; add it under "
        "the code it means ({codes}).{hint}",
    ),
    "not_a_wave": (
        "{value} er ikke en måling ({codes} eller før/efter/opfølgning); tilføj "
        'values = {{ pre = "...", post = "..." }} til wave.',
        "{value} is not a wave ({codes}, or før/efter/opfølgning); add "
        'values = {{ pre = "...", post = "..." }} to wave.',
    ),
    "not_bool": (
        "{column} skal være true eller false for {name}; tilføj "
        'values = {{ true = "...", false = "..." }}, hvis kolonnen har andre ord.',
        "{column} must be true or false for {name}; add "
        'values = {{ true = "...", false = "..." }} if it holds other words.',
    ),
    "hint_empty_bool": (
        " Hvis en tom celle betyder 'nej' i jeres protokol (en highlight-prompt), så tilføj "
        "empty = false til [{name}].",
        " If an empty cell means 'no' in your protocol (a highlight prompt), add empty = false "
        "to [{name}].",
    ),
    "hint_empty": (
        ' Hvis den har én betydning, så tilføj empty = "<kode>" til [{name}].',
        ' If it has one meaning, add empty = "<code>" to [{name}].',
    ),
    "required_empty": (
        "{name} skal udfyldes, men cellen er tom (intet svar).{hint}",
        "{name} is required but the cell is empty (no answer).{hint}",
    ),
    "missing_categorical": (
        "Mappingen læser {name} fra den kategoriske variabel {source}, men filen har ingen "
        "{prefix}<svarmulighed>-kolonner.{hint}",
        "The mapping reads {name} from the categorical variable {source}, but the file has no "
        "{prefix}<option> columns.{hint}",
    ),
    "option_unused": (
        "{name}: svarmuligheden {option} i {source} er ikke mappet (ingen person i netværket "
        "har den).",
        "{name}: option {option} of {source} is not mapped (no alter has it).",
    ),
    "several_options": (
        "Mere end én svarmulighed i {source} er valgt; {name} tager én.",
        "More than one option of {source} is chosen; {name} takes one.",
    ),
    "missing_layout": (
        "Mappingen læser closeness fra layoutet {source}, men filen har ingen kolonne "
        "{missing}.{hint}",
        "The mapping reads closeness from the layout {source}, but the file has no {missing} "
        "column.{hint}",
    ),
    "bad_layout": (
        "En layoutkoordinat skal være et tal mellem 0 og 1 (en brøkdel af lærredet); eksportér "
        "igen med 'Use screen layout coordinates' slået fra.",
        "A layout coordinate must be a number between 0 and 1 (a fraction of the canvas); "
        "export again with 'Use screen layout coordinates' switched off.",
    ),
    "outside_circle": (
        "{where}: {n} person(er) i netværket placeret uden for den yderste cirkel; talt med i "
        "den yderste ring.",
        "{where}: {n} alter(s) placed outside the outer circle; counted in the outer ring.",
    ),
    "unplaced_outer": (
        "{where}: {n} person(er) i netværket ikke placeret på sociogrammet; talt med i den "
        "yderste cirkel.",
        "{where}: {n} alter(s) not placed on the sociogram; counted in the outer circle.",
    ),
    "unplaced": (
        "Personen i netværket er ikke placeret på sociogrammet, så cirklen er ukendt. Placér "
        'personen i interviewet, eller tilføj unplaced = "outer" til [closeness].',
        "The alter was not placed on the sociogram, so its circle is unknown. Place it in the "
        'interview, or add unplaced = "outer" to [closeness].',
    ),
    "not_asked_answered": (
        "Mappingen siger, at {name} ikke blev spurgt (not_asked = true), men eksporten har svar "
        "i kolonnen {column} ({n} række(r)); de ville gå tabt. Læs dem med [{name}] "
        'variable = "{raw}", eller fjern kolonnen.',
        "The mapping says {name} was not asked (not_asked = true), but the export answers it "
        "in column {column} ({n} row(s)); they would be lost. Read them with [{name}] "
        'variable = "{raw}", or remove the column.',
    ),
    # ----------------------------------------------------------------- sessions and alters
    "the_ego_file": ("ego-filen", "the ego file"),
    "sessions_of_one_file": (
        "{n} interviews i én ego-fil",
        "{n} sessions of one ego file",
    ),
    "resident_cpr": (
        "Borger-id'et ligner et CPR-nummer; brug et pseudonym.",
        "The resident id looks like a CPR number; use a pseudonym.",
    ),
    "resident_not_pseudonym": (
        "Borger-id'et skal være et pseudonym (bogstaver, cifre, '_', '.', '-', mindst ét "
        "ciffer, fx B017), aldrig et navn.",
        "The resident id must be a pseudonym (letters, digits, '_', '.', '-', at least one "
        "digit, e.g. B017), never a name.",
    ),
    "no_match_column": (
        "alter_match læser {column}, men filen har ingen sådan kolonne.{hint}",
        "alter_match reads {column}, but the file has no such column.{hint}",
    ),
    "no_match_value": (
        "Personen i netværket har ingen {column}, så den kan ikke genkendes i en anden måling.",
        "The alter has no {column}, so it cannot be recognised in another wave.",
    ),
    "orphan_alter": (
        "Denne person i netværket hører ikke til noget interview i {ego}.",
        "This alter belongs to no session in {ego}.",
    ),
    "no_node_list": (
        "{who}: ingen attributliste for nodetypen {node_type}; registreret som 0 personer i "
        "netværket.",
        "{who}: no attribute list of node type {node_type}; recorded as 0 alters.",
    ),
    "file_row": ("{file} række {row}", "{file} row {row}"),
    "duplicate_session": (
        "Borger {rid} har {n} interviews i målingen {wave} ({where}); behold ét, eller læs "
        "målingen fra en ego-variabel.",
        "Resident {rid} has {n} interviews in wave {wave} ({where}); keep one, or map the "
        "wave from an ego variable.",
    ),
    "same_session": (
        "Det samme interview står to gange i eksporten.",
        "The same session is in the export twice.",
    ),
    "duplicate_alter": (
        "To personer i netværket i dette interview har samme {column}; skeln mellem dem (fx "
        "'Anne H' og 'Anne K'), og brug samme stavemåde i alle målinger.",
        "Two alters in this interview have the same {column}; tell them apart (e.g. 'Anne H' "
        "and 'Anne K') and use the same spelling in every wave.",
    ),
    "collision": (
        "To personer i netværket fik samme pseudonym; brug en anden nøgle.",
        "Two alters got the same pseudonym; use another key.",
    ),
    # ----------------------------------------------------------------- the import report
    "not_asked_warning": (
        "{name} blev ikke spurgt (not_asked = true i mappingen): kolonnen er tom i "
        "relations.csv, og rapporterne siger, at der ikke blev spurgt, i stedet for at vise en "
        "figur.",
        "{name} was not asked (not_asked = true in the mapping): it is empty in relations.csv, "
        "and the reports say it was not asked instead of showing a figure.",
    ),
    "node_count": ("{type} ({n} node(r))", "{type} ({n} node(s))"),
    "other_node_types": (
        "Nodetype(r), der ikke er læst: {listed}. Kun node_type {node_type} rummer personerne i "
        "netværket; sæt node_type i mappingen, hvis en anden type rummer dem.",
        "Node type(s) not read: {listed}. Only node_type {node_type} holds the alters; set "
        "node_type in the mapping if another type holds them.",
    ),
}


def nc_text(key: str, lang: str = "da", **fields: object) -> str:
    """The message ``key`` of :data:`NC_MESSAGES` in ``lang`` (``da`` or ``en``), filled in.

    >>> nc_text("empty_option", "da", where="m.toml: [contact].values.daily")
    'm.toml: [contact].values.daily har en tom svarmulighed; fjern den.'
    >>> nc_text("empty_option", "en", where="w")
    'w holds an empty option value; remove it.'
    """
    da, en = NC_MESSAGES[key]
    return (da if lang == "da" else en).format(**fields)
