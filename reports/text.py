"""Every sentence and label of the reports, in French and English: one key per phrase.

Used by the HTML pages, the workbooks, their charts, and the words of `ppi explain` and of the diagnosis
(reports/words.py). A `{placeholder}` is filled with `str.format`; both languages have the same keys and the
same placeholders (tests/reports/test_text.py), and every key is used somewhere in reports/. The HTML pages
apply French typography to their own phrases (a no-break space before ":" and a narrow one before ";",
reports/html_base.py); the other readers take the phrases as written here.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        # The HTML pages (reports/html_plan.py, reports/html_compare.py, reports/charts.py); several are shared with
        # the workbooks.
        "title_plan": "Rapport de plan PPI",
        "title_cmp": "Comparaison de variantes PPI",
        "horizon": "Horizon {start}–{end}",
        "horizon_label": "Horizon",
        "plan_created": "plan calculé le {date}",
        "generated": "rapport généré le {date}",
        "contents": "Sommaire",
        "summary": "Synthèse",
        "spending": "Dépenses et enveloppes par année",
        "unmet": "Besoins non satisfaits",
        "heatmap": "Besoins non satisfaits par quartier et par année",
        "gantt": "Calendrier des opérations retenues",
        "not_chosen": "Projets non retenus",
        "transfers": "Besoins accueillis dans un quartier voisin",
        "finance": "Épargne et dette",
        "inputs": "Hypothèses et paramètres",
        "cmp_starts": "Année de démarrage des projets",
        "status": "Statut",
        "status.optimal": "optimal (prouvé)",
        "status.feasible": "réalisable, optimalité non prouvée",
        "status.infeasible": "infaisable",
        "status.no_solution": "aucun plan trouvé",
        "msg.infeasible": (
            "Aucun plan ne respecte toutes les contraintes du scénario : enveloppes annuelles, projets "
            "obligatoires ou engagés, fenêtres de démarrage, exclusions et prérequis, ratios financiers. Il faut "
            "assouplir l'une d'elles (une enveloppe, un projet obligatoire, un plafond) puis relancer le calcul."
        ),
        "msg.no_solution": (
            "Le solveur s'est arrêté (limite de temps ou erreur) avant de trouver un plan. Relancer le calcul avec "
            "une limite de temps plus longue (--time-limit)."
        ),
        "gap": "écart d'optimalité {gap}",
        "objective": "Objectif",
        "objective_note": "besoins non satisfaits pondérés ; borne {bound}",
        "obj_parts": "Objectif = besoins non satisfaits pondérés {unmet} ({kinds}){transfers} + coût {cost}.",
        "obj_transfers": " + transferts {value}",
        "obj_stability": " + stabilité {value}",
        "obj_weights": "Pondérations : {weights} ; actualisation de {discount} par an{penalty} ; coût "
        "{cost_weight} par M€ dépensé par la ville.",
        "obj_weight_kind": "{kind} {weight} ({unit} × années)",
        "obj_penalty": " ; un besoin satisfait dans un quartier voisin compte pour {penalty} de sa pondération",
        "unmet_kind": "Besoins non satisfaits en espérance — {kind}",
        "unmet_note": "pire année {year} : {worst} ; sans nouveaux projets : {without}",
        "unit_years": "{unit} × années",
        "weighted_unit_years": "unités × années, pondérées",
        "years": "années",
        "projects_chosen": "Projets retenus",
        "projects_note": "sur {n} candidats",
        "city_cost": "Coût pour la ville (AP)",
        "city_cost_col": "Coût ville (AP)",
        "city_cost_note": "total des opérations retenues",
        "spent_total": "Dépenses sur l'horizon (CP)",
        "spent_note": "pour {envelope} d'enveloppes ({use})",
        "debt_years": "Capacité de désendettement",
        "debt_years_note": "pire année {year} ; plafond {limit}",
        "no_limit": "aucun plafond",
        "year": "Année",
        "envelope": "Enveloppe",
        "available": "Enveloppe disponible (report compris)",
        "spent": "Dépenses (CP)",
        "receipts": "Recettes (FCTVA + subventions)",
        "net": "Effort net",
        "margin": "Marge",
        "use": "Utilisation",
        "total": "Total",
        "M_eur": "M€",
        "no_theme": "sans thème",
        "spending_caption": (
            "Crédits de paiement (CP) de la ville par année, empilés par thème des opérations, et enveloppe PPI de "
            "l'année (trait noir){carry}. Au-dessus des barres : part de l'enveloppe utilisée.{net}"
        ),
        "carry": ", report des crédits non consommés compris",
        "net_caption": (
            " Les enveloppes plafonnent l'effort net (dépenses − FCTVA − subventions), marqué ◆ ; le pourcentage "
            "porte sur lui."
        ),
        "net_marker": "Effort net (plafonné)",
        "total_envelope": "Enveloppe pluriannuelle {start}–{end} : {amount}, utilisée {used}.",
        "with_plan": "avec le plan",
        "without": "sans nouveaux projets",
        "unmet_caption": (
            "Besoins non satisfaits en espérance chaque année, tous quartiers confondus, par type de besoin dans son "
            "unité (non pondérés) : avec le plan (trait plein) et sans nouveaux projets, les seules opérations "
            "engagées étant réalisées (tirets)."
        ),
        "heatmap_caption": (
            "Besoins non satisfaits en espérance par quartier (lignes) et par année (colonnes), pour chaque type de "
            "besoin dans son unité (classes, places), non pondérés. Case vide : besoin couvert."
        ),
        "gantt_caption": (
            "Chaque barre va de l'année de démarrage de l'opération à son année de mise en service (chiffre à "
            "droite), couleur selon le thème ; hachures : opération engagée (coup parti). En gris : années hors de "
            "l'horizon du PPI."
        ),
        "committed": "engagée (coup parti)",
        "outside_horizon": "hors horizon",
        "no_chosen": "Aucune opération retenue.",
        "project": "Projet",
        "district": "Quartier",
        "theme": "Thème",
        "start": "Démarrage",
        "delivery": "Mise en service",
        "capacity_added": "Capacité ajoutée",
        "capacity_would_add": "Capacité qu'il ajouterait",
        "maturity_competence": "Maturité, compétence",
        "cost": "Coût total",
        "chosen_table": "Opérations retenues",
        "not_chosen_intro": "{n} projets candidats ne sont pas retenus dans ce plan.",
        "all_chosen": "Tous les projets candidats sont retenus.",
        "excluded_note": "{n} projet(s) exclu(s) par le scénario ne sont pas proposés : {ids}.",
        "transfers_intro": (
            "Une partie des besoins d'un quartier plein est accueillie par la capacité disponible d'un quartier "
            "voisin (dans la limite fixée par le scénario, avec une pénalité) ; unités en espérance."
        ),
        "no_transfers": "Aucun besoin n'est accueilli dans un quartier voisin dans ce plan.",
        "from": "Quartier d'origine",
        "to": "Quartier d'accueil",
        "kind": "Besoin",
        "units_total": "Total",
        "years_span": "Années",
        "max_year": "Maximum sur une année",
        "op_costs": "Fonctionnement ajouté",
        "epargne": "Épargne brute",
        "savings_rate": "Taux d'épargne brute",
        "borrowing": "Emprunt",
        "debt": "Dette au 31/12",
        "debt_years_col": "Capacité de désendettement (années)",
        "finance_caption": (
            "Trajectoire d'épargne et de dette du plan, en n'empruntant que ce qui boucle chaque année. {limits}"
        ),
        "limits": "Limites du scénario : {items}.",
        "min_savings": "taux d'épargne brute ≥ {v}",
        "max_debt_years": "capacité de désendettement ≤ {v} ans",
        "max_borrowing": "emprunt ≤ {v} par an",
        "scenario": "Scénario",
        "source": "Fichier",
        "variant": "Variante",
        "none_f": "aucune",
        "none_m": "aucun",
        "overrides": "Paramètres modifiés",
        "solver": "Solveur",
        "solver_text": "{solver} ({message}), {runtime}",
        "options": "Options du solveur",
        "model": "Taille du modèle",
        "model_text": "{columns} variables dont {binaries} binaires, {rows} contraintes",
        "basis": "Base des enveloppes",
        "basis.gross": "dépenses brutes de la ville",
        "basis.net": "effort net (dépenses − FCTVA − subventions)",
        "created": "Plan calculé le",
        "version": "Version de ppi",
        "warnings": "Avertissements du scénario",
        "demand_source": "Origine de la demande",
        "demand_forecast": "projetée (effectifs, logements, naissances) pour {n} couples quartier-besoin sur {total}",
        "demand_table": "tableau de demande du scénario",
        "seconds": "s",
        "cmp_intro": "Variantes comparées : {labels}. Les cellules surlignées diffèrent de la première variante.",
        "cmp_not_comparable": "Objectifs non comparables : les pondérations diffèrent de celles de {first} ({parts}). "
        "Comparer les besoins non satisfaits par type et les montants, pas l'objectif.",
        "w.discount": "actualisation",
        "w.transfer_penalty": "pénalité de transfert",
        "w.cost": "poids du coût",
        "cmp_spending_caption": (
            "Dépenses de la ville (CP) par année : une barre par variante, sur la même échelle ; trait noir : "
            "enveloppe de la variante cette année-là."
        ),
        "cmp_unmet_caption": (
            "Besoins non satisfaits chaque année, tous quartiers confondus, par type de besoin dans son unité (non "
            "pondérés) : une courbe par variante, sur les mêmes axes."
        ),
        "cmp_no_plan": " Sans plan, donc absentes des graphiques : {labels}.",
        "cmp_starts_intro": (
            "{n} projets sur {total} changent d'une variante à l'autre (— : non retenu) : ils viennent en tête, "
            "les cellules différentes de la première variante surlignées."
        ),
        "cmp_budget": "Enveloppes et dépenses par année",
        "indicator": "Indicateur",
        "unit": "Unité",
        "differs": "Diffère",
        "yes": "oui",
        "ind.status": "statut",
        "ind.gap": "écart d'optimalité",
        "ind.objective": "objectif",
        "ind.unmet": "besoins non satisfaits — {kind}",
        "ind.unmet_worst": "besoins non satisfaits — {kind}, pire année",
        "ind.unmet_worst_year": "besoins non satisfaits — {kind}, pire année (année)",
        "ind.projects chosen": "projets retenus",
        "ind.city cost of the projects chosen": "coût ville des projets retenus (AP)",
        "ind.spending over the horizon": "dépenses sur l'horizon (CP)",
        "ind.net effort over the horizon": "effort net sur l'horizon",
        "ind.capacité de désendettement, worst year": "capacité de désendettement, pire année",
        "ind.debt at the horizon end": "dette en fin d'horizon",
        "legend_envelope": "enveloppe de la variante",
        "footer": "Rapport produit par ppi {version}, outil libre d'aide à la décision pour la PPI.",
        # The workbooks (reports/xlsx_plan.py, reports/xlsx_compare.py): sheets (sh.), titles (t.), headers (h.),
        # units (u.), project statuses (ps.), solver options (opt.) and model sizes (mk.); wb.: the workbook's own
        # wording of a figure the pages word otherwise.
        "sh.ppi": "PPI",
        "sh.budget": "Budget",
        "sh.transfers": "Transferts",
        "sh.inputs": "Hypothèses",
        "sh.projects": "Projets",
        "t.summary": "Synthèse du plan — {name}",
        "t.ppi": "Programmation pluriannuelle des investissements (AP/CP, part ville, en euros) — {name}",
        "t.budget": "Enveloppes et crédits de paiement par année (en euros) — {name}",
        "t.finance": "Épargne et dette, en empruntant le strict nécessaire chaque année (en euros) — {name}",
        "t.unmet": "Besoins non satisfaits en espérance par quartier, besoin et année (en unités du besoin) — {name}",
        "t.left": "Projets candidats non retenus — {name}",
        "t.transfers": "Besoins accueillis dans un quartier voisin (en espérance) — {name}",
        "t.inputs": "Hypothèses et paramètres — {name}",
        "t.csummary": "Comparaison des variantes — indicateurs (cellules colorées : les variantes diffèrent)",
        "t.cprojects": "Comparaison des variantes — année de démarrage des projets (cellules colorées : différences)",
        "t.cbudget": "Comparaison des variantes — enveloppes et dépenses par année (en euros)",
        "t.cunmet": "Comparaison des variantes — besoins non satisfaits par besoin et année",
        "t.cinputs": "Comparaison des variantes — données d'entrée et résolution",
        "h.value": "Valeur",
        "h.id": "Code",
        "h.district": "Quartier",
        "h.district_id": "Code quartier",
        "h.maturity": "Maturité",
        "h.competence": "Compétence",
        "h.delivery": "Livraison",
        "h.ap": "AP (€)",
        "h.cp_before": "CP avant {year} (€)",
        "h.cp": "CP {year} (€)",
        "h.cp_after": "CP après {year} (€)",
        "h.subsidies_total": "Subventions, toutes années (€)",
        "h.fctva_total": "FCTVA, toutes années (€)",
        "h.envelope": "Enveloppe (€)",
        "h.carried": "Report de l'année précédente (€)",
        "h.available": "Crédits disponibles (€)",
        "h.spent": "Dépenses (€)",
        "h.subsidies": "Subventions (€)",
        "h.fctva": "FCTVA (€)",
        "h.net": "Effort net (€)",
        "h.charged": "Imputé sur l'enveloppe (€)",
        "h.margin": "Marge (€)",
        "h.use": "Taux d'utilisation",
        "h.revenue": "Recettes de fonctionnement (€)",
        "h.op_spending": "Dépenses de fonctionnement (€)",
        "h.op_added": "Fonctionnement des nouveaux équipements (€)",
        "h.interest": "Intérêts (€)",
        "h.savings": "Épargne brute (€)",
        "h.savings_rate": "Taux d'épargne brute",
        "h.net_investment": "Investissement net (€)",
        "h.repayment": "Remboursement (€)",
        "h.borrowing": "Emprunt (€)",
        "h.debt": "Encours de dette (€)",
        "h.debt_years": "Capacité de désendettement (années)",
        "h.kind": "Besoin",
        "h.cost": "Coût total (€)",
        "h.city_cost": "Coût pour la ville (€)",
        "h.capacity": "Capacité {kind} ({unit})",
        "h.earliest": "Démarrage au plus tôt",
        "h.latest": "Démarrage au plus tard",
        "h.from": "Quartier d'origine",
        "h.to": "Quartier d'accueil",
        "h.units": "Unités",
        "h.item": "Donnée",
        "h.differs": "Différence",
        "h.envelope_of": "Enveloppe {label} (€)",
        "h.spent_of": "Dépenses {label} (€)",
        "wb.total": "TOTAL",
        "total_of": "TOTAL {kind}",
        "no": "non",
        "wb.not_chosen": "non retenu",
        "wb.source": "Fichier du scénario",
        "wb.overrides": "Modifications appliquées",
        "wb.status": "Résultat de la résolution",
        "status_code": "Statut (code)",
        "solver_message": "Message du solveur",
        "wb.gap": "Écart à l'optimum (gap)",
        "wb.objective": "Objectif (besoins non satisfaits pondérés)",
        "wb.obj_parts": "Décomposition de l'objectif",
        "wb.obj_weights": "Pondérations de l'objectif",
        "bound": "Borne inférieure de l'objectif",
        "unmet_worst": "Besoins non satisfaits — {kind}, année la plus tendue",
        "unmet_worst_year": "Besoins non satisfaits — {kind}, année la plus tendue (année)",
        "unmet_without": "Besoins non satisfaits — {kind}, sans nouveau projet",
        "candidates": "Projets candidats (hors projets exclus)",
        "wb.city_cost": "Coût pour la ville des projets retenus (AP)",
        "envelopes": "Enveloppes sur l'horizon",
        "wb.spent": "Dépenses de la ville sur l'horizon (CP)",
        "wb.use": "Taux d'utilisation des enveloppes",
        "subsidies": "Subventions perçues sur l'horizon",
        "fctva": "FCTVA perçu sur l'horizon",
        "wb.net": "Effort net sur l'horizon (dépenses − subventions − FCTVA)",
        "wb.basis": "Les enveloppes limitent",
        "wb.basis.gross": "les dépenses brutes de la ville",
        "wb.basis.net": "l'effort net (dépenses − FCTVA − subventions)",
        "wb.debt_years": "Capacité de désendettement, année la plus haute",
        "debt_years_year": "Capacité de désendettement, année la plus haute (année)",
        "savings_min": "Taux d'épargne brute, année la plus basse",
        "savings_min_year": "Taux d'épargne brute, année la plus basse (année)",
        "debt_end": "Encours de dette fin {year}",
        "wb.borrowing": "Emprunts sur l'horizon",
        "wb.created": "Date du plan",
        "warning": "Avertissement",
        "no_plan": "Aucun plan ({words}) : seule cette synthèse est produite.",
        "mismatch": (
            "Le plan ne correspond plus au scénario (dépenses recalculées différentes de plan.json) : le scénario "
            "a-t-il changé depuis la résolution ?"
        ),
        "wb.carry": "Report des crédits non consommés",
        "wb.total_envelope": "Enveloppe pluriannuelle {start}–{end}",
        "option": "Option du solveur : {key}",
        "u.year": "année",
        "u.weighted": "unités × années pondérées",
        "u.share": "%",
        "u.count": "projets",
        "st.infeasible": "infaisable : aucun plan ne satisfait les contraintes",
        "st.no_solution": "aucun plan trouvé dans les limites de temps",
        "ps.committed": "engagé",
        "ps.mandatory": "obligatoire",
        "ps.candidate": "candidat",
        "ps.excluded": "exclu",
        "wb.net_effort": "Effort net sur l'horizon",
        "wb.debt_at_end": "Encours de dette en fin d'horizon",
        "opt.solver": "moteur",
        "opt.time_limit": "limite de temps (s)",
        "opt.gap": "écart visé",
        "opt.threads": "fils d'exécution",
        "opt.seed": "graine",
        # Why this plan (`ppi explain`): headers, the constraints that hold a plan (b.), the notes of a re-solve
        # (pn.) and of an explanation (note.).
        "why.title": "Pourquoi ce plan ?",
        "sheet": "Pourquoi ce plan",
        "sheet_budget": "Valeur du budget",
        "h.change": "Changement",
        "change.force_in": "imposé",
        "change.drop": "abandonné",
        "change.defer": "reporté d'un an",
        "h.status": "Résultat",
        "why.intro": (
            "Chaque valeur vient d'une nouvelle résolution du scénario avec un seul changement. Un écart positif "
            "de l'objectif est une perte (plus de besoins non satisfaits pondérés), un écart négatif un gain."
        ),
        "left": "Projets non retenus : l'effet de les imposer (à leur meilleure année de démarrage)",
        "chosen": "Projets retenus : l'effet de les abandonner ou de les reporter d'un an",
        "budget": "Valeur d'un million d'euros de plus dans l'enveloppe de chaque année",
        "holds": "Ce qui tient le plan",
        "h.new_start": "Démarrage imposé",
        "h.delta": "Écart d'objectif",
        "h.displaced": "Projets évincés",
        "h.added": "Projets ajoutés",
        "h.drop": "Abandon : écart",
        "h.defer": "Report d'un an : écart",
        "why.charged": "Imputé",
        "h.gain": "Objectif retiré par M€",
        "h.binding": "Un M€ de plus améliore le plan",
        "h.note": "Remarque",
        "at_limit": "enveloppe utilisée",
        "not_possible": "impossible",
        "infeasible": "aucun plan possible",
        "why.spending": "dépense",
        "what.net": "effort net",
        "b.budget_year": (
            "{year} : une {what} de {charged} utilise l'enveloppe de {available} à {margin} près [budget[{year}]]"
        ),
        "b.budget_total": ("{start}–{end} : {used} utilisés sur l'enveloppe pluriannuelle de {amount} [budget_total]"),
        "b.window_earliest": "{project} démarre en {year}, la première année que permet sa fenêtre",
        "b.window_latest": "{project} démarre en {year}, la dernière année de sa fenêtre : il ne peut être reporté",
        "b.requires_same_year": "{project} démarre en {year}, l'année où démarre {required} (qu'il requiert)",
        "b.debt_ceiling": (
            "{year} : la dette représente {debt_years:.1f} années d'épargne brute, au plafond de {ceiling:g} ans "
            "[debt_capacity[{year}]]"
        ),
        "b.savings_floor": (
            "{year} : l'épargne brute est de {rate:.1%} des recettes, au plancher de {floor:.1%} [min_savings[{year}]]"
        ),
        "b.borrowing_cap": (
            "{year} : l'emprunt nouveau de {borrowing} atteint le plafond de {cap} [financing[{year}]]"
        ),
        "pn.cannot_defer": "ne peut être reporté : sa fenêtre se termine en {latest}",
        "pn.no_plan_with": "aucun plan ne peut l'inclure",
        "pn.too_big": "aucun plan ne peut l'inclure : en {year}, il demande à lui seul {need} pour une "
        "enveloppe de {envelope}, quelle que soit son année de démarrage",
        "pn.no_plan_without": "aucun plan sans lui",
        "note.not_optimal": (
            "le plan expliqué est {status} (optimalité non prouvée) : un changement peut l'améliorer pour des "
            "raisons qui lui sont propres"
        ),
        # An explain value split into the objective's parts, and the projects entering, leaving, moving (x.).
        "x.kind": "{kind} {value} ({units} {unit} × années)",
        "x.transfers": "transferts {value}",
        "x.cost": "coût {value}",
        "x.stability": "stabilité {value}",
        "rv.title": "Révision {year} de la PPI",
        "rv.intro": (
            "PPI adoptée : {previous}. Révision en {year} : les années avant {year} sont payées, le plan révisé "
            "couvre {year}-{end}."
        ),
        "rv.objective": "Objectif du plan révisé : {objective} ({status}), dont stabilité {stability}.",
        "rv.rules": (
            "Coût de stabilité : {move} par année de décalage, {drop} par opération annoncée abandonnée ; "
            "verrouillées : {locked}."
        ),
        "rv.nothing_locked": "aucune",
        "rv.changes": "Ce qui change depuis la PPI adoptée",
        "rv.no_change": "Aucun changement : chaque opération annoncée garde son année.",
        "rv.kind.added": "ajoutée",
        "rv.kind.dropped": "abandonnée",
        "rv.kind.moved": "décalée",
        "rv.kind.under_way": "en cours",
        "rv.head.project": "Opération",
        "rv.head.change": "Changement",
        "rv.head.adopted": "Début adopté",
        "rv.head.revised": "Début révisé",
        "rv.head.why": "Pourquoi",
        "rv.head.year": "Année",
        "rv.head.planned": "CP prévus",
        "rv.head.realised": "CP payés ou programmés",
        "rv.why.keep": "la garder en {year} coûterait {value} ({parts}) ; dépenses de la ville {money}",
        "rv.why.drop": "s'en passer coûterait {value} ({parts}) ; dépenses de la ville {money}",
        "rv.why.none": "aucun plan ne peut défaire ce changement ({status})",
        "rv.why.tie": "la garder en {year} ne coûterait rien de plus : ex aequo avec le plan révisé",
        "rv.sheet.changes": "Changements",
        "rv.sheet.realised": "Réalisé",
        "rv.why.delay": "glissement de {delay} an(s)",
        "rv.why.cost": "coût {before} → {after}",
        "rv.realised": "Réalisé et CP prévus des opérations en cours",
        "rv.past": "payé",
        "rv.future": "programmé",
        "rv.side": "PPI adoptée et PPI révisée sur les mêmes axes",
        "rv.adopted": "PPI adoptée",
        "rv.revised": "PPI révisée",
        "rv.spending_caption": "Dépenses par année de la PPI adoptée et de la PPI révisée, avec leurs enveloppes.",
        "rv.unmet_caption": "Besoins non couverts par année, PPI adoptée et PPI révisée.",
        "x.none": "aucune composante ne change",
        "x.enter": "entrent : {ids}",
        "x.leave": "sortent : {ids}",
        "x.move": "décalés : {items}",
        "x.moved_item": "{id} {before}→{after}",
        "x.after_horizon": "livré en {year}, après la fin du PPI ({end})",
        "h.parts": "Composantes de l'écart et projets qui entrent, sortent ou sont décalés",
        "h.drop_parts": "Abandon : composantes et projets",
        "h.defer_parts": "Report : composantes et projets",
        "h.part_kind": "Écart : besoins {kind} (pondérés)",
        "h.part_units": "Écart : {kind} ({unit} × années)",
        "h.part_transfers": "Écart : transferts",
        "h.part_cost": "Écart : coût",
        "h.moved": "Projets décalés",
        "ch.no_plan": "aucun plan (voir sweep.csv, colonne reason)",
        # Why there is no plan (the diagnosis of `ppi solve`): what breaks (f.), remedies (r.) and their changes
        # (c.), notes (n.).
        "diag.title": "Pourquoi il n'y a pas de plan",
        "diag.intro": "Aucun plan ne respecte les contraintes. Ce qui bloque :",
        "remedies": (
            "Changements qui rendent le scénario réalisable (chacun vérifié en résolvant le scénario modifié) :"
        ),
        "not_checked": "non vérifié",
        "h.what": "Ce qui bloque, puis les changements qui réparent",
        "h.detail": "Contrainte, ou changement",
        "who.fixed": "les projets engagés et obligatoires",
        "who.required": "les projets engagés, obligatoires et requis",
        "what.spending": "dépenses",
        "ps.chosen": "retenu",
        "item": "{id} ({status}, {amount})",
        "more": "et {n} autres",
        "carried": " plus {carried} reportés",
        "f.budget_year": (
            "{year} : {who} demandent {need} de {what} pour une enveloppe de {envelope}{carried} (il "
            "manque {short}) : {projects}"
        ),
        "f.budget_robust": (
            "{row} : avec la marge pour tenir les enveloppes à {level} de confiance, {who} demandent {need} de "
            "{what} pour {available} d'enveloppe (il manque {short}) : {projects}"
        ),
        "f.budget_gamma": (
            "{row} : avec la marge pour {level} dépassements de coût, {who} demandent {need} de {what} pour "
            "{available} d'enveloppe (il manque {short}) : {projects}"
        ),
        "a.robust_gamma": (
            "chaque enveloppe du PPI tient même si {gamma} des projets qu'elle finance dépassent leur coût de "
            "l'écart de leur niveau de maturité (deux écarts-types, protection de Bertsimas et Sim)"
        ),
        "f.budget_cumulative": (
            "{span} (avec report) : {who} demandent {need} de {what} pour {available} d'enveloppes "
            "(il manque {short}) : {projects}"
        ),
        "f.budget_total": (
            "enveloppe pluriannuelle {start}–{end} : {who} demandent {need} de {what} pour {amount} "
            "(il manque {short}) : {projects}"
        ),
        "f.borrowing": (
            "{year} : les investissements et remboursements de l'année demandent {need} d'emprunt nouveau, "
            "au-delà des {cap} par an permis (finance.prospective.max_borrowing)"
        ),
        "f.savings": (
            "{year} : l'épargne brute tombe à {rate:.1%} des recettes de fonctionnement, sous le plancher de "
            "{floor:.1%} (finance.prospective.min_savings_rate)"
        ),
        "f.debt": (
            "{year} : la dette de {debt} représente {ratio} d'épargne brute ({savings}), au-delà du "
            "plafond de {ceiling:g} ans (capacité de désendettement, finance.prospective.max_debt_years)"
        ),
        "ratio": "{ratio:.1f} années",
        "ratio.none": "un nombre d'années infini",
        "when.starts": "démarre en {year}",
        "when.must": "doit démarrer en {window}",
        "when.can": "peut démarrer en {window}",
        "f.requires": "{p} ({p_status}) {p_when} et requiert {q}, qui {q_when} : {q} ne peut avoir démarré en {s}",
        "f.requires_excluded": "{p} ({p_status}) {p_when} et requiert {q}, qui est exclu",
        "f.excludes": (
            "{p} ({p_status}) et {q} ({q_status}) s'excluent l'un l'autre, mais les deux doivent être réalisés"
        ),
        "f.mandatory": (
            "le projet obligatoire {p} ne peut démarrer dans sa fenêtre {window} avec les autres contraintes"
        ),
        "f.locked": (
            "{p}, annoncé pour {year} dans la PPI adoptée, est verrouillé à cette année mais ne peut y démarrer "
            "(fenêtre {window}) avec les autres contraintes"
        ),
        "f.row": "la contrainte {row} ne peut être respectée",
        # Breaches that hold whatever the PPI: the committed projects alone already break the limit.
        "f.baseline_savings": (
            "même sans aucun nouveau projet, l'épargne brute tombe à {rate:.1%} des recettes en {year}, sous le "
            "plancher de {floor:.1%} : aucun PPI ne le respecte (finance.prospective.min_savings_rate)"
        ),
        "f.baseline_debt": (
            "même sans aucun nouveau projet, la dette de {debt} représente {ratio} d'épargne brute ({savings}) en "
            "{year}, au-delà du plafond de {ceiling:g} ans : aucun PPI ne le respecte "
            "(finance.prospective.max_debt_years)"
        ),
        "f.baseline_borrowing": (
            "même sans aucun nouveau projet, l'année {year} demande {need} d'emprunt nouveau, au-delà des {cap} par "
            "an permis : aucun PPI ne le respecte (finance.prospective.max_borrowing)"
        ),
        # A remedy's heading, from its changes (rt.), joined with "et"
        "rt.money": "donner plus de crédits",
        "rt.borrowing": "permettre plus d'emprunt",
        "rt.savings_rate": "abaisser le plancher d'épargne brute",
        "rt.debt_years": "relever le plafond de dette",
        "rt.shift": "décaler des fenêtres de démarrage",
        "rt.drop_mandatory": "rendre des projets obligatoires facultatifs",
        "rt.carry_over": "autoriser le report des crédits",
        "rt.and": " et ",
        "c.late": " ; {project} serait livré en {delivery}, après la fin du PPI ({horizon_end})",
        "r.money": "Plus de crédits",
        "r.carry": "Autoriser le report des crédits",
        "r.schedule": "Modifier le calendrier",
        "c.raise_envelope": "relever l'enveloppe {year} de {by} (à {to})",
        "c.raise_total": "relever l'enveloppe pluriannuelle {start}–{end} de {by} (à {to})",
        "c.borrowing": "permettre {to} d'emprunt nouveau par an (au lieu de {before})",
        "c.savings_rate": "abaisser le plancher d'épargne brute à {to:.1%} des recettes (au lieu de {before:.1%})",
        "c.debt_years": "relever le plafond de dette à {to:g} années d'épargne brute (au lieu de {before:g})",
        "c.shift": "décaler la fenêtre de {project} de {n} an{s} {direction} (à {start}–{end}){late}",
        "later": "plus tard",
        "earlier": "plus tôt",
        "plural": "s",
        "c.drop_mandatory": "faire de {project} un projet candidat plutôt qu'obligatoire",
        "c.carry_over": "reporter les crédits non consommés sur les années suivantes",
        "n.no_diagnosis": "le modèle élastique s'est terminé {status} : pas de diagnostic",
        "n.in_memory": "scénario construit en mémoire : les remèdes n'ont pas pu être vérifiés en le relisant",
        "n.not_least": (
            "le plus petit changement n'a pas été prouvé en {seconds:g} s : les changements proposés fonctionnent "
            "mais ne sont peut-être pas les plus petits"
        ),
        "n.none": "aucun changement d'un seul type (crédits, report, fenêtres) ne donne de plan",
        # The assumptions a council approves (reports/assumptions.py): a. rows, ov. overrides in words, after.
        # what falls after the horizon, maturity. what maturity does; the AP/CP table; the PNG charts (ch.).
        "after_ppi": "au-delà",
        "after.none": "Aucun CP après {end} : toutes les dépenses des opérations retenues tombent dans l'horizon.",
        "after.line": "Au-delà de {end} : {amount} de CP restant à financer ({items}), {how}.",
        "after.tail": "imputés aux enveloppes prolongées de {envelope} par an ({span})",
        "after.beyond": ", dont {amount} après {last} imputés à aucune enveloppe",
        "after.open": "imputés à aucune enveloppe (règle de fin d'horizon : ouverte)",
        "maturity.note": (
            "La maturité pondère la capacité : {items} dans les besoins en espérance{competences} ; les chiffres "
            "nominaux comptent toutes les places livrées."
        ),
        "maturity.own": "{n} projet(s) ont leur propre confiance",
        "maturity.competences": " (la compétence la multiplie encore : {items})",
        "maturity.comp_item": "« {label} » {confidence}",
        "maturity.item": "un projet « {label} » (confiance {confidence}) compte pour {share} de ses places",
        "maturity.none": (
            "Tous les projets ont une confiance de 1 : les besoins en espérance et les besoins nominaux sont les mêmes."
        ),
        "ov.set": "valeur modifiée : {path} = {value}",
        "ov.scale_point": "toutes les enveloppes × {factor}",
        "ov.scale": "variante {name} : toutes les enveloppes × {factor}",
        "ov.exclude": "variante {name} : {project} exclu",
        "ov.force": "variante {name} : {project} imposé (obligatoire)",
        "ov.shift": "variante {name} : fenêtre de démarrage de {project} décalée de {years} an{s} {direction}",
        "ov.weight": "variante {name} : pondération de {kind} = {weight}",
        "ov.override": "variante {name} : valeurs remplacées ({keys})",
        "ov.variant_set": "variante {name} : {path} = {value}",
        "ov.described": "variante {name} : {description}",
        "ov.variant": "variante {name}",
        "path.budget_year": "enveloppe {year}",
        "path.budget_annual": "enveloppes annuelles",
        "path.carry_over": "report des crédits non consommés",
        "path.carry_over_share": "part reportée des crédits non consommés",
        "path.budget_total": "enveloppe pluriannuelle",
        "path.fctva_rate": "taux de FCTVA",
        "path.fctva_lag": "délai de versement du FCTVA (années)",
        "path.max_debt_years": "plafond de capacité de désendettement (années)",
        "path.min_savings_rate": "plancher du taux d'épargne brute",
        "path.max_borrowing": "emprunt annuel maximal",
        "path.weight": "pondération de {kind}",
        "path.discount_rate": "taux d'actualisation",
        "path.cost_weight": "poids du coût",
        "path.end_rule": "règle de fin d'horizon",
        "path.tail_years": "années de prolongation après l'horizon",
        "path.transfer_penalty": "pénalité de transfert",
        "path.project_status": "statut de {project}",
        "path.project_earliest": "démarrage au plus tôt de {project}",
        "path.project_latest": "démarrage au plus tard de {project}",
        "path.project_cost": "coût de {project}",
        "a.horizon": "Horizon du PPI",
        "a.horizon_text": "{start}–{end} ({n} ans) ; un projet démarre au plus tard en {end}",
        "a.end": "Fin de l'horizon",
        "a.end.tail": (
            "{n} années de prolongation ({span}) : les CP restants sont imputés à des enveloppes qui "
            "prolongent celle de {end} ({envelopes}), les besoins continuent de compter, aucun projet n'y démarre"
        ),
        "a.end.complete": "chaque projet retenu paie tous ses CP et est livré au plus tard en {end}",
        "a.end.open": (
            "les CP payés après {end} ne sont imputés à aucune enveloppe et la capacité livrée après {end} ne "
            "compte pas"
        ),
        "a.weights": "Pondération d'un besoin non satisfait pendant un an",
        "a.discount": "Taux d'actualisation",
        "a.discount_text": "{rate} par an",
        "a.cost_weight": "Poids du coût",
        "a.cost_text": "{weight} par M€ dépensé par la ville",
        "a.maturity": "Maturité des projets",
        "a.levels": "Niveaux de maturité utilisés",
        "a.level": "« {label} » : confiance {confidence}, démarrage au plus tôt {lead} an(s) après le début",
        "a.school": "Prévision scolaire",
        "a.school_base": "effectifs de {year}, évolution de {trend} par an",
        "a.school_cohort": "cohortes de {year} passant d'un niveau au suivant chaque année (taux de passage des "
        "années observées), nouvelles cohortes {entry}",
        "a.entry.trend": "au rythme de la petite section",
        "a.entry.births": "d'après les naissances",
        "a.damping": "tendance amortie : ×{factor} chaque année",
        "a.bounds": "évolution cumulée depuis {year} bornée entre {low} et {high}",
        "a.private_share": "part des élèves dans le privé : {shares} (les effectifs publics suivent 1 − part)",
        "a.class_size": "{size} élèves par classe",
        "a.cap": "{levels} plafonnés à {cap} élèves par classe ({rep_cap} en REP/REP+)",
        "a.rep": "quartiers REP/REP+ : {districts}",
        "a.rep_none": "aucun quartier REP/REP+",
        "a.rounding_classes.up": "classes arrondies à l'unité supérieure",
        "a.rounding_classes.none": "classes non arrondies",
        "a.housing": "Logements neufs",
        "a.housing_text": "{n} programmes, {dwellings} logements ; élèves par logement au pic : {types}",
        "a.dwelling_type": "{type} {pupils}",
        "a.childcare": "Prévision petite enfance",
        "a.childcare_basis.under_3": "à partir des enfants de moins de 3 ans",
        "a.childcare_basis.births": "à partir des naissances des trois dernières années",
        "a.coverage": "taux de couverture visé {coverage}, dont {share} en crèche",
        "a.per_place": "{children} enfant(s) par place",
        "a.rounding_places.up": "places arrondies à l'unité supérieure",
        "a.rounding_places.none": "places non arrondies",
        "a.growth": "Croissance supplémentaire de la demande",
        "a.growth_item": "{kind} : {rate} par an",
        "a.envelopes": "Enveloppes annuelles",
        "a.envelope_total": "Total des enveloppes {span}",
        "a.carry_yes": "oui, {share} du solde non consommé passe à l'année suivante",
        "a.carry_no": "non",
        "a.robustness": "Robustesse des enveloppes",
        "a.robust_yes": (
            "chaque enveloppe du PPI tient, toutes à la fois, avec une probabilité d'au moins {level} compte tenu "
            "de l'incertitude des coûts par niveau de maturité : charge moyenne des projets plus une marge de "
            "{z} écarts-types sur chacune des {rows} lignes budgétaires incertaines (approximation normale, "
            "borne de l'union)"
        ),
        "a.robust_no": "aucune marge : les enveloppes sont remplies au coût prévu des projets",
        "a.uncertainty": "Incertitude par niveau de maturité",
        "a.uncertainty_item": "{label} : écart-type du coût {sigma}, glissement d'un an {slip}",
        "robustness": "Prix de la robustesse",
        "rob.intro": (
            "Chaque point est le plan optimal pour un niveau de confiance visé, réévalué sans nouvelle résolution "
            "sous {samples} tirages des coûts (graine {seed}) : la part des tirages où toutes les enveloppes "
            "tiennent, et les besoins non satisfaits qu'il faut accepter pour cela."
        ),
        "rob.caption": "Besoins non satisfaits (objectif) selon la probabilité de tenir toutes les enveloppes",
        "rob.level": "Confiance visée",
        "rob.none": "aucune marge",
        "rob.gamma": "Projets en dépassement (Γ)",
        "rob.holds": "Probabilité de tenir toutes les enveloppes",
        "rob.error": "erreur d'échantillonnage",
        "rob.spending": "Dépense ville (M€)",
        "rob.chosen": "Projets retenus",
        "rob.x": "probabilité de tenir toutes les enveloppes (%)",
        "a.transfers": "Accueil dans un quartier voisin",
        "a.transfers_off": "non",
        "a.transfers_on": (
            "{kinds} ; {pairs} paires de quartiers voisins ; {limits} ; un besoin accueilli à côté compte pour "
            "{penalty} de sa pondération"
        ),
        "a.max_share": "au plus {share} de la demande du quartier",
        "a.max_units": "au plus {units} unités par an",
        "a.no_limit": "sans limite",
        "a.subsidies": "Subventions",
        "a.subsidies_text": "{n} projets candidats aidés, {total} au total ({payers})",
        "a.subsidies_none": "aucune subvention inscrite",
        "a.folded": "aides intégrées à la part payée par la ville : {items}",
        "a.folded_item": "compétence « {label} » (part ville {share})",
        "a.folded_own": "{n} projet(s) avec leur propre part ville",
        "a.fctva_text": "{rate} des dépenses éligibles, versé {lag}",
        "a.lag.0": "l'année de la dépense",
        "a.lag.1": "l'année suivant la dépense",
        "a.lag.2": "deux ans après la dépense",
        "a.fctva_none": "non pris en compte",
        "a.finance": "Prospective financière",
        "a.finance_none": "aucune trajectoire d'épargne et de dette",
        "a.finance_text": (
            "recettes de fonctionnement {revenue} ({revenue_growth} par an), dépenses de fonctionnement {spending} "
            "({spending_growth} par an), dette {debt} remboursée {repayment} par an, intérêts {rate}, nouveaux "
            "emprunts sur {loan_years} ans, autres investissements {other} par an"
        ),
        "a.ceilings": "Ratios et plafonds",
        "a.op_costs": "Fonctionnement des nouveaux équipements",
        "a.op_cost": "{kind} : {amount} par an pour une unité ({unit})",
        "annex": "Annexe technique",
        "apcp": "AP/CP par opération",
        "apcp_caption": (
            "AP : coût de l'opération pour la ville. CP de chaque année du PPI, puis au-delà de {end}. Subventions "
            "et FCTVA de toutes les années ; coût net = AP − subventions − FCTVA."
        ),
        "ap": "AP",
        "cp_before": "CP avant {year}",
        "cp_after": "Au-delà de {end}",
        "subsidies_col": "Subventions",
        "net_cost": "Coût net",
        "city_share_note": "part ville {share}",
        "folded_aid": (
            "aucune subvention inscrite, les aides de {n} opérations retenues étant intégrées à leur part ville "
            "({shares})"
        ),
        "nominal_note": " ; nominal (toutes les places livrées) : {nominal}",
        "span_unit": "{unit} × années, {span}",
        "spent_span": "Dépenses {span} (CP)",
        "wb.maturity": "Effet de la maturité",
        "wb.after": "CP au-delà de {end}",
        "wb.unmet_nominal": "Besoins non satisfaits nominaux — {kind}",
        "nominal_of": "Besoins non satisfaits nominaux — {kind} (toutes les places livrées)",
        "wb.span": "Années couvertes par les indicateurs",
        "h.net_cost": "Coût net (€)",
        "h.cp_tail": "CP {year}, au-delà (€)",
        "h.period": "Période",
        "period.ppi": "PPI",
        "period.after": "au-delà de {end}",
        "ch.knee": "coude",
        "ch.envelope_total": "total des enveloppes sur l'horizon (M€)",
        "ch.objective": "objectif (unités × années non satisfaites, pondérées)",
        "ch.unmet": "besoins non satisfaits en espérance (unités × années)",
        "ch.tornado": "objectif (unités × années non satisfaites, pondérées) ; base : trait noir",
        "ch.resolved": "résolu à nouveau pour chaque tirage",
        "ch.fixed": "plan fixé",
        "ch.samples": "tirages",
        "ch.chosen_share": "part des tirages où le projet est retenu",
        "ch.demand": "{kind} : demande par quartier et capacité existante ({unit})",
        "ch.capacity": "capacité",
        "ch.gap": "{kind} : demande − capacité (rouge : manque)",
        "ch.observed_title": "Élèves observés et prévus par quartier (trait plein : années observées ; "
        "tirets : prévision)",
        "ch.observed": "observé",
        "ch.forecast": "prévu",
        "ch.pupils": "élèves",
        # The live arbitration page (`ppi serve`, reports/live.py): its labels and the server's messages.
        "live.part_unmet": "Besoins non satisfaits pondérés — {kind}",
        "live.part_transfers": "Transferts vers un quartier voisin",
        "live.part_cost": "Coût (départage)",
        "live.why_force_in": "Le retenir",
        "live.why_drop": "Le retirer",
        "live.why_defer": "Le décaler d'un an",
        "live.why_nothing": "Aucune valeur calculée pour {name}.",
        "live.on": "activé",
        "live.off": "désactivé",
        "live.edit_envelope": "Enveloppe {year} : {amount}",
        "live.edit_scale": "Toutes les enveloppes {percent}",
        "live.edit_carry": "Report des crédits non consommés {state}",
        "live.edit_force": "{name} retenu d'office",
        "live.edit_exclude": "{name} écarté",
        "live.edit_window": "{name} : démarrage entre {earliest} et {latest}",
        "live.edit_shift": "{name} : fenêtre de démarrage décalée de {years} an(s)",
        "live.edit_weight": "Pondération {kind_name} : {value}",
        "live.edit_transfers": "Transferts vers les quartiers voisins {state}",
        "live.edit_set": "{path} = {value}",
        "live.busy": "Un calcul est en cours : attendez sa fin ou annulez-le.",
        "live.bad_edit": "Modification non comprise : {detail}.",
        "live.no_transfers": (
            "Ce scénario n'a pas de bloc transfers (capacité disponible d'un quartier voisin) : ajoutez-le au fichier "
            "pour activer les transferts."
        ),
        "live.unknown_edit": "Aucune modification n° {id}.",
        "live.unknown_project": "Il n'y a pas de projet « {project} ».",
        "live.no_plan": "Cet état n'a pas de plan.",
        "live.no_diagnosis": "Aucun diagnostic en cours : la remédiation n° {index} n'existe pas.",
        "live.unknown_state": "Aucun état « {name} » (états : {known}).",
        "live.too_many": "Comparez de deux à quatre états (reçu : {count}).",
        "live.bad_name": (
            "Nom de variante refusé : « {name} ». Lettres minuscules, chiffres et tirets, 1 à 40 caractères, "
            "commençant par une lettre."
        ),
        "live.name_exists": "La variante « {name} » existe déjà ({file}) : choisissez « remplacer » ou un autre nom.",
        "live.name_in_scenario": (
            "« {name} » est une variante du fichier du scénario : choisissez un autre nom (elle n'est jamais "
            "remplacée)."
        ),
        "live.not_ours": "{file} existe et n'a pas été écrit par ppi serve : il n'est jamais remplacé.",
        "live.token": "Accès refusé : ce serveur demande le jeton affiché à son démarrage (?token=...).",
        "live.cancelled": "Calcul annulé : l'état précédent est conservé.",
        "live.failed": "Le calcul a échoué ({detail}) : l'état précédent est conservé.",
        "live.saved_description": "enregistré depuis ppi serve le {date} ({count} modification(s))",
        "live.base": "base",
        "live.current": "actuel",
    },
    "en": {
        # The HTML pages (reports/html_plan.py, reports/html_compare.py, reports/charts.py); several are shared with
        # the workbooks.
        "title_plan": "PPI plan report",
        "title_cmp": "PPI variants comparison",
        "horizon": "Horizon {start}–{end}",
        "horizon_label": "Horizon",
        "plan_created": "plan computed on {date}",
        "generated": "report generated on {date}",
        "contents": "Contents",
        "summary": "Summary",
        "spending": "Spending and envelopes per year",
        "unmet": "Unmet demand",
        "heatmap": "Unmet demand per quartier and year",
        "gantt": "Schedule of the chosen operations",
        "not_chosen": "Projects not chosen",
        "transfers": "Demand met in a neighbouring quartier",
        "finance": "Savings and debt",
        "inputs": "Assumptions and parameters",
        "cmp_starts": "Start year of each project",
        "status": "Status",
        "status.optimal": "optimal (proven)",
        "status.feasible": "feasible, not proven optimal",
        "status.infeasible": "infeasible",
        "status.no_solution": "no plan found",
        "msg.infeasible": (
            "No plan satisfies every constraint of the scenario: yearly envelopes, mandatory or committed "
            "projects, start windows, alternatives and prerequisites, finance ratios. Relax one of them (an "
            "envelope, a mandatory project, a ceiling) and solve again."
        ),
        "msg.no_solution": (
            "The solver stopped (time limit or error) before finding any plan. Solve again with a longer time "
            "limit (--time-limit)."
        ),
        "gap": "optimality gap {gap}",
        "objective": "Objective",
        "objective_note": "weighted unmet demand; bound {bound}",
        "obj_parts": "Objective = weighted unmet demand {unmet} ({kinds}){transfers} + cost {cost}.",
        "obj_transfers": " + transfers {value}",
        "obj_stability": " + stability {value}",
        "obj_weights": "Weights: {weights}; discount {discount} a year{penalty}; cost {cost_weight} per M€ the city "
        "spends.",
        "obj_weight_kind": "{kind} {weight} ({unit} × years)",
        "obj_penalty": "; a need met in a neighbouring quartier counts {penalty} of its weight",
        "unmet_kind": "Expected unmet demand — {kind}",
        "unmet_note": "worst year {year}: {worst}; without new projects: {without}",
        "unit_years": "{unit} × years",
        "weighted_unit_years": "unit-years, weighted",
        "years": "years",
        "projects_chosen": "Projects chosen",
        "projects_note": "of {n} candidates",
        "city_cost": "Cost to the city (AP)",
        "city_cost_col": "City cost (AP)",
        "city_cost_note": "all chosen operations",
        "spent_total": "Spending over the horizon (CP)",
        "spent_note": "for {envelope} of envelopes ({use})",
        "debt_years": "Capacité de désendettement",
        "debt_years_note": "worst year {year}; ceiling {limit}",
        "no_limit": "no ceiling",
        "year": "Year",
        "envelope": "Envelope",
        "available": "Envelope available (incl. carry-over)",
        "spent": "Spending (CP)",
        "receipts": "Receipts (FCTVA + subsidies)",
        "net": "Net effort",
        "margin": "Margin",
        "use": "Use",
        "total": "Total",
        "M_eur": "M€",
        "no_theme": "no theme",
        "spending_caption": (
            "The city's crédits de paiement (CP) per year, stacked by the operations' theme, and the year's PPI "
            "envelope (black line){carry}. Above the bars: share of the envelope used.{net}"
        ),
        "carry": ", including unspent credit carried over",
        "net_caption": (
            " The envelopes limit the net effort (spending − FCTVA − subsidies), marked ◆; the percentage refers to it."
        ),
        "net_marker": "Net effort (limited)",
        "total_envelope": "Multi-year envelope {start}–{end}: {amount}, used {used}.",
        "with_plan": "with the plan",
        "without": "without new projects",
        "unmet_caption": (
            "Expected unmet demand each year, all quartiers together, per kind in its unit (not weighted): with the "
            "plan (solid line) and without new projects, only the committed operations being built (dashed)."
        ),
        "heatmap_caption": (
            "Expected unmet demand per quartier (rows) and year (columns), for each kind of demand in its unit "
            "(classes, places), not weighted. Empty cell: demand met."
        ),
        "gantt_caption": (
            "Each bar runs from the operation's start year to the year it opens (number on the right), coloured by "
            "theme; hatched: committed operation (coup parti). Grey: years outside the PPI horizon."
        ),
        "committed": "committed (coup parti)",
        "outside_horizon": "outside the horizon",
        "no_chosen": "No operation is chosen.",
        "project": "Project",
        "district": "Quartier",
        "theme": "Theme",
        "start": "Start",
        "delivery": "Opens",
        "capacity_added": "Capacity added",
        "capacity_would_add": "Capacity it would add",
        "maturity_competence": "Maturity, competence",
        "cost": "Total cost",
        "chosen_table": "Chosen operations",
        "not_chosen_intro": "{n} candidate projects are not chosen in this plan.",
        "all_chosen": "Every candidate project is chosen.",
        "excluded_note": "{n} project(s) excluded by the scenario are not offered: {ids}.",
        "transfers_intro": (
            "Part of a full quartier's demand is met by spare capacity in a neighbouring quartier (within the "
            "scenario's cap, at a penalty); expected units."
        ),
        "no_transfers": "No demand is met in a neighbouring quartier in this plan.",
        "from": "From quartier",
        "to": "To quartier",
        "kind": "Demand",
        "units_total": "Total",
        "years_span": "Years",
        "max_year": "Most in one year",
        "op_costs": "Operating costs added",
        "epargne": "Épargne brute",
        "savings_rate": "Épargne brute rate",
        "borrowing": "Borrowing",
        "debt": "Debt at year end",
        "debt_years_col": "Capacité de désendettement (years)",
        "finance_caption": "The plan's savings and debt path, borrowing only what closes each year. {limits}",
        "limits": "Scenario limits: {items}.",
        "min_savings": "épargne brute rate ≥ {v}",
        "max_debt_years": "capacité de désendettement ≤ {v} years",
        "max_borrowing": "borrowing ≤ {v} a year",
        "scenario": "Scenario",
        "source": "File",
        "variant": "Variant",
        "none_f": "none",
        "none_m": "none",
        "overrides": "Overrides",
        "solver": "Solver",
        "solver_text": "{solver} ({message}), {runtime}",
        "options": "Solver options",
        "model": "Model size",
        "model_text": "{columns} columns ({binaries} binary), {rows} rows",
        "basis": "Envelopes limit",
        "basis.gross": "the city's gross spending",
        "basis.net": "net effort (spending − FCTVA − subsidies)",
        "created": "Plan computed on",
        "version": "ppi version",
        "warnings": "Scenario warnings",
        "demand_source": "Demand",
        "demand_forecast": "forecast (pupils, housing, births) for {n} of {total} quartier-kind pairs",
        "demand_table": "the scenario's demand table",
        "seconds": "s",
        "cmp_intro": "Variants compared: {labels}. Highlighted cells differ from the first variant.",
        "cmp_not_comparable": "Objectives not comparable: the weights differ from {first}'s ({parts}). Compare the "
        "unmet demand per kind and the money, not the objective.",
        "w.discount": "discount",
        "w.transfer_penalty": "transfer penalty",
        "w.cost": "cost weight",
        "cmp_spending_caption": (
            "City spending (CP) per year: one bar per variant, on the same scale; black line: the variant's "
            "envelope that year."
        ),
        "cmp_unmet_caption": (
            "Unmet demand each year, all quartiers together, per kind in its unit (not weighted): one line per "
            "variant, on the same axes."
        ),
        "cmp_no_plan": " Without a plan, hence not in the charts: {labels}.",
        "cmp_starts_intro": (
            "{n} of {total} projects change from one variant to another (—: not chosen): they come first, with the "
            "cells that differ from the first variant highlighted."
        ),
        "cmp_budget": "Envelopes and spending per year",
        "indicator": "Indicator",
        "unit": "Unit",
        "differs": "Differs",
        "yes": "yes",
        "ind.status": "status",
        "ind.gap": "optimality gap",
        "ind.objective": "objective",
        "ind.unmet": "unmet demand — {kind}",
        "ind.unmet_worst": "unmet demand — {kind}, worst year",
        "ind.unmet_worst_year": "unmet demand — {kind}, worst year (year)",
        "ind.projects chosen": "projects chosen",
        "ind.city cost of the projects chosen": "city cost of the projects chosen (AP)",
        "ind.spending over the horizon": "spending over the horizon (CP)",
        "ind.net effort over the horizon": "net effort over the horizon",
        "ind.capacité de désendettement, worst year": "capacité de désendettement, worst year",
        "ind.debt at the horizon end": "debt at the horizon end",
        "legend_envelope": "the variant's envelope",
        "footer": "Report produced by ppi {version}, an open-source decision-support tool for the PPI.",
        # The workbooks (reports/xlsx_plan.py, reports/xlsx_compare.py): sheets (sh.), titles (t.), headers (h.),
        # units (u.), project statuses (ps.), solver options (opt.) and model sizes (mk.); wb.: the workbook's own
        # wording of a figure the pages word otherwise.
        "sh.ppi": "PPI",
        "sh.budget": "Budget",
        "sh.transfers": "Transfers",
        "sh.inputs": "Assumptions",
        "sh.projects": "Projects",
        "t.summary": "Plan summary — {name}",
        "t.ppi": "Multi-year investment programme (AP/CP, city share, in euros) — {name}",
        "t.budget": "Envelopes and payments per year (in euros) — {name}",
        "t.finance": "Savings and debt, borrowing only what closes each year (in euros) — {name}",
        "t.unmet": "Expected unmet demand per district, kind and year (in units of the kind) — {name}",
        "t.left": "Candidate projects not chosen — {name}",
        "t.transfers": "Demand met in a neighbouring district (expected) — {name}",
        "t.inputs": "Assumptions and parameters — {name}",
        "t.csummary": "Comparison of variants — indicators (filled cells: the variants differ)",
        "t.cprojects": "Comparison of variants — start year of each project (filled cells: differences)",
        "t.cbudget": "Comparison of variants — envelopes and spending per year (in euros)",
        "t.cunmet": "Comparison of variants — unmet demand per kind and year",
        "t.cinputs": "Comparison of variants — inputs and solve",
        "h.value": "Value",
        "h.id": "Id",
        "h.district": "District",
        "h.district_id": "District id",
        "h.maturity": "Maturity",
        "h.competence": "Competence",
        "h.delivery": "Delivery",
        "h.ap": "AP (€)",
        "h.cp_before": "CP before {year} (€)",
        "h.cp": "CP {year} (€)",
        "h.cp_after": "CP after {year} (€)",
        "h.subsidies_total": "Subsidies, all years (€)",
        "h.fctva_total": "FCTVA, all years (€)",
        "h.envelope": "Envelope (€)",
        "h.carried": "Carried from the previous year (€)",
        "h.available": "Available (€)",
        "h.spent": "Spending (€)",
        "h.subsidies": "Subsidies (€)",
        "h.fctva": "FCTVA (€)",
        "h.net": "Net effort (€)",
        "h.charged": "Charged to the envelope (€)",
        "h.margin": "Margin (€)",
        "h.use": "Use",
        "h.revenue": "Operating revenue (€)",
        "h.op_spending": "Operating spending (€)",
        "h.op_added": "Operating costs of new equipment (€)",
        "h.interest": "Interest (€)",
        "h.savings": "Épargne brute (€)",
        "h.savings_rate": "Savings rate",
        "h.net_investment": "Net investment (€)",
        "h.repayment": "Repayment (€)",
        "h.borrowing": "Borrowing (€)",
        "h.debt": "Outstanding debt (€)",
        "h.debt_years": "Debt capacity (years)",
        "h.kind": "Kind",
        "h.cost": "Total cost (€)",
        "h.city_cost": "City cost (€)",
        "h.capacity": "Capacity {kind} ({unit})",
        "h.earliest": "Earliest start",
        "h.latest": "Latest start",
        "h.from": "From district",
        "h.to": "To district",
        "h.units": "Units",
        "h.item": "Item",
        "h.differs": "Differs",
        "h.envelope_of": "Envelope {label} (€)",
        "h.spent_of": "Spending {label} (€)",
        "wb.total": "TOTAL",
        "total_of": "TOTAL {kind}",
        "no": "no",
        "wb.not_chosen": "not chosen",
        "wb.source": "Scenario file",
        "wb.overrides": "Overrides applied",
        "wb.status": "Solve outcome",
        "status_code": "Status (code)",
        "solver_message": "Solver message",
        "wb.gap": "Optimality gap",
        "wb.objective": "Objective (weighted unmet demand)",
        "wb.obj_parts": "Objective, in parts",
        "wb.obj_weights": "Weights of the objective",
        "bound": "Lower bound of the objective",
        "unmet_worst": "Unmet demand — {kind}, worst year",
        "unmet_worst_year": "Unmet demand — {kind}, worst year (year)",
        "unmet_without": "Unmet demand — {kind}, without new projects",
        "candidates": "Candidate projects (excluding excluded ones)",
        "wb.city_cost": "City cost of the projects chosen (AP)",
        "envelopes": "Envelopes over the horizon",
        "wb.spent": "City spending over the horizon (CP)",
        "wb.use": "Use of the envelopes",
        "subsidies": "Subsidies received over the horizon",
        "fctva": "FCTVA received over the horizon",
        "wb.net": "Net effort over the horizon (spending − subsidies − FCTVA)",
        "wb.basis": "Envelopes limit",
        "wb.basis.gross": "gross city spending",
        "wb.basis.net": "net effort (spending − FCTVA − subsidies)",
        "wb.debt_years": "Debt capacity, highest year",
        "debt_years_year": "Debt capacity, highest year (year)",
        "savings_min": "Savings rate, lowest year",
        "savings_min_year": "Savings rate, lowest year (year)",
        "debt_end": "Outstanding debt end {year}",
        "wb.borrowing": "Borrowing over the horizon",
        "wb.created": "Plan date",
        "warning": "Warning",
        "no_plan": "No plan ({words}): only this summary is written.",
        "mismatch": (
            "The plan no longer matches the scenario (recomputed spending differs from plan.json): has the "
            "scenario changed since the solve?"
        ),
        "wb.carry": "Unspent envelope carried over",
        "wb.total_envelope": "Multi-year envelope {start}–{end}",
        "option": "Solver option: {key}",
        "u.year": "year",
        "u.weighted": "weighted unit-years",
        "u.share": "%",
        "u.count": "projects",
        "st.infeasible": "infeasible: no plan satisfies the constraints",
        "st.no_solution": "no plan found within the limits",
        "ps.committed": "committed",
        "ps.mandatory": "mandatory",
        "ps.candidate": "candidate",
        "ps.excluded": "excluded",
        "wb.net_effort": "Net effort over the horizon",
        "wb.debt_at_end": "Outstanding debt at the horizon end",
        "opt.solver": "engine",
        "opt.time_limit": "time limit (s)",
        "opt.gap": "target gap",
        "opt.threads": "threads",
        "opt.seed": "seed",
        # Why this plan (`ppi explain`): headers, the constraints that hold a plan (b.), the notes of a re-solve
        # (pn.) and of an explanation (note.).
        "why.title": "Why this plan?",
        "sheet": "Why this plan",
        "sheet_budget": "Value of budget",
        "h.change": "Change",
        "change.force_in": "forced in",
        "change.drop": "dropped",
        "change.defer": "deferred one year",
        "h.status": "Outcome",
        "why.intro": (
            "Each value comes from solving the scenario again with one change. A positive change of the objective "
            "is a loss (more weighted unmet demand), a negative one a gain."
        ),
        "left": "Projects not chosen: the effect of forcing them in (at their best start year)",
        "chosen": "Projects chosen: the effect of dropping them or deferring them one year",
        "budget": "Value of one more million euros in each year's envelope",
        "holds": "What holds the plan",
        "h.new_start": "Start when forced",
        "h.delta": "Objective change",
        "h.displaced": "Projects displaced",
        "h.added": "Projects brought in",
        "h.drop": "Dropped: change",
        "h.defer": "Deferred one year: change",
        "why.charged": "Charged",
        "h.gain": "Objective removed per M€",
        "h.binding": "One more M€ improves the plan",
        "h.note": "Note",
        "at_limit": "envelope used up",
        "not_possible": "not possible",
        "infeasible": "no plan possible",
        "why.spending": "spending",
        "what.net": "net effort",
        "b.budget_year": (
            "{year}: {what} of {charged} uses the envelope of {available} to within {margin} [budget[{year}]]"
        ),
        "b.budget_total": ("{start}–{end}: {used} of the {amount} multi-year envelope are used [budget_total]"),
        "b.window_earliest": "{project} starts in {year}, the earliest year its window allows",
        "b.window_latest": "{project} starts in {year}, the last year of its window: it cannot be deferred",
        "b.requires_same_year": "{project} starts in {year}, the year {required} (which it requires) starts",
        "b.debt_ceiling": (
            "{year}: debt is {debt_years:.1f} years of épargne brute, at the ceiling of {ceiling:g} years "
            "[debt_capacity[{year}]]"
        ),
        "b.savings_floor": (
            "{year}: épargne brute is {rate:.1%} of revenue, at the floor of {floor:.1%} [min_savings[{year}]]"
        ),
        "b.borrowing_cap": ("{year}: new borrowing of {borrowing} is at the cap of {cap} [financing[{year}]]"),
        "pn.cannot_defer": "cannot be deferred: its window ends in {latest}",
        "pn.no_plan_with": "no plan can include it",
        "pn.too_big": "no plan can include it: in {year} it alone needs {need} against an envelope of "
        "{envelope}, whatever its start year",
        "pn.no_plan_without": "no plan without it",
        "note.not_optimal": (
            "the plan explained is {status} (not proven optimal): a change may improve on it for reasons of its own"
        ),
        # An explain value split into the objective's parts, and the projects entering, leaving, moving (x.).
        "x.kind": "{kind} {value} ({units} {unit} × years)",
        "x.transfers": "transfers {value}",
        "x.cost": "cost {value}",
        "x.stability": "stability {value}",
        "rv.title": "PPI revision {year}",
        "rv.intro": (
            "Adopted PPI: {previous}. Revision in {year}: the years before {year} are paid, the revised plan "
            "covers {year}-{end}."
        ),
        "rv.objective": "Objective of the revised plan: {objective} ({status}), of which stability {stability}.",
        "rv.rules": "Stability cost: {move} per year moved, {drop} per announced operation dropped; locked: {locked}.",
        "rv.nothing_locked": "none",
        "rv.changes": "What changed since the adopted PPI",
        "rv.no_change": "No change: every announced operation keeps its year.",
        "rv.kind.added": "added",
        "rv.kind.dropped": "dropped",
        "rv.kind.moved": "moved",
        "rv.kind.under_way": "under way",
        "rv.head.project": "Operation",
        "rv.head.change": "Change",
        "rv.head.adopted": "Adopted start",
        "rv.head.revised": "Revised start",
        "rv.head.why": "Why",
        "rv.head.year": "Year",
        "rv.head.planned": "Planned CP",
        "rv.head.realised": "CP paid or scheduled",
        "rv.why.keep": "keeping it in {year} would cost {value} ({parts}); city spending {money}",
        "rv.why.drop": "doing without it would cost {value} ({parts}); city spending {money}",
        "rv.why.none": "no plan can undo this change ({status})",
        "rv.why.tie": "keeping it in {year} would cost nothing more: a tie with the revised plan",
        "rv.sheet.changes": "Changes",
        "rv.sheet.realised": "Réalisé",
        "rv.why.delay": "slipped {delay} year(s)",
        "rv.why.cost": "cost {before} → {after}",
        "rv.realised": "Réalisé and planned CP of the operations under way",
        "rv.past": "paid",
        "rv.future": "scheduled",
        "rv.side": "Adopted and revised PPI on the same axes",
        "rv.adopted": "adopted PPI",
        "rv.revised": "revised PPI",
        "rv.spending_caption": "Spending per year of the adopted and the revised PPI, with their envelopes.",
        "rv.unmet_caption": "Unmet demand per year, adopted and revised PPI.",
        "x.none": "no part changes",
        "x.enter": "enter: {ids}",
        "x.leave": "leave: {ids}",
        "x.move": "re-timed: {items}",
        "x.moved_item": "{id} {before}→{after}",
        "x.after_horizon": "delivered in {year}, after the end of the PPI ({end})",
        "h.parts": "The change in parts, and the projects entering, leaving or re-timed",
        "h.drop_parts": "Dropped: parts and projects",
        "h.defer_parts": "Deferred: parts and projects",
        "h.part_kind": "Change: {kind} unmet (weighted)",
        "h.part_units": "Change: {kind} ({unit} × years)",
        "h.part_transfers": "Change: transfers",
        "h.part_cost": "Change: cost",
        "h.moved": "Projects re-timed",
        "ch.no_plan": "no plan (see sweep.csv, column reason)",
        # Why there is no plan (the diagnosis of `ppi solve`): what breaks (f.), remedies (r.) and their changes
        # (c.), notes (n.).
        "diag.title": "Why there is no plan",
        "diag.intro": "No plan satisfies the constraints. What breaks:",
        "remedies": "Changes that make it feasible (each checked by solving the changed scenario):",
        "not_checked": "not checked",
        "h.what": "What breaks, then the changes that mend it",
        "h.detail": "Constraint, or change",
        "who.fixed": "committed and mandatory projects",
        "who.required": "committed, mandatory and required projects",
        "what.spending": "spending",
        "ps.chosen": "chosen",
        "item": "{id} ({status}, {amount})",
        "more": "and {n} more",
        "carried": " plus {carried} carried over",
        "f.budget_year": (
            "{year}: {who} need {need} of {what} against an envelope of {envelope}{carried} (short "
            "by {short}): {projects}"
        ),
        "f.budget_robust": (
            "{row}: with the margin to hold the envelopes at {level} confidence, {who} need {need} of {what} "
            "against {available} of envelope (short by {short}): {projects}"
        ),
        "f.budget_gamma": (
            "{row}: with the margin for {level} cost overruns, {who} need {need} of {what} against {available} of "
            "envelope (short by {short}): {projects}"
        ),
        "a.robust_gamma": (
            "every envelope of the PPI holds even if {gamma} of the projects it pays for overrun their cost by their "
            "maturity level's deviation (two standard deviations, Bertsimas–Sim protection)"
        ),
        "f.budget_cumulative": (
            "{span} (with carry-over): {who} need {need} of {what} against {available} of envelopes "
            "(short by {short}): {projects}"
        ),
        "f.budget_total": (
            "{start}–{end} multi-year envelope: {who} need {need} of {what} against {amount} (short "
            "by {short}): {projects}"
        ),
        "f.borrowing": (
            "{year}: the year's investment and repayments need {need} of new borrowing, above the {cap} a year "
            "allowed (finance.prospective.max_borrowing)"
        ),
        "f.savings": (
            "{year}: épargne brute falls to {rate:.1%} of operating revenue, below the floor of {floor:.1%} "
            "(finance.prospective.min_savings_rate)"
        ),
        "f.debt": (
            "{year}: debt of {debt} is {ratio} épargne brute ({savings}), above the ceiling of "
            "{ceiling:g} years (capacité de désendettement, finance.prospective.max_debt_years)"
        ),
        "ratio": "{ratio:.1f} years of",
        "ratio.none": "more than any number of years of",
        "when.starts": "starts in {year}",
        "when.must": "must start in {window}",
        "when.can": "can start in {window}",
        "f.requires": "{p} ({p_status}) {p_when} and requires {q}, which {q_when}: {q} cannot have started by {s}",
        "f.requires_excluded": "{p} ({p_status}) {p_when} and requires {q}, which is excluded",
        "f.excludes": "{p} ({p_status}) and {q} ({q_status}) exclude each other, but both must be carried out",
        "f.mandatory": "mandatory project {p} cannot start in its window {window} with the other constraints",
        "f.locked": (
            "{p}, announced for {year} in the adopted PPI, is locked to that year but cannot start then (window "
            "{window}) with the other constraints"
        ),
        "f.row": "constraint {row} cannot be met",
        # Breaches that hold whatever the PPI: the committed projects alone already break the limit.
        "f.baseline_savings": (
            "even with no new project, épargne brute falls to {rate:.1%} of operating revenue in {year}, below the "
            "floor of {floor:.1%}: no PPI meets it (finance.prospective.min_savings_rate)"
        ),
        "f.baseline_debt": (
            "even with no new project, debt of {debt} is {ratio} épargne brute ({savings}) in {year}, above the "
            "ceiling of {ceiling:g} years: no PPI meets it (finance.prospective.max_debt_years)"
        ),
        "f.baseline_borrowing": (
            "even with no new project, {year} needs {need} of new borrowing, above the {cap} a year allowed: no PPI "
            "meets it (finance.prospective.max_borrowing)"
        ),
        # A remedy's heading, from its changes (rt.), joined with "and"
        "rt.money": "give more money",
        "rt.borrowing": "allow more borrowing",
        "rt.savings_rate": "lower the savings floor",
        "rt.debt_years": "raise the debt ceiling",
        "rt.shift": "move start windows",
        "rt.drop_mandatory": "make mandatory projects optional",
        "rt.carry_over": "allow carry-over",
        "rt.and": " and ",
        "c.late": "; {project} would be delivered in {delivery}, after the end of the PPI ({horizon_end})",
        "r.money": "Give more money",
        "r.carry": "Allow carry-over",
        "r.schedule": "Change the schedule",
        "c.raise_envelope": "raise the {year} envelope by {by} (to {to})",
        "c.raise_total": "raise the {start}–{end} multi-year envelope by {by} (to {to})",
        "c.borrowing": "allow {to} of new borrowing a year (instead of {before})",
        "c.savings_rate": "lower the épargne brute floor to {to:.1%} of operating revenue (from {before:.1%})",
        "c.debt_years": "raise the debt ceiling to {to:g} years of épargne brute (from {before:g})",
        "c.shift": "move {project}'s window {n} year{s} {direction} (to {start}–{end}){late}",
        "later": "later",
        "earlier": "earlier",
        "plural": "s",
        "c.drop_mandatory": "make {project} a candidate instead of mandatory",
        "c.carry_over": "let unspent envelope carry into later years",
        "n.no_diagnosis": "the elastic model ended {status}: no diagnosis",
        "n.in_memory": "the scenario was built in memory: the remedies could not be checked by loading it again",
        "n.not_least": (
            "the least change was not proven within {seconds:g} s: the changes offered work but may not be the smallest"
        ),
        "n.none": "no single kind of change ppi can suggest (money, carry-over, windows) gives a plan",
        # The assumptions a council approves (reports/assumptions.py): a. rows, ov. overrides in words, after.
        # what falls after the horizon, maturity. what maturity does; the AP/CP table; the PNG charts (ch.).
        "after_ppi": "after the PPI",
        "after.none": "No CP after {end}: all the spending of the chosen operations falls within the horizon.",
        "after.line": "After {end}: {amount} of CP still to finance ({items}), {how}.",
        "after.tail": "charged to prolonged envelopes of {envelope} a year ({span})",
        "after.beyond": ", of which {amount} after {last} charged to no envelope",
        "after.open": "charged to no envelope (horizon end rule: open)",
        "maturity.note": (
            "Maturity weights capacity: {items} in the expected unmet demand{competences}; nominal figures count "
            "every place delivered."
        ),
        "maturity.own": "{n} project(s) set their own confidence",
        "maturity.competences": " (the competence multiplies it further: {items})",
        "maturity.comp_item": "“{label}” {confidence}",
        "maturity.item": "a project “{label}” (confidence {confidence}) counts for {share} of its places",
        "maturity.none": "Every project has a confidence of 1: expected and nominal unmet demand are the same.",
        "ov.set": "value set: {path} = {value}",
        "ov.scale_point": "every envelope × {factor}",
        "ov.scale": "variant {name}: every envelope × {factor}",
        "ov.exclude": "variant {name}: {project} excluded",
        "ov.force": "variant {name}: {project} forced in (mandatory)",
        "ov.shift": "variant {name}: start window of {project} moved {years} year{s} {direction}",
        "ov.weight": "variant {name}: weight of {kind} = {weight}",
        "ov.override": "variant {name}: values replaced ({keys})",
        "ov.variant_set": "variant {name}: {path} = {value}",
        "ov.described": "variant {name}: {description}",
        "ov.variant": "variant {name}",
        "path.budget_year": "envelope {year}",
        "path.budget_annual": "yearly envelopes",
        "path.carry_over": "unspent envelope carried over",
        "path.carry_over_share": "share of the unspent envelope carried over",
        "path.budget_total": "multi-year envelope",
        "path.fctva_rate": "FCTVA rate",
        "path.fctva_lag": "FCTVA lag (years)",
        "path.max_debt_years": "ceiling of the capacité de désendettement (years)",
        "path.min_savings_rate": "floor of the épargne brute rate",
        "path.max_borrowing": "largest yearly borrowing",
        "path.weight": "weight of {kind}",
        "path.discount_rate": "discount rate",
        "path.cost_weight": "weight of cost",
        "path.end_rule": "horizon end rule",
        "path.tail_years": "tail years after the horizon",
        "path.transfer_penalty": "transfer penalty",
        "path.project_status": "status of {project}",
        "path.project_earliest": "earliest start of {project}",
        "path.project_latest": "latest start of {project}",
        "path.project_cost": "cost of {project}",
        "a.horizon": "PPI horizon",
        "a.horizon_text": "{start}–{end} ({n} years); a project starts in {end} at the latest",
        "a.end": "Horizon end",
        "a.end.tail": (
            "{n} tail years ({span}): the remaining CP are charged to envelopes that continue the {end} one "
            "({envelopes}), demand keeps counting, no project starts in them"
        ),
        "a.end.complete": "every chosen project pays all its CP and is delivered by {end}",
        "a.end.open": (
            "CP paid after {end} are charged to no envelope and capacity delivered after {end} does not count"
        ),
        "a.weights": "Weight of a need unmet for one year",
        "a.discount": "Discount rate",
        "a.discount_text": "{rate} a year",
        "a.cost_weight": "Weight of cost",
        "a.cost_text": "{weight} per M€ the city spends",
        "a.maturity": "Project maturity",
        "a.levels": "Maturity levels used",
        "a.level": "“{label}”: confidence {confidence}, earliest start {lead} year(s) after the horizon start",
        "a.school": "School forecast",
        "a.school_base": "pupils of {year}, changing by {trend} a year",
        "a.school_cohort": "cohorts of {year} moving up one level a year (transition rates of the observed "
        "years), new cohorts {entry}",
        "a.entry.trend": "at the petite section's trend",
        "a.entry.births": "from births",
        "a.damping": "trend damped: ×{factor} each year",
        "a.bounds": "cumulated change since {year} within {low} and {high}",
        "a.private_share": "share of pupils in private schools: {shares} (public pupils follow 1 − share)",
        "a.class_size": "{size} pupils per class",
        "a.cap": "{levels} capped at {cap} pupils per class ({rep_cap} in REP/REP+)",
        "a.rep": "REP/REP+ quartiers: {districts}",
        "a.rep_none": "no REP/REP+ quartier",
        "a.rounding_classes.up": "classes rounded up to whole classes",
        "a.rounding_classes.none": "classes not rounded",
        "a.housing": "New housing",
        "a.housing_text": "{n} programmes, {dwellings} dwellings; pupils per dwelling at the peak: {types}",
        "a.dwelling_type": "{type} {pupils}",
        "a.childcare": "Childcare forecast",
        "a.childcare_basis.under_3": "from the children under 3",
        "a.childcare_basis.births": "from the births of the last three years",
        "a.coverage": "target coverage {coverage}, of which {share} in crèches",
        "a.per_place": "{children} child(ren) per place",
        "a.rounding_places.up": "places rounded up to whole places",
        "a.rounding_places.none": "places not rounded",
        "a.growth": "Extra demand growth",
        "a.growth_item": "{kind}: {rate} a year",
        "a.envelopes": "Yearly envelopes",
        "a.envelope_total": "Total of the envelopes {span}",
        "a.carry_yes": "yes, {share} of the unspent balance carries into the next year",
        "a.carry_no": "no",
        "a.robustness": "Robustness of the envelopes",
        "a.robust_yes": (
            "every envelope of the PPI holds, all at once, with a probability of at least {level} given the cost "
            "uncertainty by maturity level: the projects' mean charge plus a margin of {z} standard deviations on "
            "each of the {rows} uncertain budget rows (normal approximation, union bound)"
        ),
        "a.robust_no": "no margin: the envelopes are filled at the projects' expected cost",
        "a.uncertainty": "Uncertainty by maturity level",
        "a.uncertainty_item": "{label}: cost standard deviation {sigma}, one-year slip {slip}",
        "robustness": "Price of robustness",
        "rob.intro": (
            "Each point is the optimal plan for a target confidence level, re-evaluated without re-solving under "
            "{samples} cost samples (seed {seed}): the share of samples in which every envelope holds, and the "
            "unmet demand accepted for it."
        ),
        "rob.caption": "Unmet demand (objective) against the probability of holding every envelope",
        "rob.level": "Target confidence",
        "rob.none": "no margin",
        "rob.gamma": "Projects overrunning (Γ)",
        "rob.holds": "Probability of holding every envelope",
        "rob.error": "sampling error",
        "rob.spending": "City spending (M€)",
        "rob.chosen": "Projects chosen",
        "rob.x": "probability of holding every envelope (%)",
        "a.transfers": "Demand met in a neighbouring quartier",
        "a.transfers_off": "no",
        "a.transfers_on": (
            "{kinds}; {pairs} pairs of neighbouring quartiers; {limits}; a need met next door counts {penalty} of "
            "its weight"
        ),
        "a.max_share": "at most {share} of the quartier's demand",
        "a.max_units": "at most {units} units a year",
        "a.no_limit": "no limit",
        "a.subsidies": "Subsidies",
        "a.subsidies_text": "{n} candidate projects aided, {total} in all ({payers})",
        "a.subsidies_none": "no subsidy entered",
        "a.folded": "aid folded into the share the city pays: {items}",
        "a.folded_item": "competence “{label}” (city share {share})",
        "a.folded_own": "{n} project(s) with their own city share",
        "a.fctva_text": "{rate} of eligible spending, received {lag}",
        "a.lag.0": "in the year of the spending",
        "a.lag.1": "the year after the spending",
        "a.lag.2": "two years after the spending",
        "a.fctva_none": "not counted",
        "a.finance": "Financial outlook",
        "a.finance_none": "no savings and debt path",
        "a.finance_text": (
            "operating revenue {revenue} ({revenue_growth} a year), operating spending {spending} "
            "({spending_growth} a year), debt {debt} repaid {repayment} a year, interest {rate}, new loans over "
            "{loan_years} years, other investment {other} a year"
        ),
        "a.ceilings": "Ratios and ceilings",
        "a.op_costs": "Operating costs of new equipment",
        "a.op_cost": "{kind}: {amount} a year per unit ({unit})",
        "annex": "Technical annex",
        "apcp": "AP/CP per operation",
        "apcp_caption": (
            "AP: the operation's cost to the city. CP of each PPI year, then after {end}. Subsidies and FCTVA of "
            "all years; net cost = AP − subsidies − FCTVA."
        ),
        "ap": "AP",
        "cp_before": "CP before {year}",
        "cp_after": "After {end}",
        "subsidies_col": "Subsidies",
        "net_cost": "Net cost",
        "city_share_note": "city share {share}",
        "folded_aid": (
            "no subsidy entered, the aid of {n} chosen operations being folded into their city share ({shares})"
        ),
        "nominal_note": "; nominal (every place delivered): {nominal}",
        "span_unit": "{unit} × years, {span}",
        "spent_span": "Spending {span} (CP)",
        "wb.maturity": "What maturity does",
        "wb.after": "CP after {end}",
        "wb.unmet_nominal": "Nominal unmet demand — {kind}",
        "nominal_of": "Nominal unmet demand — {kind} (every place delivered)",
        "wb.span": "Years the indicators cover",
        "h.net_cost": "Net cost (€)",
        "h.cp_tail": "CP {year}, after the PPI (€)",
        "h.period": "Period",
        "period.ppi": "PPI",
        "period.after": "after {end}",
        "ch.knee": "knee",
        "ch.envelope_total": "total envelope over the horizon (M€)",
        "ch.objective": "objective (weighted unmet unit-years)",
        "ch.unmet": "expected unmet demand (unit-years)",
        "ch.tornado": "objective (weighted unmet unit-years); base = black line",
        "ch.resolved": "re-solved per sample",
        "ch.fixed": "fixed plan",
        "ch.samples": "samples",
        "ch.chosen_share": "share of samples where the project is chosen",
        "ch.demand": "{kind}: demand by quartier and existing capacity ({unit})",
        "ch.capacity": "capacity",
        "ch.gap": "{kind}: demand − capacity (red: shortage)",
        "ch.observed_title": "Pupils observed and forecast per quartier (solid: observed years; dashed: forecast)",
        "ch.observed": "observed",
        "ch.forecast": "forecast",
        "ch.pupils": "pupils",
        # The live arbitration page (`ppi serve`, reports/live.py): its labels and the server's messages.
        "live.part_unmet": "Weighted unmet demand — {kind}",
        "live.part_transfers": "Transfers to a neighbouring quartier",
        "live.part_cost": "Cost (tie-break)",
        "live.why_force_in": "Force it in",
        "live.why_drop": "Drop it",
        "live.why_defer": "Defer it one year",
        "live.why_nothing": "No value computed for {name}.",
        "live.on": "on",
        "live.off": "off",
        "live.edit_envelope": "Envelope {year}: {amount}",
        "live.edit_scale": "Every envelope {percent}",
        "live.edit_carry": "Carry-over of unspent envelope {state}",
        "live.edit_force": "{name} forced in",
        "live.edit_exclude": "{name} left out",
        "live.edit_window": "{name}: start between {earliest} and {latest}",
        "live.edit_shift": "{name}: start window moved by {years} year(s)",
        "live.edit_weight": "Weight of {kind_name}: {value}",
        "live.edit_transfers": "Transfers to neighbouring quartiers {state}",
        "live.edit_set": "{path} = {value}",
        "live.busy": "A solve is running: wait for it to finish or cancel it.",
        "live.bad_edit": "Edit not understood: {detail}.",
        "live.no_transfers": (
            "This scenario has no transfers block (a neighbouring quartier's spare capacity): add one to the file to "
            "turn transfers on."
        ),
        "live.unknown_edit": "There is no edit number {id}.",
        "live.unknown_project": "There is no project '{project}'.",
        "live.no_plan": "This state has no plan.",
        "live.no_diagnosis": "No diagnosis at hand: remedy number {index} does not exist.",
        "live.unknown_state": "There is no state '{name}' (states: {known}).",
        "live.too_many": "Compare two to four states (got {count}).",
        "live.bad_name": (
            "Variant name refused: '{name}'. Lower-case letters, digits and hyphens, 1 to 40 characters, starting "
            "with a letter."
        ),
        "live.name_exists": "The variant '{name}' already exists ({file}): choose 'replace' or another name.",
        "live.name_in_scenario": (
            "'{name}' is a variant of the scenario's file: choose another name (it is never replaced)."
        ),
        "live.not_ours": "{file} exists and was not written by ppi serve: it is never replaced.",
        "live.token": "Access refused: this server needs the token printed when it started (?token=...).",
        "live.cancelled": "Solve cancelled: the previous state is kept.",
        "live.failed": "The solve failed ({detail}): the previous state is kept.",
        "live.saved_description": "saved from ppi serve on {date} ({count} edit(s))",
        "live.base": "base",
        "live.current": "current",
    },
}
